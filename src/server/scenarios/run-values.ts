import { EventType } from '@ag-ui/core';
import Handlebars from 'handlebars';
import type { JsonValue, ScenarioStep } from '../../shared/scenario';
import { valueAt } from '../http/validation';
import { eventProblem } from './scenario-compiler';
import { SCENARIO_SCOPE_ROOTS, withFirstFormatSpellings } from './template';

/**
 * What a template reads that a dry run cannot know. A scenario is dry-run against one sample request (no state,
 * empty `forwardedProps`, one user message): a value its templates take from the run — the request (`input`,
 * `lastMessage`, `lastUserMessage`, ids), the thread's state, the conversation's context, earlier steps' outputs
 * (a client's answer, an emitted event) or `vars` made from those — is the sample's there, not any real run's.
 * Such a value is **unknown** to the dry run: the AG-UI schema check skips it, and the player checks the event
 * when a real run sends it (RUN_ERROR `invalid_event` naming the step and the field when it is not valid).
 */
export interface TemplateReads {
  /** Reads a value of the run other than the thread's state (or the whole scope). */
  readonly run: boolean;
  /** Reads the thread's state: unknown to a dry run unless the scenario set it. */
  readonly state: boolean;
  /** What it renders is text whatever it reads (a longer string, or one placeholder reading a string). */
  readonly text: boolean;
}

const READS_NOTHING: TemplateReads = { run: false, state: false, text: true };

/** A field of an event whose value a dry run does not know; `text`: it is a string, whatever the run brings. */
export interface UnknownField {
  readonly path: readonly PropertyKey[];
  readonly text: boolean;
}

/** Roots that hold text in every run (`vars.<name>` too: `let` values are text). */
const TEXT_ROOTS = new Set(['threadId', 'runId', 'userId', 'origin', 'lastUserMessage']);
/** Helpers that return text whatever they are given (`{{json …}}` writes JSON as text). */
const TEXT_HELPERS = new Set(['json', 'lowercase', 'uppercase', 'uuid', 'now', 'nowMs', 'randomHex']);

/**
 * What a template string reads, from its Handlebars syntax (it compiled already). Conservative: a path inside a
 * block that changes the context (`#each`, `#with`, a section), a block parameter, `@index`… count as reading the
 * run; only `origin`, helpers and literals read nothing a request brings.
 */
export function templateReads(source: string): TemplateReads {
  if (!source.includes('{{')) return READS_NOTHING;
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(withFirstFormatSpellings(source));
  } catch {
    return { run: true, state: true, text: false };
  }
  let run = false;
  let state = false;
  const readPath = (path: hbs.AST.PathExpression, depth: number, blockParams: readonly string[]) => {
    let parts = path.parts;
    if (path.data) {
      if (parts[0] !== 'root') {
        run = true;
        return;
      }
      parts = parts.slice(1);
    } else if (depth - path.depth > 0 || (path.depth === 0 && blockParams.includes(parts[0] ?? ''))) {
      run = true;
      return;
    }
    const root = parts[0];
    if (root === undefined) {
      run = true;
      state = true;
    } else if (root === 'state') state = true;
    else if (root !== 'origin') run = true;
  };
  const expression = (node: hbs.AST.Expression, depth: number, blockParams: readonly string[]) => {
    if (node.type === 'PathExpression') readPath(node as hbs.AST.PathExpression, depth, blockParams);
    else if (node.type === 'SubExpression') call(node as hbs.AST.SubExpression, depth, blockParams);
  };
  /** A mustache, block or sub-expression: a helper's arguments, or a path read. Returns whether it is a path. */
  const call = (
    node: { path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash },
    depth: number,
    blockParams: readonly string[],
  ): boolean => {
    for (const param of node.params) expression(param, depth, blockParams);
    for (const pair of node.hash?.pairs ?? []) expression(pair.value, depth, blockParams);
    if (node.path.type !== 'PathExpression') return false;
    const path = node.path as hbs.AST.PathExpression;
    // A helper's name: called with arguments, or one word that is no root of the scope (`{{uuid}}`).
    const helper =
      node.params.length > 0 ||
      (!path.data && path.depth === 0 && path.parts.length === 1 && !SCENARIO_SCOPE_ROOTS.has(path.parts[0] ?? ''));
    if (!helper) readPath(path, depth, blockParams);
    return !helper;
  };
  const walk = (statements: hbs.AST.Statement[], depth: number, blockParams: readonly string[]) => {
    for (const statement of statements) {
      if (statement.type === 'MustacheStatement') call(statement as hbs.AST.MustacheStatement, depth, blockParams);
      else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        const name = (block.path as hbs.AST.PathExpression).original;
        const section = call(block, depth, blockParams);
        const changes = section || name === 'each' || name === 'with';
        walk(block.program.body, depth + (changes ? 1 : 0), [...blockParams, ...(block.program.blockParams ?? [])]);
        if (block.inverse) walk(block.inverse.body, depth, blockParams);
      }
    }
  };
  walk(program.body, 0, []);
  const [only, ...rest] = program.body;
  let text = true;
  if (only?.type === 'MustacheStatement' && rest.length === 0) {
    // Exactly one placeholder gives its value with its JSON type: text only when it reads text.
    const mustache = only as hbs.AST.MustacheStatement;
    const path = mustache.path as hbs.AST.PathExpression;
    const parts = path.type === 'PathExpression' && !path.data && path.depth === 0 ? path.parts : [];
    const [name = ''] = parts;
    text =
      (parts.length === 1 && TEXT_HELPERS.has(name)) ||
      (mustache.params.length === 0 &&
        ((parts.length === 1 && TEXT_ROOTS.has(name)) || (parts.length === 2 && name === 'vars')));
  }
  return { run, state, text };
}

