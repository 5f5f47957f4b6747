import { type BaseEvent, EventType } from '@ag-ui/core';
import type { OpenStep, OpenToolCall, StreamContext } from '../../shared/control-api';

/**
 * The sequence rules `verifyEvents` from `@ag-ui/client` 1.0 enforces, as a non-throwing per-connection state
 * machine: `check` tells before an event is sent which rule it would break (with the exact text the client would
 * throw), `accept` advances the state, and keeps advancing best-effort after a person forces a rule-breaking event
 * through, so later warnings stay meaningful.
 *
 * The checks are a faithful port of the client's verifier, in its order, so that when several rules apply the one
 * reported is the one the client would throw. Field values are read raw (no coercion) for the same reason: the
 * verifier keys its maps on whatever the event carries.
 */

export const SEQUENCE_RULES = {
  R1: 'The first event must be RUN_STARTED (or RUN_ERROR)',
  R2: 'No RUN_STARTED while a run is active',
  R3: 'After RUN_FINISHED only RUN_STARTED or RUN_ERROR',
  R4: 'After RUN_ERROR only RUN_STARTED',
  R5: 'RUN_FINISHED needs every step, text message, reasoning message, reasoning span, tool call and subagent closed',
  T1: 'TEXT_MESSAGE_START must not reopen a text message that is still open',
  T2: 'TEXT_MESSAGE_CONTENT / TEXT_MESSAGE_END need an open text message',
  TC1: 'TOOL_CALL_START must not reopen a tool call that is still open',
  TC2: 'TOOL_CALL_ARGS / TOOL_CALL_END need an open tool call',
  S1: 'STEP_STARTED must not restart a step the same agent has open',
  S2: 'STEP_FINISHED needs a started step',
  S3: 'STEP_FINISHED must be attributed to the agent that started the step',
  RS1: 'REASONING_START must not reopen a reasoning span that is still open',
  RS2: 'REASONING_END needs an open reasoning span',
  RM1: 'REASONING_MESSAGE_START must not reopen a reasoning message that is still open',
  RM2: 'REASONING_MESSAGE_CONTENT / REASONING_MESSAGE_END need an open reasoning message',
  SA1: 'SUBAGENT_STARTED must not restart an active subagent',
  SA2: 'A subagentRunId names one invocation and cannot be reused within a run',
  SA3: 'parentSubagentRunId must name a subagent started in this run',
  SA4: 'SUBAGENT_FINISHED / SUBAGENT_ERROR need an active subagent',
  SA5: 'Subagent lifecycle events need subagentRunId (and name on STARTED, message on ERROR)',
  SA6: 'A subagent outcome is { type: "success" } or { type: "suspended" }',
  SA7: "A subagent outcome's interruptIds are strings",
  N1: 'subagentRunId is omitted, never null',
  N2: 'Optional subagent lifecycle fields are omitted, never null',
  N3: 'RUN_FINISHED interrupts omit subagentRunId, never null',
  N4: 'Replayed messages (MESSAGES_SNAPSHOT, RUN_STARTED input) omit subagentRunId, never null',
  O1: 'Continuations and reopens carry the same subagentRunId as the opener',
  O2: 'A tool call carries the same subagentRunId as its parent message',
  O3: 'A reopened tool call stays with a parent message of the same owner',
} as const satisfies Record<string, string>;

export type SequenceRule = keyof typeof SEQUENCE_RULES;

/**
 * The engine's own rules for events a person injects into a connection while a scenario plays on it (not
 * `verifyEvents`' rules, so not the tracker's: they need what the engine knows beyond the wire). Each keeps the
 * stream the engine itself writes from breaking a rule because of an injection; see `scenarios/run-control.ts`.
 */
export const RUN_RULES = {
  SC1: 'A text message, tool call, step or reasoning the playing scenario opened is closed by the scenario, not injected',
  ST1: "STATE_DELTA must apply to the thread's state as the engine knows it",
} as const satisfies Record<string, string>;

export type RunRule = keyof typeof RUN_RULES;

export interface RunRuleFinding {
  rule: RunRule;
  message: string;
}

export interface RuleFinding {
  rule: SequenceRule;
  /** The exact text `verifyEvents` would throw (as an AGUIError) for this event. */
  message: string;
}

