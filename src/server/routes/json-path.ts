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

/**
 * Most steps one evaluation may take — a step: reaching a node with the rest of the path, or looking at one of its
 * children. Each (rest of the path, node) is followed once, so ordinary paths stay far below it on any body the
 * limits admit; past it the path selects nothing, so a hostile body or path cannot hold the engine.
 */
export const JSON_PATH_STEP_LIMIT = 2_000_000;

export interface JsonPathResult {
  /** What the path selects, in the order jsonpath-plus finds it, without repeats from reaching a node twice. */
  values: unknown[];
  /** Steps the evaluation took: at most JSON_PATH_STEP_LIMIT when complete. */
  steps: number;
  /** False when the evaluation stopped at the step limit: `values` is then empty. */
  complete: boolean;
}

export interface CompiledJsonPath {
  readonly source: string;
  /** Every value the path selects in `json` (none when a filter fails on it, or past the step limit). */
  select(json: unknown): unknown[];
  /** The same, with what it cost and whether it stopped at the step limit. */
  evaluate(json: unknown): JsonPathResult;
}

/** Compiles a JSONPath (`$.items[?(@.price < 10)].name`); throws an Error saying what is wrong. */
export function compileJsonPath(source: string): CompiledJsonPath {
  if (!source.startsWith('$')) throw new Error('a JSONPath starts with $ (the whole body)');
  if (!balanced(source)) throw new Error('brackets or parentheses are not balanced');
  const parts: unknown[] = JSONPath.toPathArray(source);
  // jsonpath-plus resolves `^` by splicing matches into arrays one by one: quadratic time on a long array.
  if (parts.includes('^'))
    throw new Error('the parent selector ^ is not supported; filter the parent instead ($.items[?(@.id == 1)])');
  for (const part of parts) {
    const script = /^\??\((.*)\)$/s.exec(String(part));
    // The same rewriting of @ that jsonpath-plus applies before it evaluates a script.
    if (script)
      new GuardedScript(
        (script[1] ?? '')
          .replaceAll(/@(parentProperty|parent|property|root|path)/g, '_$$_$1')
          .replaceAll(/@([.\s)[])/gu, '_$$_v$1'),
      );
  }
  // As jsonpath-plus' evaluate(): `$` alone selects the root, `$` before more is implied.
  if (parts.length > 1 && parts[0] === '$') parts.shift();
  const evaluate = (json: unknown): JsonPathResult => trace(parts, json);
  const select = (json: unknown): unknown[] => evaluate(json).values;
  select({});
  return { source, select, evaluate };
}

/** What evaluation uses of a jsonpath-plus instance (its evaluate() would refuse a falsy body: `null`, `0`). */
interface Tracer {
  json: unknown;
  currEval: unknown;
  currSandbox: object;
  otherTypeCallback: unknown;
  currOtherTypeCallback: unknown;
  _walk(this: Tracer, val: unknown, visit: (key: string | number) => void): void;
  _eval(this: Tracer, code: string, ...rest: unknown[]): unknown;
  _trace(
    this: Tracer,
    expr: unknown[],
    val: unknown,
    path: unknown[],
    parent: unknown,
    parentProperty: unknown,
    callback?: unknown,
    hasArrExpr?: boolean,
    literalPriority?: boolean,
  ): unknown;
}

const OVER_LIMIT = Symbol('over the JSONPath step limit');

/**
 * jsonpath-plus follows every route to a node — `$..*..*` reaches a node at depth d about d² times, `$..a..a..a` as
 * many times as there are ways to pick its ancestors — and copies each match into every frame above it. This trace
 * follows each (rest of the path, object) once, takes matches where they are found, and counts its steps.
 */
function trace(parts: readonly unknown[], json: unknown): JsonPathResult {
  if (json === undefined) return { values: [], steps: 0, complete: true };
  const options = { autostart: false, path: '$', json: {}, eval: GuardedScript, ignoreEvalErrors: true } as const;
  const tracer = JSONPath(options) as unknown as Tracer;
  // What evaluate() would set up before its first trace.
  Object.assign(tracer, { json, currEval: GuardedScript, currSandbox: {} });
  tracer.currOtherTypeCallback = tracer.otherTypeCallback;
  const follow = tracer._trace;
  const walk = tracer._walk;
  const run = tracer._eval;
  const followed = new Map<object, Set<string>>();
  const values: unknown[] = [];
  const frames: unknown[] = [];
  let steps = 0;
  let inner = 0;
  const step = (weight = 1) => {
    steps += weight;
    if (steps > JSON_PATH_STEP_LIMIT) throw OVER_LIMIT;
  };
  tracer._walk = function (val, visit) {
    walk.call(this, val, (key) => {
      step();
      visit(key);
    });
  };
  // A filter takes time with its length (`?(@ > 1 && @ > 1 && …)`), on every node it looks at.
  tracer._eval = function (code, ...rest) {
    step(1 + (code.length >> 1));
    return run.call(this, code, ...rest);
  };
  tracer._trace = function (expr, val, path, parent, parentProperty, callback, hasArrExpr, literalPriority) {
    // jsonpath-plus copies the rest of the path and the path so far at each step.
    step(1 + ((expr.length + path.length) >> 8));
    // Every step stays on its node or goes to a child; a filter's own path (`[?(@.tags[(@.length-1)])]`) starts from
    // a grandchild, and its matches only tell the filter whether it holds: leave that trace as it is.
    const caller = frames.at(-1);
    const filtering = inner > 0 || (frames.length > 0 && val !== caller && parent !== caller);
    // Values need no such memory: a value ends the trace, reached from an object followed once.
    const state = !filtering && val !== null && typeof val === 'object' && stateOf(expr, parent, literalPriority);
    if (state) {
      const states = followed.get(val as object) ?? new Set();
      if (states.has(state)) return [];
      followed.set(val as object, states.add(state));
    }
    frames.push(val);
    if (filtering) inner++;
    try {
      const found = follow.call(this, expr, val, path, parent, parentProperty, callback, hasArrExpr, literalPriority);
      if (filtering || Array.isArray(found)) return found;
      // A match (an object, not a list): take it here rather than have every frame above copy it.
      values.push((found as { value: unknown }).value);
      return [];
    } finally {
      frames.pop();
      if (filtering) inner--;
    }
  };
  try {
    tracer._trace(parts.slice(), json, ['$'], null, null);
    return { values, steps, complete: true };
  } catch (error) {
    return { values: [], steps, complete: error !== OVER_LIMIT };
  }
}

/**
 * What a trace from an object depends on besides the object: the rest of the path (the compiled one behind its first
 * part, which unions, slices and `[(…)]` replace), whether `$` dropped the parent (`$..$`) and a jsonpath-plus flag.
 */
function stateOf(expr: unknown[], parent: unknown, literalPriority: unknown): string | undefined {
  const first = expr[0];
  // `[(@.x)]` naming an object or array: not worth telling apart, and followed at most once per `[(…)]` anyway.
  if (first !== null && typeof first === 'object') return undefined;
  return `${expr.length}:${typeof first}:${String(first)}:${parent === null}:${literalPriority === true}`;
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