/** What a dry run knows of the values a scenario's steps make (see `TemplateReads`); one per dry run. */
export class RunValues {
  private readonly reads = new Map<string, TemplateReads>();

  constructor(private readonly steps: readonly ScenarioStep[]) {}

  /** The step written at `path` (`steps.2.approved.0`), or undefined. */
  stepAt(path: string): ScenarioStep | undefined {
    const value = valueAt({ steps: this.steps }, path.split('.'));
    return value !== null && typeof value === 'object' && 'type' in value ? (value as ScenarioStep) : undefined;
  }

  /** Whether any template of the step at `path` (its own fields, not nested steps) reads a value of the run. */
  readsRun(path: string): boolean {
    const step = this.stepAt(path);
    if (!step) return false;
    let reads = false;
    const visit = (value: unknown) => {
      if (reads) return;
      if (typeof value === 'string') {
        const found = this.templateReads(value);
        reads = found.run || found.state;
      } else if (Array.isArray(value)) {
        for (const item of value) visit(item);
      } else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) visit(item);
    };
    for (const [key, value] of Object.entries(step)) if (!NESTED_STEPS.has(key)) visit(value);
    return reads;
  }

  /**
   * The fields of `event`, made by the step written at `path`, whose values the dry run does not know, at their
   * paths in the event. `stateKnown`: whether the dry run knows the thread's state (the scenario set it);
   * `history`: how many of the request's messages a MESSAGES_SNAPSHOT puts before the step's own.
   */
  unknownFields(path: string, event: Record<string, unknown>, stateKnown: boolean, history: number): UnknownField[] {
    const step = this.stepAt(path);
    const out: UnknownField[] = [];
    if (!step) return out;
    const unknown = (source: string) => {
      const reads = this.templateReads(source);
      return reads.run || (reads.state && !stateKnown) ? reads : undefined;
    };
    const json = (value: JsonValue | undefined, at: readonly PropertyKey[]) => {
      if (typeof value === 'string') {
        const reads = unknown(value);
        if (reads) out.push({ path: at, text: reads.text });
      } else if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) json(item, [...at, index]);
      } else if (value !== null && typeof value === 'object')
        for (const [key, item] of Object.entries(value)) json(item, [...at, key]);
    };
    // Fields the player renders as text (a name, an id): strings in every run.
    const text = (value: string | undefined, at: PropertyKey) => {
      if (value !== undefined && unknown(value)) out.push({ path: [at], text: true });
    };
    const type = event.type;
    switch (step.type) {
      case 'emit':
        json(step.event, []);
        break;
      case 'step':
        if (type === EventType.STEP_STARTED) text(step.name, 'stepName');
        break;
      case 'toolCall':
      case 'frontendToolCall':
        if (type === EventType.TOOL_CALL_START) text(step.parentMessageId, 'parentMessageId');
        break;
      case 'stateSnapshot':
        json(step.snapshot, ['snapshot']);
        break;
      case 'stateDelta':
        json(step.delta as JsonValue, ['delta']);
        break;
      case 'messagesSnapshot':
        for (const [index, message] of step.messages.entries()) json(message, ['messages', history + index]);
        break;
      case 'custom':
        text(step.name, 'name');
        json(step.value, ['value']);
        break;
      case 'activitySnapshot':
      case 'activityDelta':
        text(step.messageId, 'messageId');
        text(step.activityType, 'activityType');
        if (step.type === 'activitySnapshot') json(step.content, ['content']);
        else json(step.patch as JsonValue, ['patch']);
        break;
      case 'interrupt':
        if (type === EventType.RUN_FINISHED) {
          const { reason, message, toolCallId, metadata } = step;
          json({ reason, message, toolCallId, metadata } as JsonValue, ['outcome', 'interrupts', 0]);
        }
        break;
      case 'approval':
        if (type === EventType.CUSTOM) json(step.request, ['value']);
        else if (type === EventType.RUN_FINISHED) json(step.request, ['outcome', 'interrupts', 0, 'metadata']);
        break;
    }
    return out;
  }

  private templateReads(source: string): TemplateReads {
    let reads = this.reads.get(source);
    if (!reads) {
      reads = templateReads(source);
      this.reads.set(source, reads);
    }
    return reads;
  }
}