/** What event templates need to know about a connection's stream (the console reads it too). */
export type TrackerContext = StreamContext;

/** Who opened an entity; `undefined` is the parent agent. Never mutated, so maps may share instances. */
interface Owner {
  readonly subagentRunId: string | undefined;
}

interface OwnerMaps {
  message: Map<string, Owner>;
  toolCall: Map<string, Owner>;
  activity: Map<string, Owner>;
  reasoning: Map<string, Owner>;
}

/** idle: nothing accepted yet (the verifier's "first event" state). */
type Phase = 'idle' | 'active' | 'finished' | 'errored';

interface ReplayedMessage {
  id?: unknown;
  role?: unknown;
  subagentRunId?: unknown;
  toolCalls?: unknown;
}

const PARENT = '(the parent agent)';
const SUBAGENT_OPTIONALS: Partial<Record<string, readonly string[]>> = {
  [EventType.SUBAGENT_STARTED]: ['description', 'parentSubagentRunId', 'parentToolCallId', 'parentMessageId'],
  [EventType.SUBAGENT_FINISHED]: ['outcome'],
  [EventType.SUBAGENT_ERROR]: ['code'],
};

function finding(rule: SequenceRule, message: string): RuleFinding {
  return { rule, message };
}

function ownerLabel(owner: string | undefined): string {
  return owner ?? PARENT;
}

/** The verifier's subagentTagError: an absent tag never disagrees; a present one must equal the opener's. */
function tagMismatch(
  eventType: string,
  tag: unknown,
  owner: Owner | undefined,
  kind: string,
  entityId: string,
): RuleFinding | null {
  if (tag === undefined || !owner || owner.subagentRunId === tag) return null;
  return finding(
    'O1',
    `Cannot send '${eventType}': subagentRunId '${tag}' does not match the ${kind} '${entityId}' opener's subagent '${ownerLabel(owner.subagentRunId)}'.`,
  );
}

/** Null in place of an absent tag: the verifier rejects it, the best-effort path reads it as absent. */
function tagOf(event: BaseEvent): string | undefined {
  return (event.subagentRunId ?? undefined) as string | undefined;
}

function replayedMessages(raw: unknown): ReplayedMessage[] {
  const messages = raw ?? [];
  return Array.isArray(messages) ? (messages as ReplayedMessage[]) : [];
}

export class SequenceTracker {
  private phase: Phase = 'idle';
  private threadId: string | undefined;
  private runId: string | undefined;
  private readonly openMessages = new Set<string>();
  private readonly openToolCalls = new Map<string, OpenToolCall>();
  private readonly openReasoningSpans = new Set<string>();
  private readonly openReasoningMessages = new Set<string>();
  /** Owners outlive their entity's close for the whole run, as in the verifier (late continuations are checked). */
  private readonly owners: OwnerMaps = {
    message: new Map(),
    toolCall: new Map(),
    activity: new Map(),
    reasoning: new Map(),
  };
  /**
   * Owner -> open step names. Empty owner entries are kept until the run resets: the verifier lists unfinished
   * steps (and finds "open under another agent") in owner insertion order, so dropping an entry would reorder them.
   */
  private readonly steps = new Map<string | undefined, Set<string>>();
  /** subagentRunId -> name. */
  private readonly activeSubagents = new Map<string, string>();
  private readonly closedSubagents = new Set<string>();
  /**
   * What a run's start and end empty. Only non-empty ones are cleared: `clear()` gives a Map or Set a fresh
   * table, and a tracker lives as long as its connection, so clearing empty ones twice a run was garbage that
   * survived the young generation.
   */
  private readonly runCollections: readonly (Map<unknown, unknown> | Set<unknown>)[] = [
    this.openMessages,
    this.openToolCalls,
    this.openReasoningSpans,
    this.openReasoningMessages,
    this.owners.message,
    this.owners.toolCall,
    this.owners.activity,
    this.owners.reasoning,
    this.steps,
    this.activeSubagents,
    this.closedSubagents,
  ];

  /** What sending `event` now would break, without changing anything. */
  check(event: BaseEvent): RuleFinding | null {
    return this.evaluate(event);
  }

  /** Findings for `events` as if sent in order from the current state; this tracker is left untouched. */
  checkAll(events: readonly BaseEvent[]): (RuleFinding | null)[] {
    const scratch = this.clone();
    return events.map((event) => scratch.accept(event));
  }

