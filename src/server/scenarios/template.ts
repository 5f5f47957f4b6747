import { randomBytes } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../shared/scenario';
import { type RenderSession, TemplateEngine, templateProblem } from '../templates/template-engine';
import type { HelperSpec } from '../templates/template-helpers';
import { MountIssues, type MountValidationError } from '../world/mount-validation-error';

/**
 * Scenario strings are Handlebars templates, in the engine's one template language (the routes' helpers, typed
 * whole-value placeholders), read against a run: what the request sent, the thread's state, earlier steps' outputs.
 */
export interface ScenarioScope {
  threadId: string;
  runId: string;
  userId: string;
  origin: string;
  lastUserMessage: string;
  /** The request's last message (any role), or null. */
  lastMessage: JsonValue;
  /** The RunAgentInput as received. */
  input: JsonObject;
  /** The thread's state as the run has made it so far (undefined when nothing is known). */
  state: JsonValue | undefined;
  /** Outputs of the steps played so far, by step id. */
  steps: Record<string, Record<string, unknown>>;
  vars: Record<string, string>;
  context: Record<string, JsonValue>;
}

/** What a template renders against: the run's scope, and its render session (every `{{counter}}` of a run agrees). */
export interface RenderContext {
  readonly scope: ScenarioScope;
  readonly session: RenderSession;
}

export type Render<T> = (context: RenderContext) => T;

/** A compiled string: constant strings skip rendering altogether. */
export interface CompiledString {
  readonly constant: string | undefined;
  readonly render: Render<string>;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export const SCENARIO_SCOPE_ROOTS: ReadonlySet<string> = new Set<keyof ScenarioScope>([
  'threadId',
  'runId',
  'userId',
  'origin',
  'lastUserMessage',
  'lastMessage',
  'input',
  'state',
  'steps',
  'vars',
  'context',
]);

/** A scope with nothing in it, for dry runs of templates and the console's runs with no request. */
export function emptyScenarioScope(): ScenarioScope {
  return {
    threadId: '',
    runId: '',
    userId: '',
    origin: '',
    lastUserMessage: '',
    lastMessage: null,
    input: {},
    state: undefined,
    steps: Object.create(null),
    vars: Object.create(null),
    context: Object.create(null),
  };
}

/** Helpers only scenarios have: the first scenario format's `{{randomHex:N}}` and `{{nowMs}}`, as helpers. */
const SCENARIO_HELPERS: Record<string, HelperSpec> = {
  randomHex: {
    arity: [1, 1],
    usage: '{{randomHex 6}} (that many upper-case hex digits, up to 64)',
    call: ([count]) => {
      const digits = Number(count);
      if (!Number.isInteger(digits) || digits < 1 || digits > 64)
        throw new Error(`randomHex: needs a number of digits from 1 to 64 (got ${String(count)})`);
      return randomBytes(Math.ceil(digits / 2))
        .toString('hex')
        .slice(0, digits)
        .toUpperCase();
    },
  },
  nowMs: { arity: [0, 0], usage: '{{nowMs}} (Unix ms, as text)', call: () => String(Date.now()) },
};

/**
 * The first scenario format had its own placeholders; two of its spellings read differently in Handlebars and are
 * still accepted: `{{randomHex:6}}` (now `{{randomHex 6}}`) and a `{{` that no `}}` follows (literal text, now
 * `\{{`). Every other template of that format means the same in Handlebars.
 */
export function withFirstFormatSpellings(source: string): string {
  const text = source.replace(/\{\{\s*randomHex:(\d{1,2})\s*\}\}/g, '{{randomHex $1}}');
  const lastClose = text.lastIndexOf('}}');
  const from = lastClose < 0 ? 0 : lastClose + 2;
  // One pass (inserting each backslash into the whole text took time squared in the number of `{{`: seconds for a
  // chunk of 100 kB).
  const tail = text
    .slice(from)
    .replace(/\{\{/g, (open, offset: number) => (text[from + offset - 1] === '\\' ? open : `\\${open}`));
  return text.slice(0, from) + tail;
}

/**
 * Compiles the strings of stored scenarios, once: one Handlebars environment for the whole catalogue (a template
 * used by many scenarios compiles once), its counters living as long as the catalogue.
 */
export class ScenarioTemplates {
  private readonly engine = new TemplateEngine<ScenarioScope>({
    scope: { roots: SCENARIO_SCOPE_ROOTS, empty: emptyScenarioScope() },
    helpers: SCENARIO_HELPERS,
  });

  /** A text template (a chunk, a name); throws TemplateError. */
  string(source: string): CompiledString {
    if (!source.includes('{{')) return { constant: source, render: () => source };
    let template: ReturnType<TemplateEngine<ScenarioScope>['compileText']>;
    try {
      template = this.engine.compileText(withFirstFormatSpellings(source));
    } catch (error) {
      throw new TemplateError(templateProblem(error));
    }
    return { constant: undefined, render: ({ scope, session }) => template.render(scope, session) };
  }

  /**
   * A JSON value whose strings are templates; a string that is exactly one placeholder gives its value with its
   * JSON type. Constant subtrees are returned as they are (shared between runs: callers must not mutate them).
   * Throws TemplateError naming the first string that does not compile.
   */
  json<T extends JsonValue>(value: T): Render<T> {
    if (isConstantJson(value)) return () => value;
    const issues = new MountIssues();
    const template = this.engine.compileJson(withSpellingsIn(value), [], issues);
    try {
      issues.throwIfAny();
    } catch (error) {
      const problem = (error as MountValidationError).issues[0];
      throw new TemplateError(`${problem?.message}${problem?.path ? ` (at ${problem.path})` : ''}`);
    }
    return ({ scope, session }) => template.render(scope, session) as T;
  }
}

function withSpellingsIn(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.includes('{{') ? withFirstFormatSpellings(value) : value;
  if (Array.isArray(value)) return value.map(withSpellingsIn);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = withSpellingsIn(item);
    return out;
  }
  return value;
}

/** Whether a JSON template has no placeholders at all (so what it renders can be serialised once). */
export function isConstantJson(value: JsonValue): boolean {
  if (typeof value === 'string') return !value.includes('{{');
  if (Array.isArray(value)) return value.every(isConstantJson);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isConstantJson);
  return true;
}
