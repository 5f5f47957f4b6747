import type { FrameRecord } from '../../shared/connections';
import type { ApprovalStep, JsonObject, JsonValue, ScenarioInput, ScenarioStep } from '../../shared/scenario';
import { AgoraEventName } from '../agui/events';
import { parseClientRequest } from '../agui/run-input';

/** Recorded scenarios win over a pack's scenario with the same trigger (ties would go to the earlier one). */
export const RECORDED_PRIORITY = 10;

export interface RecordingOptions {
  id: string;
  name?: string;
  /** Where the frames came from, for the description. */
  source: string;
}

export interface Recording {
  scenario: ScenarioInput;
  /** Events (between RUN_STARTED and the run's end) turned into steps. */
  events: number;
  /** Recorded duration of the run in ms (delays between events). */
  durationMs: number;
  /** Runs after the first one on the connection, which are not part of this scenario. */
  laterRuns: number;
}

export class RecordingError extends Error {
  override name = 'RecordingError';
}

interface TimedEvent {
  at: number;
  event: JsonObject;
}

const ID_FIELDS = ['messageId', 'toolCallId', 'parentMessageId'] as const;
/** The `let` variable standing for a literal `{{` in recorded text. */
const OPEN_BRACES = 'openBraces';
const UUID_TAIL = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns a connection's frames (both directions, with their timing) into a scenario that plays the first run
 * again: triggered by that run's user message, with the recorded delays as `wait` steps (scaled by the speed
 * setting like any scenario), and the run's ids as templates so every replay gets fresh ones — threadId and
 * runId from the replaying client, messageIds and toolCallIds new per run (`let` + `{{uuid}}`). An AGORA
 * approval request becomes an `approval` step that waits for the replaying client's answer; the branch the
 * recorded client chose holds what followed.
 */
export function recordScenario(frames: readonly FrameRecord[], options: RecordingOptions): Recording {
  const { userMessage, run, answers, laterRuns } = firstRun(frames);
  if (!run)
    throw new RecordingError(
      'nothing to record: no run started by a user message among the recorded frames (runs played from the console or injected have nothing to trigger on)',
    );
  const [started, ...rest] = run;
  const threadId = stringField(started?.event, 'threadId');
  const runId = stringField(started?.event, 'runId');
  const body = rest.filter((item) => item.event.type !== 'RUN_FINISHED');

  const ids = new IdTemplates();
  if (threadId) ids.fixed(threadId, '{{threadId}}');
  if (runId) ids.fixed(runId, '{{runId}}');
  for (const { event } of body) ids.collect(event);

  const steps = toSteps(body, started?.at ?? 0, answers, ids);
  const letValues = ids.letValues();
  const first = body[0]?.at ?? started?.at ?? 0;
  const last = body.at(-1)?.at ?? first;
  return {
    scenario: {
      id: options.id,
      name: options.name ?? `Recorded: ${shorten(userMessage, 80)}`,
      description: `Recorded from ${options.source} on ${new Date(started?.at ?? Date.now()).toISOString()}: ${body.length} events.`,
      triggers: [{ match: 'substring', value: userMessage.trim().slice(0, 500), priority: RECORDED_PRIORITY }],
      steps: Object.keys(letValues).length > 0 ? [{ type: 'let', values: letValues }, ...steps] : steps,
    },
    events: body.length,
    durationMs: Math.max(0, last - (started?.at ?? last)),
    laterRuns,
  };
}

/**
 * The first run a user message started (RUN_STARTED to its end), that message, and approval answers. Runs with
 * nothing to trigger on — a scenario played from the console, an injected run — are passed over.
 */