  /** Records that `event` was sent. Returns the rule it broke, if any; the state advances either way. */
  accept(event: BaseEvent): RuleFinding | null {
    const result = this.evaluate(event);
    // Outside a run the client would have dropped the stream; the event opens or closes nothing here either. So
    // before any run R1 goes on applying to every event until a RUN_STARTED (or RUN_ERROR) goes out.
    if (result?.rule === 'R1' || result?.rule === 'R3' || result?.rule === 'R4') return result;
    this.apply(event);
    return result;
  }

  snapshot(): TrackerContext {
    const openSteps: OpenStep[] = [];
    for (const [owner, names] of this.steps) {
      for (const stepName of names) {
        openSteps.push(owner === undefined ? { stepName } : { stepName, subagentRunId: owner });
      }
    }
    return {
      runActive: this.phase === 'active',
      finished: this.phase === 'finished',
      errored: this.phase === 'errored',
      threadId: this.threadId,
      runId: this.runId,
      openTextMessages: [...this.openMessages],
      openToolCalls: [...this.openToolCalls.values()].map((call) => ({ ...call })),
      openSteps,
      openReasoningMessages: [...this.openReasoningMessages],
      openReasoningSpans: [...this.openReasoningSpans],
      activeSubagents: [...this.activeSubagents].map(([subagentRunId, name]) => ({ subagentRunId, name })),
    };
  }

  /**
   * The events that close everything a run has open, innermost first, each with its owner's subagentRunId: what
   * must go out before a RUN_FINISHED that keeps rule R5. Subagents still active finish with a success outcome.
   */
  closingEvents(): BaseEvent[] {
    const events: BaseEvent[] = [];
    const close = (type: EventType, fields: Record<string, unknown>, subagentRunId: string | undefined) =>
      events.push({ type, ...fields, ...(subagentRunId !== undefined && { subagentRunId }) } as BaseEvent);
    const reasoningOwner = (id: string) => this.owners.reasoning.get(id)?.subagentRunId;
    for (const id of this.openReasoningMessages)
      close(EventType.REASONING_MESSAGE_END, { messageId: id }, reasoningOwner(id));
    for (const id of this.openReasoningSpans) close(EventType.REASONING_END, { messageId: id }, reasoningOwner(id));
    for (const id of this.openMessages)
      close(EventType.TEXT_MESSAGE_END, { messageId: id }, this.owners.message.get(id)?.subagentRunId);
    for (const id of this.openToolCalls.keys())
      close(EventType.TOOL_CALL_END, { toolCallId: id }, this.owners.toolCall.get(id)?.subagentRunId);
    for (const [owner, names] of this.steps)
      for (const name of names) close(EventType.STEP_FINISHED, { stepName: name }, owner);
    for (const id of this.activeSubagents.keys())
      events.push({ type: EventType.SUBAGENT_FINISHED, subagentRunId: id, outcome: { type: 'success' } } as BaseEvent);
    return events;
  }

  reset(): void {
    this.clearRun();
    this.phase = 'idle';
    this.threadId = undefined;
    this.runId = undefined;
  }

  /** An independent copy: previews run on one so that this tracker's state is never touched. */
  clone(): SequenceTracker {
    const copy = new SequenceTracker();
    copy.phase = this.phase;
    copy.threadId = this.threadId;
    copy.runId = this.runId;
    for (const id of this.openMessages) copy.openMessages.add(id);
    for (const [id, call] of this.openToolCalls) copy.openToolCalls.set(id, call);
    for (const id of this.openReasoningSpans) copy.openReasoningSpans.add(id);
    for (const id of this.openReasoningMessages) copy.openReasoningMessages.add(id);
    for (const kind of ['message', 'toolCall', 'activity', 'reasoning'] as const) {
      for (const [id, owner] of this.owners[kind]) copy.owners[kind].set(id, owner);
    }
    for (const [owner, names] of this.steps) copy.steps.set(owner, new Set(names));
    for (const [id, name] of this.activeSubagents) copy.activeSubagents.set(id, name);
    for (const id of this.closedSubagents) copy.closedSubagents.add(id);
    return copy;
  }

