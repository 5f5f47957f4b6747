import { isDeepStrictEqual } from 'node:util';
import type { FrameRecord } from '../../shared/connections';
import { isJsonObject } from '../../shared/json-value';
import type { RecordingPreview } from '../../shared/recording';
import type {
  ApprovalStep,
  InterruptStep,
  JsonObject,
  JsonValue,
  ScenarioInput,
  ScenarioStep,
  ScenarioTrigger,
} from '../../shared/scenario';
import { oneLine } from '../../shared/shorten-text';
import { AgoraEventName } from '../agui/events';
import { parseClientRequest } from '../agui/run-input';
import { JsonSchemas } from '../routes/json-schemas';
import type { ContextWrite } from '../ws/connection';
import { approvalInterrupt } from './paused-run';
import { FrameStateTracker, openingStateStep, type RunStartState } from './recording-state';

/** The trigger an activated recording gets unless told otherwise wins over a pack's scenario on the same message. */
export const RECORDED_PRIORITY = 10;

export interface RecordingOptions {
  id: string;
  name?: string;
  /** Where the frames came from, for the description. */
  source: string;
  /**
   * Whether the scenario takes part in routing. An inactive recording has no triggers: it is stored, can be run
   * on a connection from the console, and answers no message until someone gives it a trigger.
   */
  activate?: boolean;
  /** The trigger of an activated recording; by default the recorded user message (substring, RECORDED_PRIORITY). */
  trigger?: ScenarioTrigger;
  /** The connection's `setContext` writes, placed among the frames by seq (they leave no frame of their own). */
  contextWrites?: readonly ContextWrite[];
}

/**
 * A recording: the scenario a connection's run makes, and what the preview says of it (`GET
 * /connections/:id/record`); where it would answer (`answeredBy`, …) is the control API's to say.
 */
export interface Recording extends Omit<RecordingPreview, 'id' | 'name' | 'answeredBy' | 'playsListedOnly'> {
  scenario: ScenarioInput;
}

export class RecordingError extends Error {
  override name = 'RecordingError';
}

interface TimedEvent {
  at: number;
  seq: number;
  event: JsonObject;
}

/** A `setContext` write among the run's events; `context` is null when it was too large for the connection to keep. */
interface ContextItem {
  afterSeq: number;
  context: JsonObject | null;
}

type RunItem = TimedEvent | ContextItem;

const ID_FIELDS = ['messageId', 'toolCallId', 'parentMessageId'] as const;
/** The `let` variable standing for a literal `{{` in recorded text. */
const OPEN_BRACES = 'openBraces';
/** The `let` variable standing for a literal backslash before `{{` (which Handlebars would read as an escape). */
const BACKSLASH = 'backslash';
const UUID_TAIL = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns a connection's frames (both directions, with their timing) into a scenario that plays the first run
 * again: triggered by that run's user message, with the recorded delays as `wait` steps (scaled by the speed
 * setting like any scenario), and the run's ids as templates so every replay gets fresh ones — threadId and
 * runId from the replaying client, messageIds and toolCallIds new per run (`let` + `{{uuid}}`). An AGORA
 * approval request becomes an `approval` step that waits for the replaying client's answer; the branch the
 * recorded client chose holds what followed. A run that ended at an interrupt ends at an `interrupt` step (AGORA's
 * approval over HTTP: an `approval` step), and a MESSAGES_SNAPSHOT of the request's messages plus the run's is a
 * `messagesSnapshot` step rebuilt from the replaying request. STATE_DELTAs sent before any STATE_SNAPSHOT of the
 * run's own patched the recorded client's state: the recording sends that state first (a `stateSnapshot` step), so
 * it replays on any connection. What cannot be replayed as sent is in `warnings`.
 */
