import { JSONPath } from 'jsonpath-plus';

/** jsonpath-plus' own safe evaluator of filter scripts (`?(@.id == 1)`), which it does not export by name. */
type SafeScript = { ast: ScriptNode; runInNewContext(context: object): unknown };
type ScriptNode = { type: string; value?: unknown; [key: string]: unknown };
const SafeScript = (JSONPath.prototype as unknown as { safeVm: { Script: new (code: string) => SafeScript } }).safeVm
  .Script;

/**
 * Filter scripts may compare, combine and read fields — not call methods (`@.name.repeat(1e9)` would eat the
 * memory) nor use JavaScript regexes (which can take exponential time): a workspace is shared, a body is hostile.
 */
class GuardedScript {
  private readonly script: SafeScript;

  constructor(code: string) {
    this.script = new SafeScript(code);
    const stack: unknown[] = [this.script.ast];
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === null || typeof node !== 'object') continue;
      if (Array.isArray(node)) {
        stack.push(...node);
        continue;
      }
      const { type, value } = node as ScriptNode;
      if (type === 'CallExpression') throw new Error('filters cannot call methods; compare values instead');
      if (type === 'AssignmentExpression') throw new Error('filters cannot assign');
      if (value instanceof RegExp) throw new Error('filters cannot use regular expressions; use a regex condition');
      stack.push(...Object.values(node));
    }
  }

  runInNewContext(context: object): unknown {
    return this.script.runInNewContext(context);
  }
}

export interface CompiledJsonPath {
  readonly source: string;
  /** Every value the path selects in `json` (none when a filter fails on it). */
  select(json: unknown): unknown[];
}

/** Compiles a JSONPath (`$.items[?(@.price < 10)].name`); throws an Error saying what is wrong. */
export function compileJsonPath(source: string): CompiledJsonPath {
  if (!source.startsWith('$')) throw new Error('a JSONPath starts with $ (the whole body)');
  if (!balanced(source)) throw new Error('brackets or parentheses are not balanced');
  for (const part of JSONPath.toPathArray(source)) {
    const script = /^\??\((.*)\)$/s.exec(part);
    // The same rewriting of @ that jsonpath-plus applies before it evaluates a script.
    if (script)
      new GuardedScript(
        (script[1] ?? '')
          .replaceAll(/@(parentProperty|parent|property|root|path)/g, '_$$_$1')
          .replaceAll(/@([.\s)[])/gu, '_$$_v$1'),
      );
  }
  const select = (json: unknown): unknown[] => {
    if (json === undefined) return [];
    try {
      return JSONPath({ path: source, json: json as object, wrap: true, eval: GuardedScript, ignoreEvalErrors: true });
    } catch {
      return [];
    }
  };
  select({});
  return { source, select };
}

/** Brackets and parentheses outside quotes pair up (jsonpath-plus quietly ignores a dangling `[`). */
function balanced(source: string): boolean {
  const open: string[] = [];
  let quote: string | undefined;
  for (const char of source) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '[' || char === '(') open.push(char);
    else if (char === ']' || char === ')') {
      if (open.pop() !== (char === ']' ? '[' : '(')) return false;
    }
  }
  return open.length === 0 && quote === undefined;
}