  /** The verifier's checks in its order; the first failing one is the finding. Pure. */
  private evaluate(event: BaseEvent): RuleFinding | null {
    const type = event.type;
    if (this.phase === 'errored' && type !== EventType.RUN_STARTED) {
      return finding(
        'R4',
        `Cannot send event type '${type}': The run has already errored with 'RUN_ERROR'. No further events can be sent.`,
      );
    }
    if (this.phase === 'finished' && type !== EventType.RUN_ERROR && type !== EventType.RUN_STARTED) {
      return finding(
        'R3',
        `Cannot send event type '${type}': The run has already finished with 'RUN_FINISHED'. Start a new run with 'RUN_STARTED'.`,
      );
    }
    if (this.phase === 'idle') {
      if (type !== EventType.RUN_STARTED && type !== EventType.RUN_ERROR) {
        return finding('R1', `First event must be 'RUN_STARTED'`);
      }
    } else if (type === EventType.RUN_STARTED && this.phase === 'active') {
      return finding(
        'R2',
        `Cannot send 'RUN_STARTED' while a run is still active. The previous run must be finished with 'RUN_FINISHED' before starting a new run.`,
      );
    }

    if (event.subagentRunId === null) {
      return finding(
        'N1',
        `Cannot send '${type}' with 'subagentRunId: null'. The field is optional — omit it entirely.`,
      );
    }
    const optionals = SUBAGENT_OPTIONALS[type];
    if (optionals) {
      const lifecycle = this.checkSubagentFields(event, optionals);
      if (lifecycle) return lifecycle;
    }
    if (type === EventType.RUN_FINISHED) {
      const outcome = event.outcome as { type?: unknown; interrupts?: unknown } | null | undefined;
      if (outcome?.type === 'interrupt' && Array.isArray(outcome.interrupts)) {
        for (const interrupt of outcome.interrupts as ({ id?: unknown; subagentRunId?: unknown } | null)[]) {
          if (interrupt && interrupt.subagentRunId === null) {
            return finding(
              'N3',
              `Cannot send 'RUN_FINISHED' with an interrupt (id '${interrupt.id}') carrying 'subagentRunId: null'. The field is optional — omit it entirely.`,
            );
          }
        }
      }
    }

    switch (type) {
      case EventType.TEXT_MESSAGE_START: {
        const id = event.messageId as string;
        if (this.openMessages.has(id)) {
          return finding(
            'T1',
            `Cannot send 'TEXT_MESSAGE_START' event: A text message with ID '${id}' is already in progress. Complete it with 'TEXT_MESSAGE_END' first.`,
          );
        }
        return tagMismatch(type, event.subagentRunId, this.owners.message.get(id), 'message', id);
      }
      case EventType.TEXT_MESSAGE_CONTENT:
      case EventType.TEXT_MESSAGE_END: {
        const id = event.messageId as string;
        if (!this.openMessages.has(id)) {
          return finding(
            'T2',
            type === EventType.TEXT_MESSAGE_CONTENT
              ? `Cannot send 'TEXT_MESSAGE_CONTENT' event: No active text message found with ID '${id}'. Start a text message with 'TEXT_MESSAGE_START' first.`
              : `Cannot send 'TEXT_MESSAGE_END' event: No active text message found with ID '${id}'. A 'TEXT_MESSAGE_START' event must be sent first.`,
          );
        }
        return tagMismatch(type, event.subagentRunId, this.owners.message.get(id), 'message', id);
      }
      case EventType.TOOL_CALL_START:
        return this.checkToolCallStart(event);
      case EventType.TOOL_CALL_ARGS:
      case EventType.TOOL_CALL_END: {
        const id = event.toolCallId as string;
        if (!this.openToolCalls.has(id)) {
          return finding(
            'TC2',
            type === EventType.TOOL_CALL_ARGS
              ? `Cannot send 'TOOL_CALL_ARGS' event: No active tool call found with ID '${id}'. Start a tool call with 'TOOL_CALL_START' first.`
              : `Cannot send 'TOOL_CALL_END' event: No active tool call found with ID '${id}'. A 'TOOL_CALL_START' event must be sent first.`,
          );
        }
        return tagMismatch(type, event.subagentRunId, this.owners.toolCall.get(id), 'tool call', id);
      }
      case EventType.STEP_STARTED: {
        const name = event.stepName as string;
        const owner = event.subagentRunId as string | undefined;
        if (!this.steps.get(owner)?.has(name)) return null;
        return finding(
          'S1',
          `Step "${name}" is already active for 'STEP_STARTED'${owner !== undefined ? ` in subagent '${owner}'` : ''}`,
        );
      }
      case EventType.STEP_FINISHED: {
        const name = event.stepName as string;
        const owner = event.subagentRunId as string | undefined;
        if (this.steps.get(owner)?.has(name)) return null;
        const other = this.stepHolder(name, owner);
        if (other.found) {
          return finding(
            'S3',
            `Cannot send 'STEP_FINISHED' for step "${name}" attributed to ${
              owner !== undefined ? `subagent '${owner}'` : 'the parent agent'
            }: that step is open under ${
              other.owner !== undefined ? `subagent '${other.owner}'` : 'the parent agent'
            }. A step must be finished by whoever started it.`,
          );
        }
        return finding('S2', `Cannot send 'STEP_FINISHED' for step "${name}" that was not started`);
      }
      case EventType.REASONING_START:
      case EventType.REASONING_MESSAGE_START: {
        const id = event.messageId as string;
        const isSpan = type === EventType.REASONING_START;
        if ((isSpan ? this.openReasoningSpans : this.openReasoningMessages).has(id)) {
          return isSpan
            ? finding(
                'RS1',
                `Cannot send 'REASONING_START' event: A reasoning span with ID '${id}' is already in progress. Complete it with 'REASONING_END' first.`,
              )
            : finding(
                'RM1',
                `Cannot send 'REASONING_MESSAGE_START' event: A reasoning message with ID '${id}' is already in progress. Complete it with 'REASONING_MESSAGE_END' first.`,
              );
        }
        return tagMismatch(type, event.subagentRunId, this.owners.reasoning.get(id), 'reasoning message', id);
      }
      case EventType.REASONING_MESSAGE_CONTENT:
      case EventType.REASONING_MESSAGE_END:
      case EventType.REASONING_END: {
        const id = event.messageId as string;
        const isSpan = type === EventType.REASONING_END;
        if (!(isSpan ? this.openReasoningSpans : this.openReasoningMessages).has(id)) {
          return isSpan
            ? finding(
                'RS2',
                `Cannot send 'REASONING_END' event: No active reasoning span found with ID '${id}'. A 'REASONING_START' event must be sent first.`,
              )
            : finding(
                'RM2',
                `Cannot send '${type}' event: No active reasoning message found with ID '${id}'. Start a reasoning message with 'REASONING_MESSAGE_START' first.`,
              );
        }
        return tagMismatch(type, event.subagentRunId, this.owners.reasoning.get(id), 'reasoning message', id);
      }
      case EventType.REASONING_ENCRYPTED_VALUE: {
        const id = event.entityId as string;
        const subtype = event.subtype;
        // "message" covers both text and reasoning messages; ids are unique per kind so at most one bucket hits.
        const owner =
          subtype === 'tool-call'
            ? this.owners.toolCall.get(id)
            : subtype === 'message'
              ? (this.owners.message.get(id) ?? this.owners.reasoning.get(id))
              : this.owners.reasoning.get(id);
        const kind = subtype === 'tool-call' ? 'tool call' : subtype === 'message' ? 'message' : 'reasoning message';
        return tagMismatch(type, event.subagentRunId, owner, kind, id);
      }
      case EventType.ACTIVITY_DELTA: {
        const id = event.messageId as string;
        return tagMismatch(type, event.subagentRunId, this.owners.activity.get(id), 'activity', id);
      }
      case EventType.SUBAGENT_STARTED:
        return this.checkSubagentStarted(event);
      case EventType.SUBAGENT_FINISHED:
      case EventType.SUBAGENT_ERROR: {
        if (typeof event.subagentRunId !== 'string') {
          return finding('SA5', `Cannot send '${type}' without a 'subagentRunId'.`);
        }
        if (type === EventType.SUBAGENT_ERROR && typeof event.message !== 'string') {
          return finding('SA5', `Cannot send 'SUBAGENT_ERROR' without a 'message'.`);
        }
        if (this.activeSubagents.has(event.subagentRunId)) return null;
        return finding(
          'SA4',
          `Cannot send '${type}': no active subagent found with ID '${event.subagentRunId}'. A 'SUBAGENT_STARTED' event must be sent first.`,
        );
      }
      case EventType.MESSAGES_SNAPSHOT:
        return this.checkReplayedMessages(event.messages);
      case EventType.RUN_STARTED:
        return this.checkReplayedMessages(((event.input ?? {}) as { messages?: unknown }).messages);
      case EventType.RUN_FINISHED:
        return this.checkRunFinished();
      default:
        return null;
    }
  }