export function recordScenario(frames: readonly FrameRecord[], options: RecordingOptions): Recording {
  const { userMessage, run, requestMessages, startState, answers, laterRuns } = firstRun(frames);
  if (!run)
    throw new RecordingError(
      'nothing to record: no run started by a user message among the recorded frames (runs played from the console or injected have nothing to trigger on)',
    );
  const [started, ...rest] = run;
  const threadId = stringField(started?.event, 'threadId');
  const runId = stringField(started?.event, 'runId');
  const events = rest.filter((item) => item.event.type !== 'RUN_FINISHED');
  const finished = rest.find((item) => item.event.type === 'RUN_FINISHED');
  const end = rest.find((item) => item.event.type === 'RUN_FINISHED' || item.event.type === 'RUN_ERROR');
  const contexts = contextItems(options.contextWrites ?? [], started?.seq ?? 0, end?.seq);
  // RUN_FINISHED is the engine's; it stays in the body for what it says (an interrupt outcome, a result).
  const body = [...withContext(events, contexts), ...(finished ? [finished] : [])];

  const ids = new IdTemplates();
  if (threadId) ids.fixed(threadId, '{{threadId}}');
  if (runId) ids.fixed(runId, '{{runId}}');
  for (const { event } of events) ids.collect(event);

  const lost = contexts.filter((item) => item.context === null).length;
  const warnings: string[] = [];
  if (lost > 0)
    warnings.push(
      `${lost} context write${lost === 1 ? ' was' : 's were'} too large for the connection to keep: the recording does not set ${lost === 1 ? 'it' : 'them'}; add a setContext step by hand`,
    );
  // Deltas sent before any snapshot of the run's own applied to the recorded client's state: it is sent first.
  const opening = openingStateStep(
    events.map((item) => item.event),
    startState,
    (value) => ids.apply(value),
    warnings,
  );
  const steps = [
    ...(opening ? [opening] : []),
    ...toSteps(body, started?.at ?? 0, { answers, ids, requestMessages, warnings }),
  ];
  const letValues = ids.letValues();
  const first = events[0]?.at ?? started?.at ?? 0;
  const last = events.at(-1)?.at ?? first;
  const suggestedTrigger: ScenarioTrigger = {
    match: 'substring',
    value: userMessage.trim().slice(0, 500),
    priority: RECORDED_PRIORITY,
  };
  return {
    scenario: {
      id: options.id,
      name: options.name ?? `Recorded: ${oneLine(userMessage, 80)}`,
      description: `Recorded from ${options.source} on ${new Date(started?.at ?? Date.now()).toISOString()}: ${events.length} events.`,
      triggers: options.activate ? [options.trigger ?? suggestedTrigger] : [],
      steps: Object.keys(letValues).length > 0 ? [{ type: 'let', values: letValues }, ...steps] : steps,
    },
    userMessage,
    suggestedTrigger,
    events: events.length,
    contextSteps: contexts.length - lost,
    durationMs: Math.max(0, last - (started?.at ?? last)),
    laterRuns,
    warnings,
  };
}

/** The context writes made during the run: after its RUN_STARTED, before its end (if it ended). */
function contextItems(writes: readonly ContextWrite[], startSeq: number, endSeq: number | undefined): ContextItem[] {
  return writes
    .filter((write) => write.afterSeq >= startSeq && (endSeq === undefined || write.afterSeq < endSeq))
    .map((write) => ({ afterSeq: write.afterSeq, context: write.values }));
}

/** The run's events with each context write placed after the last frame handed over before it. */
function withContext(events: readonly TimedEvent[], contexts: readonly ContextItem[]): RunItem[] {
  const items: RunItem[] = [];
  let next = 0;
  for (const event of events) {
    while (next < contexts.length && (contexts[next] as ContextItem).afterSeq < event.seq)
      items.push(contexts[next++] as ContextItem);
    items.push(event);
  }
  items.push(...contexts.slice(next));
  return items;
}

/**
 * The first run a user message started (RUN_STARTED to its end), that message, the state it started from, and
 * approval answers. Runs with nothing to trigger on — a scenario played from the console, an injected run — are
 * passed over (what they did to the thread's state is followed).
 */
