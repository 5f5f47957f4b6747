import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonValue } from '../../shared/scenario';

/** What placeholders in a running scenario can refer to. */
export interface TemplateScope {
  readonly threadId: string;
  readonly runId: string;
  readonly userId: string;
  readonly origin: string;
  readonly lastUserMessage: string;
  /** Outputs of the steps played so far, by step id. */
  readonly steps: Map<string, Record<string, unknown>>;
  readonly vars: Map<string, string>;
  readonly context: ReadonlyMap<string, JsonValue>;
}

export type Render<T> = (scope: TemplateScope) => T;

/** A compiled string: constant strings skip rendering altogether. */
export interface CompiledString {
  readonly constant: string | undefined;
  readonly render: Render<string>;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

const SCOPE_FIELDS = {
  threadId: (scope) => scope.threadId,
  runId: (scope) => scope.runId,
  userId: (scope) => scope.userId,
  origin: (scope) => scope.origin,
  lastUserMessage: (scope) => scope.lastUserMessage,
  uuid: () => randomUUID(),
  now: () => new Date().toISOString(),
  nowMs: () => String(Date.now()),
} satisfies Record<string, Render<string>>;

/** Compiles `{{…}}` placeholders once, so a run only concatenates. Unknown placeholders throw. */
export function compileString(source: string): CompiledString {
  const parts: (string | Render<string>)[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(source.slice(last, match.index));
    parts.push(placeholder(match[1] ?? ''));
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return { constant: source, render: () => source };
  if (last < source.length) parts.push(source.slice(last));
  if (parts.length === 1 && typeof parts[0] === 'function') return { constant: undefined, render: parts[0] };
  return {
    constant: undefined,
    render: (scope) => {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : part(scope);
      return out;
    },
  };
}

/**
 * Compiles a JSON value whose strings may hold placeholders. Constant subtrees are returned as they are
 * (shared between runs, so callers must not mutate what they render).
 */
export function compileJson<T extends JsonValue>(value: T): Render<T> {
  const compiled = compileValue(value);
  return compiled.constant ? () => value : (compiled.render as Render<T>);
}

/** Whether a JSON template has no placeholders at all (so what it renders can be serialised once). */
export function isConstantJson(value: JsonValue): boolean {
  return compileValue(value).constant;
}

function compileValue(value: JsonValue): { constant: boolean; render: Render<JsonValue> } {
  if (typeof value === 'string') {
    const compiled = compileString(value);
    return { constant: compiled.constant !== undefined, render: compiled.render };
  }
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    if (items.every((item) => item.constant)) return { constant: true, render: () => value };
    return { constant: false, render: (scope) => items.map((item) => item.render(scope)) };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileValue(item)] as const);
    if (entries.every(([, item]) => item.constant)) return { constant: true, render: () => value };
    return {
      constant: false,
      render: (scope) => {
        const out: Record<string, JsonValue> = {};
        for (const [key, item] of entries) out[key] = item.render(scope);
        return out;
      },
    };
  }
  return { constant: true, render: () => value };
}

function placeholder(expression: string): Render<string> {
  const field = SCOPE_FIELDS[expression as keyof typeof SCOPE_FIELDS];
  if (field) return field;
  const hex = /^randomHex:(\d{1,2})$/.exec(expression);
  if (hex) {
    const digits = Number(hex[1]);
    return () =>
      randomBytes(Math.ceil(digits / 2))
        .toString('hex')
        .slice(0, digits)
        .toUpperCase();
  }
  const [root, name, key, ...rest] = expression.split('.');
  if (root === 'steps' && name && key && rest.length === 0) {
    return (scope) => text(scope.steps.get(name)?.[key]);
  }
  if (root === 'vars' && name && key === undefined) return (scope) => scope.vars.get(name) ?? '';
  if (root === 'context' && name && key === undefined) return (scope) => text(scope.context.get(name));
  throw new TemplateError(`unknown placeholder {{${expression}}}`);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