  private checkSubagentFields(event: BaseEvent, optionals: readonly string[]): RuleFinding | null {
    const type = event.type;
    for (const field of optionals) {
      if (event[field] === null) {
        return finding('N2', `Cannot send '${type}' with '${field}: null'. The field is optional — omit it entirely.`);
      }
    }
    // Read on all three lifecycle types, as the verifier does; only SUBAGENT_FINISHED defines `outcome`.
    const outcome = event.outcome as { type?: unknown; interruptIds?: unknown } | null | undefined;
    if (outcome !== undefined && outcome !== null && outcome.type !== 'success' && outcome.type !== 'suspended') {
      return finding(
        'SA6',
        `Cannot send '${type}' with outcome type '${String(outcome.type)}'. The outcome is either { type: "success" } or { type: "suspended" }.`,
      );
    }
    if (outcome && outcome.interruptIds === null) {
      return finding(
        'N2',
        `Cannot send '${type}' with 'outcome.interruptIds: null'. The field is optional — omit it entirely.`,
      );
    }
    if (outcome && Array.isArray(outcome.interruptIds) && outcome.interruptIds.some((id) => typeof id !== 'string')) {
      return finding(
        'SA7',
        `Cannot send '${type}' with a non-string entry in 'outcome.interruptIds'. Interrupt ids are strings.`,
      );
    }
    return null;
  }