function firstRun(frames: readonly FrameRecord[]) {
  let userMessage = '';
  /** The user message of the latest run request, until its RUN_STARTED goes out. */
  let requested = '';
  /** The latest run request as the client sent it, until its RUN_STARTED goes out. */
  let requestedInput: JsonObject | undefined;
  /** The `state` the latest run request brought (undefined when none), until its RUN_STARTED goes out. */
  let requestedState: JsonValue | undefined;
  const states = new FrameStateTracker();
  let startState: RunStartState | undefined;
  /** The recorded run's messages as its request gave them to the run (what `history: "request"` stands for). */
  let requestMessages: JsonObject[] = [];
  let run: TimedEvent[] | undefined;
  let ended = false;
  let laterRuns = 0;
  const answers = new Map<string, { approved: boolean; at: number }>();
  for (const frame of [...frames].sort((a, b) => a.seq - b.seq)) {
    if (frame.binary) continue;
    const value = parseJson(frame.text);
    if (value === undefined) continue;
    if (frame.direction === 'in') {
      const request = parseClientRequest(value);
      if (request.kind === 'run') {
        requested = request.request.lastUserMessage;
        requestedInput = isJsonObject(value) ? value : undefined;
        requestedState = request.request.state as JsonValue | undefined;
      }
      if (request.kind === 'approval') {
        answers.set(request.answer.approvalId, { approved: request.answer.approved, at: frame.at });
      }
      continue;
    }
    if (!isJsonObject(value) || typeof value.type !== 'string') continue;
    if (value.type === 'RUN_STARTED') {
      const trigger = requested;
      const input = requestedInput;
      const state = requestedState;
      requested = '';
      requestedInput = undefined;
      requestedState = undefined;
      if (run) {
        if (ended) laterRuns++;
        ended = true;
        continue;
      }
      const start = states.runStarted(stringField(value, 'threadId'), state);
      if (!trigger.trim()) continue;
      startState = start;
      userMessage = trigger;
      requestMessages = runMessages(input, value.runId);
      run = [];
    }
    if (!run) states.event(value);
    if (!run || ended) continue;
    run.push({ at: frame.at, seq: frame.seq, event: value });
    if (value.type === 'RUN_FINISHED' || value.type === 'RUN_ERROR') ended = true;
  }
  return { userMessage, run, requestMessages, startState, answers, laterRuns };
}

/**
 * A run request's messages as the run had them: AGORA's variant without a runId gets message ids made from the
 * run's id (`msg-<runId>-<n>`), so it is read again with the runId its RUN_STARTED gave.
 */
function runMessages(input: JsonObject | undefined, runId: JsonValue | undefined): JsonObject[] {
  if (!input) return [];
  const named = 'runId' in input || 'run_id' in input || typeof runId !== 'string';
  const request = parseClientRequest(named ? input : { ...input, runId });
  return request.kind === 'run' ? (request.request.messages as unknown as JsonObject[]) : [];
}

/** What turning a run into steps reads and adds to along the way. */
interface StepContext {
  answers: ReadonlyMap<string, { approved: boolean; at: number }>;
  ids: IdTemplates;
  /** The recorded request's messages (as the run had them). */
  requestMessages: readonly JsonObject[];
  /** What the recording could not keep as it was sent. */
  warnings: string[];
}

function toSteps(items: readonly RunItem[], startedAt: number, context: StepContext): ScenarioStep[] {
  const { answers, ids } = context;
  const steps: ScenarioStep[] = [];
  let previous = startedAt;
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as RunItem;
    if ('context' in item) {
      if (item.context) steps.push({ type: 'setContext', values: ids.apply(item.context) as JsonObject });
      continue;
    }
    const { at, event } = item;
    if (event.type === 'RUN_FINISHED') {
      const ending = finishedStep(item, context);
      if (!ending) continue;
      const gap = Math.round(at - previous);
      if (gap >= 1) steps.push({ type: 'wait', ms: Math.min(gap, 3_600_000) });
      steps.push(ending);
      continue;
    }
    const gap = Math.round(at - previous);
    if (gap >= 1) steps.push({ type: 'wait', ms: Math.min(gap, 3_600_000) });
    previous = at;
    const approval = approvalStep(event, answers, ids);
    if (approval) {
      const answer = answers.get(approval.recordedId);
      // What followed the answer belongs to the branch the recorded client chose; its timing starts at the answer.
      const rest = toSteps(items.slice(index + 1), answer?.at ?? at, context);
      const chosen = answer?.approved ? 'approved' : 'rejected';
      approval.step[chosen] = rest;
      context.warnings.push(approvalWarning(approval.step, chosen, approval.toolName));
      steps.push(approval.step);
      return steps;
    }
    if (event.type === 'MESSAGES_SNAPSHOT') {
      steps.push(snapshotStep(event, context));
      continue;
    }
    const { timestamp: _recordedAt, ...rest } = event;
    steps.push({ type: 'emit', event: ids.apply(rest) as JsonObject });
  }
  return steps;
}