function firstRun(frames: readonly FrameRecord[]) {
  let userMessage = '';
  /** The user message of the latest run request, until its RUN_STARTED goes out. */
  let requested = '';
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
      if (request.kind === 'run') requested = request.request.lastUserMessage;
      if (request.kind === 'approval') {
        answers.set(request.answer.approvalId, { approved: request.answer.approved, at: frame.at });
      }
      continue;
    }
    if (!isObject(value) || typeof value.type !== 'string') continue;
    if (value.type === 'RUN_STARTED') {
      const trigger = requested;
      requested = '';
      if (run) {
        if (ended) laterRuns++;
        ended = true;
        continue;
      }
      if (!trigger.trim()) continue;
      userMessage = trigger;
      run = [];
    }
    if (!run || ended) continue;
    run.push({ at: frame.at, event: value });
    if (value.type === 'RUN_FINISHED' || value.type === 'RUN_ERROR') ended = true;
  }
  return { userMessage, run, answers, laterRuns };
}

function toSteps(
  events: readonly TimedEvent[],
  startedAt: number,
  answers: ReadonlyMap<string, { approved: boolean; at: number }>,
  ids: IdTemplates,
): ScenarioStep[] {
  const steps: ScenarioStep[] = [];
  let previous = startedAt;
  for (let index = 0; index < events.length; index++) {
    const { at, event } = events[index] as TimedEvent;
    const gap = Math.round(at - previous);
    if (gap >= 1) steps.push({ type: 'wait', ms: Math.min(gap, 3_600_000) });
    previous = at;
    const approval = approvalStep(event, answers, ids);
    if (approval) {
      const answer = answers.get(approval.recordedId);
      // What followed the answer belongs to the branch the recorded client chose; its timing starts at the answer.
      const rest = toSteps(events.slice(index + 1), answer?.at ?? at, answers, ids);
      approval.step[answer?.approved ? 'approved' : 'rejected'] = rest;
      steps.push(approval.step);
      return steps;
    }
    const { timestamp: _recordedAt, ...rest } = event;
    steps.push({ type: 'emit', event: ids.apply(rest) as JsonObject });
  }
  return steps;
}

function approvalStep(
  event: JsonObject,
  answers: ReadonlyMap<string, { approved: boolean; at: number }>,
  ids: IdTemplates,
): { step: ApprovalStep; recordedId: string } | undefined {
  if (event.type !== 'CUSTOM' || event.name !== AgoraEventName.approvalRequest || !isObject(event.value)) return;
  const { approvalId, toolName, toolDescription, parameters, reasoning, riskLevel } = event.value;
  if (typeof approvalId !== 'string' || typeof toolName !== 'string' || !toolName) return;
  if (!['low', 'medium', 'high'].includes(riskLevel as string)) return;
  // Without a recorded answer (the connection ended first) the request is replayed as it was sent.
  if (!answers.has(approvalId)) return undefined;
  const id = ids.stepId('approval');
  ids.fixed(approvalId, `{{steps.${id}.approvalId}}`);
  return {
    recordedId: approvalId,
    step: {
      type: 'approval',
      id,
      request: ids.apply({
        toolName,
        toolDescription: typeof toolDescription === 'string' ? toolDescription : '',
        parameters: isObject(parameters) ? parameters : {},
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
    if (isObject(event.value)) this.add(event.value.messageId);
  }

  apply(value: JsonValue): JsonValue {
    if (typeof value === 'string') return this.templates.get(value) ?? this.literal(value);
    if (Array.isArray(value)) return value.map((item) => this.apply(item));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.apply(item)]));
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
   * `{{`, so it is sent as it was instead of being read as a placeholder.
   */
  private literal(text: string): string {
    if (!text.includes('{{')) return text;
    this.lets[OPEN_BRACES] = '{{';
    return text.replaceAll('{{', `{{vars.${OPEN_BRACES}}}`);
  }

  private add(value: JsonValue | undefined): void {
    if (typeof value !== 'string' || !value || this.templates.has(value)) return;
    const name = `id${++this.count}`;
    // Keep a recognisable prefix (`msg-`, `call-`) so replays look like the original.
    const prefix = UUID_TAIL.test(value) ? value.replace(UUID_TAIL, '') : `${value}-`;
    this.lets[name] = `${prefix}{{uuid}}`;
    this.templates.set(value, `{{vars.${name}}}`);
  }
}

function stringField(event: JsonObject | undefined, field: string): string | undefined {
  const value = event?.[field];
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