  private checkToolCallStart(event: BaseEvent): RuleFinding | null {
    const id = event.toolCallId as string;
    if (this.openToolCalls.has(id)) {
      return finding(
        'TC1',
        `Cannot send 'TOOL_CALL_START' event: A tool call with ID '${id}' is already in progress. Complete it with 'TOOL_CALL_END' first.`,
      );
    }
    const parentMessageId = event.parentMessageId as string | undefined;
    const tag = event.subagentRunId as string | undefined;
    const inherited = parentMessageId !== undefined ? this.owners.message.get(parentMessageId) : undefined;
    if (inherited && tag !== undefined && tag !== inherited.subagentRunId) {
      return finding(
        'O2',
        `Cannot send 'TOOL_CALL_START': subagentRunId '${tag}' does not match its parent message '${parentMessageId}' owner '${ownerLabel(inherited.subagentRunId)}'. A tool call belongs to the message that carries it.`,
      );
    }
    const existing = this.owners.toolCall.get(id);
    if (!existing) return null;
    const mismatch = tagMismatch(EventType.TOOL_CALL_START, tag, existing, 'tool call', id);
    if (mismatch) return mismatch;
    // An untagged reopen's effective owner is its new parent message's owner, which must match the recorded one.
    if (tag === undefined && inherited && inherited.subagentRunId !== existing.subagentRunId) {
      return finding(
        'O3',
        `Cannot send 'TOOL_CALL_START': tool call '${id}' is owned by '${ownerLabel(existing.subagentRunId)}' but its parent message '${parentMessageId}' is owned by '${ownerLabel(inherited.subagentRunId)}'. A tool call belongs to the message that carries it.`,
      );
    }
    return null;
  }

  private checkSubagentStarted(event: BaseEvent): RuleFinding | null {
    const id = event.subagentRunId;
    if (typeof id !== 'string') return finding('SA5', `Cannot send 'SUBAGENT_STARTED' without a 'subagentRunId'.`);
    if (typeof event.name !== 'string') return finding('SA5', `Cannot send 'SUBAGENT_STARTED' without a 'name'.`);
    if (this.activeSubagents.has(id)) {
      return finding(
        'SA1',
        `Cannot send 'SUBAGENT_STARTED': subagent '${id}' is already active. Finish it with 'SUBAGENT_FINISHED' first.`,
      );
    }
    if (this.closedSubagents.has(id)) {
      return finding(
        'SA2',
        `Cannot send 'SUBAGENT_STARTED': subagent '${id}' has already finished in this run. Subagent IDs are per-invocation and cannot be reused.`,
      );
    }
    const parent = event.parentSubagentRunId as string | undefined;
    if (parent !== undefined && !this.activeSubagents.has(parent) && !this.closedSubagents.has(parent)) {
      return finding(
        'SA3',
        `Cannot send 'SUBAGENT_STARTED': parentSubagentRunId '${parent}' has not been started in this run.`,
      );
    }
    return null;
  }