/** Keys of a step that hold nested steps (the dry run counts paths through them, not their size). */
export const NESTED_STEPS = new Set([
  'steps',
  'otherwise',
  'branches',
  'approved',
  'rejected',
  'timeout',
  'resolved',
  'cancelled',
  'expired',
]);

interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
}

/**
 * The schema problem of an event that holds whatever its unknown fields are, said as `eventProblem` says it; or
 * undefined when every issue is at (or around) a field whose value the dry run does not know. A string field is
 * still refused when the schema wants no string there (`expected object, received string`): that fails for every
 * run.
 */
export function knownEventProblem(
  error: { issues: readonly SchemaIssue[] },
  unknown: readonly UnknownField[],
): string | undefined {
  const issues = error.issues.filter((issue) => !unknown.some((field) => covers(field, issue)));
  const [first] = issues;
  if (!first) return undefined;
  const text = unknown.some((field) => field.text && samePath(field.path, first.path));
  return `${eventProblem({ issues })}${text ? TEXT_ALWAYS : ''}`;
}

const TEXT_ALWAYS =
  ' — its template makes text here whatever the request (a longer string, or a helper such as {{json …}} that ' +
  'writes text): to send the value itself, make the string exactly one placeholder, e.g. ' +
  '"{{input.forwardedProps.plan}}"';

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((part, index) => String(part) === String(b[index]));
}

/**
 * Issue codes about what a string says (one of some values, its length, its format): whether such a string
 * passes depends on the run. Any other issue about a string field (`invalid_type`; `custom`, which @ag-ui/core's
 * schemas use for "an object" checks) fails whatever text the run brings.
 */
const TEXT_DEPENDENT = new Set(['invalid_value', 'invalid_union', 'invalid_format', 'too_small', 'too_big']);

/** Whether an issue is at, inside or around a field the dry run does not know, and may pass in a real run. */
function covers(field: UnknownField, issue: SchemaIssue): boolean {
  const [shorter, longer] =
    field.path.length <= issue.path.length ? [field.path, issue.path] : [issue.path, field.path];
  if (!shorter.every((part, index) => String(part) === String(longer[index]))) return false;
  if (!field.text || field.path.length !== issue.path.length) return true;
  return issue.code !== undefined && TEXT_DEPENDENT.has(issue.code);
}

/** What `value` is, for a problem: `null`, `a number`, `an object`, `"text"`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