/**
 * What RUN_FINISHED said beyond "done": an interrupt outcome becomes the step that ends a run the same way (an
 * `approval` for AGORA's approval, else an `interrupt`); its answer came in another run, so the branches are empty.
 */
function finishedStep(item: TimedEvent, context: StepContext): ScenarioStep | undefined {
  const { event, at } = item;
  const { warnings } = context;
  if (event.result !== undefined)
    warnings.push(
      'RUN_FINISHED carried a result: a scenario cannot set one (the engine sends RUN_FINISHED), so the replay ends without it',
    );
  const outcome = event.outcome;
  if (!isJsonObject(outcome) || outcome.type !== 'interrupt') {
    if (isJsonObject(outcome) && outcome.type !== 'success')
      warnings.push(
        `RUN_FINISHED had the outcome ${JSON.stringify(outcome.type)}: a scenario cannot end that way, so the replay ends as a plain finished run`,
      );
    return undefined;
  }
  const interrupts = Array.isArray(outcome.interrupts) ? outcome.interrupts.filter(isJsonObject) : [];
  const [first, ...others] = interrupts;
  if (!first || typeof first.reason !== 'string' || !first.reason) {
    warnings.push(
      'RUN_FINISHED ended with an interrupt outcome without an interrupt the recording can read (one with a reason): the replay ends as a plain finished run',
    );
    return undefined;
  }
  if (others.length > 0)
    warnings.push(
      `the run ended with ${interrupts.length} interrupts: a scenario's run pauses on one, so the recording asks the first (${JSON.stringify(first.reason)}) and leaves out ${others.map((other) => JSON.stringify(other.id)).join(', ')}`,
    );
  if (first.subagentRunId !== undefined)
    warnings.push('the interrupt belonged to a subagent (subagentRunId): the replay asks it as the run’s own');
  const expiresInMs = expiry(first.expiresAt, at, warnings);
  const step = approvalFromInterrupt(first, expiresInMs, context) ?? interruptStep(first, expiresInMs, context);
  warnings.push(
    `the run ended with an interrupt (${JSON.stringify(first.reason)}), recorded as the ${step.type} step ${JSON.stringify(step.id)}: what followed its answer came in another run, so its branches are empty; fill them in to go on after the answer`,
  );
  return step;
}

/** The ms an interrupt gave to answer it, from its `expiresAt` and when it was sent. */
function expiry(expiresAt: JsonValue | undefined, sentAt: number, warnings: string[]): number | undefined {
  if (expiresAt === undefined || expiresAt === null) return undefined;
  const ms = typeof expiresAt === 'string' ? Math.round(Date.parse(expiresAt) - sentAt) : Number.NaN;
  if (Number.isFinite(ms) && ms >= 1 && ms <= 86_400_000) return ms;
  warnings.push(
    `the interrupt's expiresAt ${JSON.stringify(expiresAt)} is not between 1 ms and a day after it was sent: the replay's interrupt does not expire`,
  );
  return undefined;
}

function interruptStep(interrupt: JsonObject, expiresInMs: number | undefined, context: StepContext): InterruptStep {
  const { ids, warnings } = context;
  const { reason, message, toolCallId, responseSchema, metadata } = interrupt;
  let schema: JsonObject | undefined;
  if (isJsonObject(responseSchema)) {
    // Sent as written (not a template), and compiled when the scenario is stored: one that does not compile is left out.
    try {
      new JsonSchemas().compile(responseSchema, 'json');
      schema = responseSchema;
    } catch (error) {
      warnings.push(
        `the interrupt's responseSchema is not a JSON Schema the engine can check answers with (${(error as Error).message}): the recording leaves it out`,
      );
    }
  }
  return {
    type: 'interrupt',
    id: ids.stepId('interrupt'),
    reason: ids.apply(reason as string) as string,
    ...(typeof message === 'string' && { message: ids.apply(message) as string }),
    ...(typeof toolCallId === 'string' && { toolCallId: ids.apply(toolCallId) as string }),
    ...(schema && { responseSchema: schema }),
    ...(isJsonObject(metadata) && { metadata: ids.apply(metadata) as JsonObject }),
    ...(expiresInMs !== undefined && { expiresInMs }),
    resolved: [],
    cancelled: [],
  };
}

