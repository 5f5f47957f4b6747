import { randomInt, randomUUID } from 'node:crypto';
import { looseEquals } from '../support/loose-equals';
import { jsonSize } from './json-size';
import type { RenderSession } from './template-engine';

/** What a render passes its helpers besides their arguments (Handlebars `@data`, shared by nested blocks). */
export interface TemplateData {
  session: RenderSession;
  /** A dry run at compile time: helpers are not called. What the render may still do is `session.budget`. */
  dry: boolean;
}

/**
 * How many counters are kept: a name may come from a request (`{{counter query.user}}`), and each new one was kept
 * for as long as the world, so clients could grow the engine's memory without end.
 */
export const MAX_COUNTERS = 10_000;
/** The longest counter name: far more than any name a person gives, far less than what a request can send. */
export const MAX_COUNTER_NAME_LENGTH = 1000;

/**
 * Counters live as long as the compiled world: a reload starts them again at 1. Past MAX_COUNTERS, the one counted
 * longest ago is forgotten (it starts again at 1, as after a reload).
 */
export class TemplateCounters {
  /** In the order last counted, the oldest first. */
  private readonly values = new Map<string, number>();

  next(key: string): number {
    const value = (this.values.get(key) ?? 0) + 1;
    this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > MAX_COUNTERS) this.values.delete(this.values.keys().next().value as string);
    return value;
  }
}

export interface HelperSpec {
  /** How many arguments the helper takes (checked when a template is stored). */
  arity: readonly [min: number, max: number];
  /** A short usage line for error messages. */
  usage: string;
  /**
   * What is wrong with the arguments, for a helper that refuses some: checked when a template is stored if they are
   * all written in it, else when it renders (throwing HelperArgumentError).
   */
  argumentProblem?(args: unknown[]): string | undefined;
  /**
   * What a call reads, charged to its response's budget for the work it does without writing (a comparison in a
   * loop over a large body): `values`, the size of its text and JSON arguments; or a count it gives from its result.
   */
  work?: 'values' | ((result: unknown, args: unknown[]) => number);
  call(args: unknown[], data: TemplateData): unknown;
}

/** A helper would make more than a response may hold, from the values it was given. */
export class HelperLimitError extends Error {
  override name = 'HelperLimitError';
}

/** The most text `{{json value 2}}` may make: what one response may be made of. */
const MAX_INDENTED_CHARACTERS = 64 * 1024 * 1024;

/** A helper refused the values it was given while rendering: values a request brings, so the request's fault. */
export class HelperArgumentError extends Error {
  override name = 'HelperArgumentError';
}

const number = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

/** Numbers compare as numbers; anything else that is not numeric compares as text. */
function compare(left: unknown, right: unknown): number {
  const [a, b] = [number(left), number(right)];
  if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  return String(left).localeCompare(String(right));
}

/** The longest `{{now}}` format: far more than any date format, far less than what a request can send. */
const MAX_FORMAT_LENGTH = 200;

/** `crypto.randomInt` draws from fewer than 2^48 values: `{{randomInt}}`'s `max - min` stays below this. */
const RANDOM_INT_SPAN = 2 ** 48 - 1;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `{{now}}` in ISO 8601; `"ms"` and `"unix"` give numbers; other formats replace YYYY MM DD HH mm ss SSS (UTC). */
function formatNow(format: unknown): string | number {
  const now = new Date();
  if (format === undefined || format === 'iso') return now.toISOString();
  if (format === 'ms') return now.getTime();
  if (format === 'unix') return Math.floor(now.getTime() / 1000);
  const tokens: Record<string, string> = {
    YYYY: String(now.getUTCFullYear()),
    MM: pad(now.getUTCMonth() + 1),
    DD: pad(now.getUTCDate()),
    HH: pad(now.getUTCHours()),
    mm: pad(now.getUTCMinutes()),
    ss: pad(now.getUTCSeconds()),
    SSS: pad(now.getUTCMilliseconds(), 3),
  };
  return String(format).replace(/YYYY|MM|DD|HH|mm|ss|SSS/g, (token) => tokens[token] ?? token);
}