  private checkReplayedMessages(raw: unknown): RuleFinding | null {
    for (const message of replayedMessages(raw)) {
      if (!message || typeof message.id !== 'string') continue;
      if (message.subagentRunId === null) {
        return finding(
          'N4',
          `Cannot send a message (id '${message.id}') with 'subagentRunId: null'. The field is optional — omit it entirely.`,
        );
      }
    }
    return null;
  }

  private checkRunFinished(): RuleFinding | null {
    const steps: string[] = [];
    for (const [owner, names] of this.steps) {
      for (const name of names) steps.push(owner !== undefined ? `${name} (subagent '${owner}')` : name);
    }
    if (steps.length > 0) {
      return finding('R5', `Cannot send 'RUN_FINISHED' while steps are still active: ${steps.join(', ')}`);
    }
    const open: [Iterable<string>, number, string][] = [
      [this.openMessages, this.openMessages.size, 'text messages'],
      [this.openReasoningMessages, this.openReasoningMessages.size, 'reasoning messages'],
      [this.openReasoningSpans, this.openReasoningSpans.size, 'reasoning spans'],
      [this.openToolCalls.keys(), this.openToolCalls.size, 'tool calls'],
      [this.activeSubagents.keys(), this.activeSubagents.size, 'subagents'],
    ];
    for (const [ids, size, what] of open) {
      if (size > 0) {
        return finding('R5', `Cannot send 'RUN_FINISHED' while ${what} are still active: ${[...ids].join(', ')}`);
      }
    }
    return null;
  }

  /** The first owner other than `owner` with `name` open, in owner insertion order (the verifier's search). */
  private stepHolder(name: string, owner: string | undefined): { found: boolean; owner: string | undefined } {
    for (const [holder, names] of this.steps) {
      if (holder !== owner && names.has(name)) return { found: true, owner: holder };
    }
    return { found: false, owner: undefined };
  }