/** AGORA's approval as an HTTP client gets it (an interrupt `tool_approval`), as the `approval` step that sent it. */
function approvalFromInterrupt(
  interrupt: JsonObject,
  expiresInMs: number | undefined,
  context: StepContext,
): ApprovalStep | undefined {
  const { reason, message, toolCallId, responseSchema, metadata } = interrupt;
  if (reason !== 'tool_approval' || !isJsonObject(metadata) || toolCallId !== undefined) return undefined;
  const { toolName, parameters, reasoning, riskLevel, ...others } = metadata;
  if (typeof toolName !== 'string' || !toolName || !['low', 'medium', 'high'].includes(riskLevel as string)) return;
  if (Object.keys(others).length > 0 || (parameters !== undefined && !isJsonObject(parameters))) return;
  if (reasoning !== undefined && typeof reasoning !== 'string') return;
  if (message !== undefined && typeof message !== 'string') return;
  if (!isDeepStrictEqual(responseSchema, approvalInterrupt('', {}, undefined).responseSchema)) return;
  return {
    type: 'approval',
    id: context.ids.stepId('approval'),
    request: context.ids.apply({
      toolName,
      toolDescription: message ?? '',
      parameters: parameters ?? {},
      reasoning: reasoning ?? '',
      riskLevel: riskLevel as 'low' | 'medium' | 'high',
    }) as ApprovalStep['request'],
    // An approval without expiresAt waited for ever.
    timeoutMs: expiresInMs ?? 0,
    approved: [],
    rejected: [],
    timeout: [],
  };
}

/**
 * A MESSAGES_SNAPSHOT that starts with the request's messages is the step that rebuilds it from the replaying
 * request (`history: "request"`), one with none of them the one without (`"none"`); the messages it adds get fresh
 * ids per replay. Any other (the request's messages changed, reordered or in part) is sent as it was, with a warning.
 */
function snapshotStep(event: JsonObject, context: StepContext): ScenarioStep {
  const { ids, requestMessages, warnings } = context;
  const { timestamp: _recordedAt, ...literal } = event;
  const messages = Array.isArray(event.messages) ? event.messages : [];
  const count = requestMessages.length;
  const same = (a: JsonValue | undefined, b: JsonObject) => isJsonObject(a) && a.id === b.id && a.role === b.role;
  const prefixed = count > 0 && requestMessages.every((message, index) => same(messages[index], message));
  const requestIds = new Set(requestMessages.map((message) => message.id));
  const fromRequest = messages.some((message) => isJsonObject(message) && requestIds.has(message.id as string));
  if (messages.every(isJsonObject) && (prefixed || !fromRequest)) {
    const added = prefixed ? messages.slice(count) : messages;
    if (prefixed && !requestMessages.every((message, index) => isDeepStrictEqual(messages[index], message)))
      warnings.push(
        'a MESSAGES_SNAPSHOT began with the request’s messages changed: the replay sends the replaying request’s messages as they are, then the run’s',
      );
    for (const message of added) ids.collectMessage(message);
    return {
      type: 'messagesSnapshot',
      history: prefixed ? 'request' : 'none',
      messages: added.map((message) => ids.apply(message) as JsonObject),
    };
  }
  warnings.push(
    'a MESSAGES_SNAPSHOT held the request’s messages other than as they were sent (not all, not first, or not in order): it is replayed as it was, so it replaces the replaying client’s conversation with the recorded one',
  );
  return { type: 'emit', event: ids.apply(literal) as JsonObject };
}

/** What a recorded approval leaves out: the branches of the answers the recorded client did not give. */
function approvalWarning(step: ApprovalStep, chosen: 'approved' | 'rejected', toolName: string): string {
  const other = chosen === 'approved' ? 'rejected' : 'approved';
  const otherAnswer = chosen === 'approved' ? 'rejects' : 'approves';
  return `the AGORA approval of ${JSON.stringify(toolName)} (the approval step ${JSON.stringify(step.id)}) was ${chosen} by the recorded client, so what followed is its ${chosen} branch; its ${other} and timeout branches are empty: a replay whose client ${otherAnswer} it, or does not answer in time (approvalTimeoutMs), finishes the run there; fill them in to go on`;
}