/** A value a message names: short, whatever a request sent. */
function shown(value: unknown): string {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : value !== null && typeof value === 'object'
        ? typeof value
        : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * What arithmetic reads as a number: a finite number, or text that is one (`"3"`, `" -1.5 "`, `"1e3"`, as
 * JavaScript's `Number` reads it, blank text not). Anything else — text that is no number, a missing value, null,
 * a boolean, a list, an object — is none.
 */
function arithmeticOperand(value: unknown): number | undefined {
  const read =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(read) ? read : undefined;
}

/**
 * What `randomInt` reads as an integer: an operand as arithmetic reads it (blank text and null are no number) that
 * is a safe integer. A fraction is none: rounded inwards, `1` and `1.5` drew from 1 to 1 where the helper promises
 * two integers.
 */
function integerOperand(value: unknown): number | undefined {
  const read = arithmeticOperand(value);
  return Number.isSafeInteger(read) ? read : undefined;
}

/**
 * `add`, `subtract`, `multiply`, `divide`: two numbers (see `arithmeticOperand`) and a finite result, else a problem
 * (a division by zero; a result past what a number holds, ±1.8e308), checked as `randomInt`'s are: when stored if
 * both are written in the template, else when it renders (400).
 */
function arithmetic(name: string, operate: (a: number, b: number) => number): HelperSpec {
  const problem = ([a, b]: unknown[]): string | undefined => {
    const [left, right] = [arithmeticOperand(a), arithmeticOperand(b)];
    if (left === undefined || right === undefined)
      return `${name}: needs two numbers (got ${shown(a)} and ${shown(b)})`;
    if (name === 'divide' && right === 0) return `divide: cannot divide by zero (got ${shown(a)} and ${shown(b)})`;
    if (!Number.isFinite(operate(left, right)))
      return `${name}: the result is too large for a number (got ${shown(a)} and ${shown(b)})`;
    return undefined;
  };
  return {
    arity: [2, 2],
    usage: `{{${name} a b}}`,
    work: 'values',
    argumentProblem: problem,
    call: ([a, b]) => operate(arithmeticOperand(a) as number, arithmeticOperand(b) as number),
  };
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

/** The engine's helpers, by name. Handlebars' own `if`, `unless`, `each`, `with` and `lookup` come on top. */
export function templateHelpers(counters: TemplateCounters): Record<string, HelperSpec> {
  return {
    now: {
      arity: [0, 1],
      usage: '{{now}} or {{now "YYYY-MM-DD"}}',
      // Each token of a format is replaced by a call: a format the request sends is kept to what a date needs.
      argumentProblem: ([format]) =>
        String(format ?? '').length > MAX_FORMAT_LENGTH
          ? `now: a format is at most ${MAX_FORMAT_LENGTH} characters (got ${String(format).length})`
          : undefined,
      call: ([format]) => formatNow(format),
    },
    uuid: { arity: [0, 0], usage: '{{uuid}}', call: () => randomUUID() },
    counter: {
      arity: [0, 1],
      usage: '{{counter}} or {{counter "orders"}}',
      argumentProblem: ([name]) =>
        name !== undefined && String(name).length > MAX_COUNTER_NAME_LENGTH
          ? `counter: a name is at most ${MAX_COUNTER_NAME_LENGTH} characters (got ${String(name).length})`
          : undefined,
      // Its name is made text: a list the request sent, once per turn of a loop, costs its whole size each time.
      work: 'values',
      call: ([name], { session }) => {
        // Every use in one response reads the same value.
        const key = name === undefined ? session.counterKey : `named:${String(name)}`;
        let value = session.counted.get(key);
        if (value === undefined) {
          value = (session.counters ?? counters).next(key);
          session.counted.set(key, value);
        }
        return value;
      },
    },
    json: {
      arity: [1, 2],
      usage: '{{json value}} or {{json value 2}}',
      call: ([value, indent]) => {
        const spaces = indent === undefined ? 0 : Math.min(10, Math.max(0, Math.floor(number(indent)) || 0));
        // Indentation repeats at every level of every value: a deep list of a megabyte would first be built as
        // hundreds of megabytes of text, then found too large.
        if (spaces > 0 && jsonSize(value, MAX_INDENTED_CHARACTERS, spaces) < 0)
          throw new HelperLimitError(
            `json: indented, the value would be more than ${MAX_INDENTED_CHARACTERS} characters`,
          );
        return JSON.stringify(value ?? null, null, spaces || undefined);
      },
    },
    default: {
      arity: [2, 2],
      usage: '{{default value fallback}}',
      call: ([value, fallback]) => (value === undefined || value === null || value === '' ? fallback : value),
    },
    eq: { arity: [2, 2], usage: '(eq a b)', work: 'values', call: ([a, b]) => looseEquals(a, b) },
    ne: { arity: [2, 2], usage: '(ne a b)', work: 'values', call: ([a, b]) => !looseEquals(a, b) },
    gt: { arity: [2, 2], usage: '(gt a b)', work: 'values', call: ([a, b]) => compare(a, b) > 0 },
    gte: { arity: [2, 2], usage: '(gte a b)', work: 'values', call: ([a, b]) => compare(a, b) >= 0 },
    lt: { arity: [2, 2], usage: '(lt a b)', work: 'values', call: ([a, b]) => compare(a, b) < 0 },
    lte: { arity: [2, 2], usage: '(lte a b)', work: 'values', call: ([a, b]) => compare(a, b) <= 0 },
    and: { arity: [2, 20], usage: '(and a b …)', call: (args) => args.every(Boolean) },
    or: { arity: [2, 20], usage: '(or a b …)', call: (args) => args.some(Boolean) },
    not: { arity: [1, 1], usage: '(not a)', call: ([a]) => !a },
    add: arithmetic('add', (a, b) => a + b),
    subtract: arithmetic('subtract', (a, b) => a - b),
    multiply: arithmetic('multiply', (a, b) => a * b),
    divide: arithmetic('divide', (a, b) => a / b),
    randomInt: {
      arity: [2, 2],
      usage: '{{randomInt min max}} (both included)',
      work: 'values',
      argumentProblem: ([min, max]) => {
        const [low, high] = [integerOperand(min), integerOperand(max)];
        if (low === undefined || high === undefined || low > high)
          return `randomInt: needs two integers, min <= max (got ${shown(min)} and ${shown(max)})`;
        // crypto.randomInt's own bound, said in the helper's words rather than Node's.
        if (high - low >= RANDOM_INT_SPAN)
          return `randomInt: max - min must be less than ${RANDOM_INT_SPAN} (got ${low} and ${high})`;
        return undefined;
      },
      call: ([min, max]) => randomInt(integerOperand(min) as number, (integerOperand(max) as number) + 1),
    },
    lowercase: { arity: [1, 1], usage: '{{lowercase text}}', call: ([text]) => String(text ?? '').toLowerCase() },
    uppercase: { arity: [1, 1], usage: '{{uppercase text}}', call: ([text]) => String(text ?? '').toUpperCase() },
    length: {
      arity: [1, 1],
      usage: '{{length list}}',
      // An object's keys are listed one by one (a key costs what about 20 characters of JSON do, as measured); a
      // text's or a list's length is known.
      work: (result, [value]) => (typeof value === 'object' && !Array.isArray(value) ? 20 * (result as number) : 0),
      call: ([value]) => lengthOf(value),
    },
  };
}

/** Handlebars' built-in helpers a template may use, and their arity; `log` is not offered (it writes to stdout). */
export const BUILTIN_HELPERS: Record<string, { arity: readonly [number, number]; changesContext: boolean }> = {
  if: { arity: [1, 1], changesContext: false },
  unless: { arity: [1, 1], changesContext: false },
  each: { arity: [1, 1], changesContext: true },
  with: { arity: [1, 1], changesContext: true },
  lookup: { arity: [2, 2], changesContext: false },
};