  /**
   * The verifier's state transition for `event`. For an event that passed every check this is exactly the
   * verifier's; for one that broke a rule it does what the sender evidently meant where that is unambiguous (a close
   * closes, an opener opens, a RUN_FINISHED ends the run) and nothing where it is not (a continuation with no opener).
   * Nulls the verifier rejects are read as absent.
   */
  private apply(event: BaseEvent): void {
    switch (event.type) {
      case EventType.RUN_STARTED: {
        // Also on a forced RUN_STARTED mid-run: the sender is starting over, the old run's entities are abandoned.
        this.clearRun();
        this.phase = 'active';
        this.threadId = event.threadId as string;
        this.runId = event.runId as string;
        this.seedOwners(((event.input ?? {}) as { messages?: unknown }).messages, false);
        return;
      }
      case EventType.RUN_FINISHED:
        // Nothing but RUN_STARTED (which resets) or RUN_ERROR can follow, so entities left open are dropped.
        this.clearRun();
        this.phase = 'finished';
        return;
      case EventType.RUN_ERROR:
        this.clearRun();
        this.phase = 'errored';
        return;
      case EventType.TEXT_MESSAGE_START: {
        const id = event.messageId as string;
        this.openMessages.add(id);
        // First writer wins: an untagged reopen must not hand a subagent's message back to the parent.
        if (!this.owners.message.has(id)) this.owners.message.set(id, { subagentRunId: tagOf(event) });
        return;
      }
      case EventType.TEXT_MESSAGE_END:
        this.openMessages.delete(event.messageId as string);
        return;
      case EventType.TOOL_CALL_START: {
        const id = event.toolCallId as string;
        if (this.openToolCalls.has(id)) return;
        const parentMessageId = event.parentMessageId as string | undefined;
        this.openToolCalls.set(id, {
          toolCallId: id,
          toolCallName: event.toolCallName as string,
          ...(parentMessageId !== undefined ? { parentMessageId } : {}),
        });
        if (!this.owners.toolCall.has(id)) {
          const tag = tagOf(event);
          const inherited = parentMessageId !== undefined ? this.owners.message.get(parentMessageId) : undefined;
          // An untagged call belongs to whoever owns the message that carries it.
          this.owners.toolCall.set(
            id,
            tag !== undefined ? { subagentRunId: tag } : (inherited ?? { subagentRunId: undefined }),
          );
        }
        return;
      }
      case EventType.TOOL_CALL_END:
        this.openToolCalls.delete(event.toolCallId as string);
        return;
      case EventType.TOOL_CALL_RESULT:
        // Mints the tool message; the newest mint owns it (the executor may differ from the caller).
        if (typeof event.messageId === 'string')
          this.owners.message.set(event.messageId, { subagentRunId: tagOf(event) });
        return;
      case EventType.STEP_STARTED: {
        const owner = tagOf(event);
        let names = this.steps.get(owner);
        if (!names) {
          names = new Set();
          this.steps.set(owner, names);
        }
        names.add(event.stepName as string);
        return;
      }
      case EventType.STEP_FINISHED: {
        const name = event.stepName as string;
        const owner = tagOf(event);
        if (this.steps.get(owner)?.delete(name)) return;
        // Misattributed close: it was meant for the step of that name, wherever it is open.
        const other = this.stepHolder(name, owner);
        if (other.found) this.steps.get(other.owner)?.delete(name);
        return;
      }
      case EventType.REASONING_START:
      case EventType.REASONING_MESSAGE_START: {
        const id = event.messageId as string;
        (event.type === EventType.REASONING_START ? this.openReasoningSpans : this.openReasoningMessages).add(id);
        if (!this.owners.reasoning.has(id)) this.owners.reasoning.set(id, { subagentRunId: tagOf(event) });
        return;
      }
      case EventType.REASONING_MESSAGE_END:
        this.openReasoningMessages.delete(event.messageId as string);
        return;
      case EventType.REASONING_END:
        this.openReasoningSpans.delete(event.messageId as string);
        return;
      case EventType.ACTIVITY_SNAPSHOT: {
        const id = event.messageId as string;
        // Only a replacing snapshot re-mints (and so re-owns) an existing activity.
        if (!this.owners.activity.has(id) || event.replace !== false) {
          this.owners.activity.set(id, { subagentRunId: tagOf(event) });
        }
        return;
      }
      case EventType.SUBAGENT_STARTED: {
        const id = event.subagentRunId;
        if (typeof id !== 'string' || this.activeSubagents.has(id)) return;
        // A forced reuse of a finished id makes it live again so it can be finished.
        this.closedSubagents.delete(id);
        this.activeSubagents.set(id, typeof event.name === 'string' ? event.name : '');
        return;
      }
      case EventType.SUBAGENT_FINISHED:
      case EventType.SUBAGENT_ERROR: {
        const id = event.subagentRunId;
        if (typeof id === 'string' && this.activeSubagents.delete(id)) this.closedSubagents.add(id);
        return;
      }
      case EventType.MESSAGES_SNAPSHOT:
        this.seedOwners(event.messages, true);
        return;
      default:
        return;
    }
  }

  /**
   * Replayed history puts message (and tool call) ids on the wire, so their owners go on record like an opener's.
   * A snapshot is authoritative (the reducer replaces the messages); the RUN_STARTED input echo only fills gaps.
   */
  private seedOwners(raw: unknown, authoritative: boolean): void {
    for (const message of replayedMessages(raw)) {
      if (!message || typeof message.id !== 'string') continue;
      const owner: Owner = { subagentRunId: (message.subagentRunId ?? undefined) as string | undefined };
      const bucket =
        message.role === 'reasoning'
          ? this.owners.reasoning
          : message.role === 'activity'
            ? this.owners.activity
            : this.owners.message;
      if (authoritative || !bucket.has(message.id)) bucket.set(message.id, owner);
      if (!Array.isArray(message.toolCalls)) continue;
      for (const call of message.toolCalls as ({ id?: unknown } | null)[]) {
        if (call && typeof call.id === 'string' && (authoritative || !this.owners.toolCall.has(call.id))) {
          this.owners.toolCall.set(call.id, owner);
        }
      }
    }
  }

  private clearRun(): void {
    for (const collection of this.runCollections) if (collection.size > 0) collection.clear();
  }
}