function approvalStep(
  event: JsonObject,
  answers: ReadonlyMap<string, { approved: boolean; at: number }>,
  ids: IdTemplates,
): { step: ApprovalStep; recordedId: string; toolName: string } | undefined {
  if (event.type !== 'CUSTOM' || event.name !== AgoraEventName.approvalRequest || !isJsonObject(event.value)) return;
  const { approvalId, toolName, toolDescription, parameters, reasoning, riskLevel } = event.value;
  if (typeof approvalId !== 'string' || typeof toolName !== 'string' || !toolName) return;
  if (!['low', 'medium', 'high'].includes(riskLevel as string)) return;
  // Without a recorded answer (the connection ended first) the request is replayed as it was sent.
  if (!answers.has(approvalId)) return undefined;
  const id = ids.stepId('approval');
  ids.fixed(approvalId, `{{steps.${id}.approvalId}}`);
  return {
    recordedId: approvalId,
    toolName,
    step: {
      type: 'approval',
      id,
      request: ids.apply({
        toolName,
        toolDescription: typeof toolDescription === 'string' ? toolDescription : '',
        parameters: isJsonObject(parameters) ? parameters : {},
        reasoning: typeof reasoning === 'string' ? reasoning : '',
        riskLevel: riskLevel as 'low' | 'medium' | 'high',
      }) as ApprovalStep['request'],
      approved: [],
      rejected: [],
      timeout: [],
    },
  };
}

/** Recorded ids and the templates that stand for them in the scenario. */
class IdTemplates {
  private readonly templates = new Map<string, string>();
  private readonly lets: Record<string, string> = {};
  private count = 0;
  private steps = 0;

  fixed(value: string, template: string): void {
    if (value) this.templates.set(value, template);
  }

  /** Ids the events introduce (messages, tool calls, their AGORA spoken twins) get a fresh value per run. */
  collect(event: JsonObject): void {
    for (const field of ID_FIELDS) this.add(event[field]);
    if (isJsonObject(event.value)) this.add(event.value.messageId);
  }

  /** The ids a message a snapshot adds introduces: its own, its tool calls', the call it answers. */
  collectMessage(message: JsonObject): void {
    this.add(message.id);
    this.add(message.toolCallId);
    if (Array.isArray(message.toolCalls))
      for (const call of message.toolCalls) if (isJsonObject(call)) this.add(call.id);
  }

  apply(value: JsonValue): JsonValue {
    if (typeof value === 'string') return this.templates.get(value) ?? this.literal(value);
    if (Array.isArray(value)) return value.map((item) => this.apply(item));
    if (isJsonObject(value))
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.apply(item)]));
    return value;
  }

  /** A step id not used before in this scenario. */
  stepId(kind: string): string {
    return `${kind}${++this.steps}`;
  }

  letValues(): Record<string, string> {
    return this.lets;
  }

  /**
   * Recorded text is not a template: a `{{` in it (code in an answer) is spelled through a variable holding
   * `{{`, so it is sent as it was instead of being read as a placeholder, and so are the backslashes right before
   * one (`\{{` is Handlebars' escape). `beforePlaceholder`: the text is followed by a placeholder of ours, so
   * backslashes at its end are spelled too.
   */
  private literal(text: string, beforePlaceholder = false): string {
    const spelled = text.includes('{{')
      ? text.replace(/(\\*)\{\{/g, (_match, slashes: string) => `${this.backslashes(slashes)}${this.openBraces()}`)
      : text;
    return beforePlaceholder ? spelled.replace(/\\+$/, (slashes) => this.backslashes(slashes)) : spelled;
  }

  private openBraces(): string {
    this.lets[OPEN_BRACES] = '{{';
    return `{{vars.${OPEN_BRACES}}}`;
  }

  private backslashes(slashes: string): string {
    if (slashes === '') return '';
    this.lets[BACKSLASH] = '\\';
    return `{{vars.${BACKSLASH}}}`.repeat(slashes.length);
  }

  private add(value: JsonValue | undefined): void {
    if (typeof value !== 'string' || !value || this.templates.has(value)) return;
    const name = `id${++this.count}`;
    // Keep a recognisable prefix (`msg-`, `call-`) so replays look like the original; an id is any text.
    const prefix = UUID_TAIL.test(value) ? value.replace(UUID_TAIL, '') : `${value}-`;
    this.lets[name] = `${this.literal(prefix, true)}{{uuid}}`;
    this.templates.set(value, `{{vars.${name}}}`);
  }
}

function stringField(event: JsonObject | undefined, field: string): string | undefined {
  const value = event?.[field];
  return typeof value === 'string' ? value : undefined;
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
