import { type BaseEvent, EventType } from '@ag-ui/core';
import type { JsonObject, JsonValue } from '../../shared/scenario';
import { type AgoraErrorCode, type EventSink, type OutgoingEvent, outgoing, runError } from '../agui/events';
import { type ApprovalAnswer, type RunRequest, runStartedFor } from '../agui/run-input';
import type { RunRuleFinding } from '../agui/sequence-tracker';
import type { RequestValidationError } from '../http/http-errors';
import { type ConversationEndpoint, noMatchingScenarioMessage } from './no-matching-scenario';
import { answerRefusal, type PausedRun } from './paused-run';
import { isTerminal, takeOverFinding } from './run-control';
import { RunView } from './run-view';
import type { ScenarioCatalogue } from './scenario-catalogue';
import { type RunEnd, ScenarioPlayer, type StopReason } from './scenario-player';
import type { ScenarioProgram } from './scenario-program';
import { applyStateDelta } from './state-delta';

/** Told about each run of a conversation: the session store records runs as sessions, the connection shows them. */
export interface RunObserver {
  runStarted?(request: RunRequest): void;
  /** Every event of the run, in order, after it went to the sink. */
  event?(request: RunRequest, event: OutgoingEvent): void;
  /** A `setContext` step of the run wrote these values (between the events before and after it). */
  contextSet?(request: RunRequest, values: JsonObject): void;
  runEnded?(request: RunRequest, end: RunEnd): void;
}

export interface ConversationOptions {
  catalogue: ScenarioCatalogue;
  /** The scenarios this conversation's endpoint plays (all by default). */
  scenarios?: ReadonlySet<string> | '*';
  /** The endpoint it plays for, named where a run no scenario matches is told so. */
  endpoint?: ConversationEndpoint;
  sink: EventSink;
  /** The server's origin as this client reached it. */
  origin: string;
  speed: () => number;
  approvalTimeoutMs: () => number;
  observer?: RunObserver;
  /**
   * How approval steps play: `wait` for AGORA's mid-run answer (WebSocket, the default), or `interrupt`: the run
   * ends with an AG-UI interrupt and the next run's `resume` entry for it continues the scenario (HTTP/SSE).
   */
  approvals?: 'wait' | 'interrupt';
  /**
   * What a client's run request does while a run plays: `cancel` it (closed cleanly, the default: a new POST on
   * an HTTP thread), or `queue` the request and start it once the runs before it ended, in order (AGORA's `/ws`,
   * as its Python mock reads one frame after the other).
   */
  whileRunning?: 'queue' | 'cancel';
  /** Requests kept waiting at most (queue policy); one more is refused. Default `DEFAULT_MAX_QUEUED_RUNS`. */
  maxQueuedRuns?: number;
  /**
   * Bytes the waiting requests may hold together (queue policy; `QueuedRun.bytes` summed); one that would take them
   * over is refused, unless nothing waits. Default `DEFAULT_MAX_QUEUED_BYTES`.
   */
  maxQueuedBytes?: number;
}

/**
 * A run request waiting its turn as the client sent it (a frame's text): read, and its RunRequest built, only when
 * its turn comes, so what waits holds its text and nothing parsed.
 */
export interface QueuedRun {
  /** What it holds while it waits (the frame's size). */
  readonly bytes: number;
  /** The request, once its turn comes; undefined to skip it (it said why to its client itself). */
  read(): RunRequest | undefined;
}

/** Small: a client that sends more than this during one answer is not waiting for answers any more. */
export const DEFAULT_MAX_QUEUED_RUNS = 8;

/** A few frames of the default `maxPayloadBytes` (1 MiB): what one connection's waiting requests may hold. */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * Thread ids a conversation remembers having run (for `firstRun`); a socket that sends more starts forgetting,
 * oldest first. Ids are at most `MAX_ID_LENGTH` characters, so this is a few dozen KiB at most per connection.
 */
export const THREADS_REMEMBERED = 100;

/** Why a client message was not acted on, for the client's error reply. */
export type Refusal = { errorCode: AgoraErrorCode; message: string; details?: unknown };

/**
 * One client's conversation (a WebSocket connection, an HTTP thread): at most one run at a time, the requests
 * waiting for it (queue policy), the conversation context scenarios branch on, the thread's state as the last run
 * left it, and the approval the current run may be waiting for.
 */
export class Conversation {
  /** Values scenarios set with `setContext` (e.g. `inspectionStarted`) and trigger and branch on. */
  readonly context: Record<string, JsonValue> = Object.create(null);
  private player: ScenarioPlayer | undefined;
  /** The run that ended at an interrupt, until a run resumes it (or any other run starts). */
  private paused: PausedRun | undefined;
  /** Threads that had a run here, oldest first. */
  private readonly threadsRun = new Set<string>();
  /** The thread's state as the last run left it, for a request that does not carry one. */
  private threadState: { threadId: string; state: JsonValue } | undefined;
  /** Run requests that arrived while a run played (queue policy), oldest first; non-empty only while one plays. */
  private readonly queued: QueuedRun[] = [];
  /** `bytes` of what is queued, summed. */
  private queuedBytes = 0;
  private closed = false;

  constructor(private readonly options: ConversationOptions) {}

  get activeRunId(): string | null {
    return this.player?.isActive ? this.player.runId : null;
  }

  /** The interrupt a run ended with and no run has answered yet. */
  get pendingInterruptId(): string | null {
    return this.paused?.interruptId ?? null;
  }

  /**
   * Why `request` cannot resume the paused run: its answer's payload does not satisfy the interrupt's
   * `responseSchema` (see `answerRefusal`). Undefined when it can, or does not answer the interrupt. Asked before
   * the request is run, which would start afresh instead; the run stays paused either way.
   */
  answerRefusal(request: RunRequest): RequestValidationError | undefined {
    return this.paused && answerRefusal(this.paused, request.resume);
  }

  /**
   * Takes over what `previous` knew of the conversation (context, threads run, the thread's state): a client that
   * went away mid-run leaves a conversation that is replaced (HTTP), but its thread goes on.
   */
  continueFrom(previous: Conversation): void {
    Object.assign(this.context, previous.context);
    for (const threadId of previous.threadsRun) this.threadsRun.add(threadId);
    this.threadState = previous.threadState;
  }

  /** The state of `threadId` as its last run here left it (undefined when none did). */
  stateOf(threadId: string): JsonValue | undefined {
    return this.threadState?.threadId === threadId ? this.threadState.state : undefined;
  }

  /**
   * A client's run request: the continuation of a paused run when it resumes its interrupt, else the scenario
   * whose trigger matches the last user message. While a run plays it is cancelled cleanly first (`cancel`), or
   * the request waits its turn (`queue`); a full queue refuses it and leaves everything as it was.
   */
  run(request: RunRequest | QueuedRun): Refusal | undefined {
    if (this.closed) return undefined;
    if (this.queues) {
      const entry: QueuedRun = 'read' in request ? request : { bytes: 0, read: () => request };
      const refusal = this.queueRefusal(entry.bytes);
      if (refusal) return refusal;
      this.queued.push(entry);
      this.queuedBytes += entry.bytes;
      return undefined;
    }
    const now = 'read' in request ? request.read() : request;
    if (!now) return undefined;
    this.replace('new_run');
    this.start(now);
    return undefined;
  }

  /** Whether a run request now would wait its turn (a run plays, and requests queue here). */
  get queues(): boolean {
    return !this.closed && this.activeRunId !== null && this.options.whileRunning === 'queue';
  }

  /**
   * Why a run request of `bytes` would be refused now, before anything is read of it: the queue is full, by count or
   * by bytes (`run_queue_full`). Undefined when it would be queued or started.
   */
  queueRefusal(bytes: number): Refusal | undefined {
    if (!this.queues) return undefined;
    const limit = this.options.maxQueuedRuns ?? DEFAULT_MAX_QUEUED_RUNS;
    const maxQueuedBytes = this.options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    const activeRunId = this.activeRunId;
    if (this.queued.length >= limit) {
      return {
        errorCode: 'run_queue_full',
        message: `A run is playing and ${limit} messages already wait for it, the most this connection queues; this message was dropped: send it again after the next RUN_FINISHED`,
        details: { limit, activeRunId },
      };
    }
    // One request always fits in an empty queue, however big (the frame limit bounds it).
    if (this.queued.length > 0 && this.queuedBytes + bytes > maxQueuedBytes) {
      return {
        errorCode: 'run_queue_full',
        message: `A run is playing and the ${this.queued.length} messages waiting for it hold ${this.queuedBytes} bytes; with this one (${bytes} bytes) they would pass ${maxQueuedBytes}, the most this connection queues; this message was dropped: send it again after the next RUN_FINISHED`,
        details: { limit, maxQueuedBytes, queuedBytes: this.queuedBytes, bytes, activeRunId },
      };
    }
    return undefined;
  }

  /** What waits: requests and their bytes (the console, tests). */
  get queueSize(): { runs: number; bytes: number } {
    return { runs: this.queued.length, bytes: this.queuedBytes };
  }

  /**
   * Plays `program` as a new run now (the console's "run on this connection"): a run in progress is cancelled
   * cleanly (its unanswered tool calls get a result naming `reason`); queued requests keep waiting, for after it.
   */
  runNow(request: RunRequest, program: ScenarioProgram, reason: StopReason): void {
    if (this.closed) return;
    this.replace(reason);
    this.start(request, program);
  }

  /** Cancels the current run without starting what waits for it (the caller starts a run at once). */
  private replace(reason: StopReason): void {
    const player = this.player;
    this.player = undefined;
    player?.cancel(reason);
  }

  private start(request: RunRequest, program?: ScenarioProgram): void {
    const paused = this.paused;
    this.paused = undefined;
    const entry = paused && request.resume.find((resume) => resume.interruptId === paused.interruptId);
    const resume = paused && entry ? { paused, answer: { status: entry.status, payload: entry.payload } } : undefined;
    const view = new RunView(request, this.context, !this.threadsRun.has(request.threadId));
    this.rememberThread(request.threadId);
    program ??= resume?.paused.program ?? this.options.catalogue.match(view, this.options.scenarios);
    const { observer, sink } = this.options;
    observer?.runStarted?.(request);
    // Once the client is gone, a stopped run's closing events still reach the observers (the recorded history).
    const tap: EventSink = (event) => {
      if (!this.closed) sink(event);
      observer?.event?.(request, event);
    };
    if (!program) {
      tap(outgoing(runStartedFor(request)));
      const { endpoint, scenarios = '*', catalogue } = this.options;
      const message = noMatchingScenarioMessage(endpoint, scenarios, catalogue.size);
      tap(outgoing(runError(message, 'no_matching_scenario')));
      observer?.runEnded?.(request, 'errored');
      this.startNext();
      return;
    }
    const player = new ScenarioPlayer({
      program,
      request,
      sink: tap,
      origin: this.options.origin,
      context: this.context,
      view,
      // The client's state when it sends one (AG-UI clients always do); else what the thread's last run left.
      state: (request.state ?? this.stateOf(request.threadId) ?? {}) as JsonValue,
      onContextSet: observer?.contextSet && ((values) => observer.contextSet?.(request, values)),
      speed: this.options.speed,
      approvalTimeoutMs: this.options.approvalTimeoutMs,
      approvals: this.options.approvals ?? 'wait',
      resume,
      onEnd: (end) => {
        // A run replaced by another is no longer current: what waits is for after the run that replaced it.
        const current = this.player === player;
        if (current) this.player = undefined;
        const state = player.state;
        if (state !== undefined) this.threadState = { threadId: request.threadId, state };
        if (end === 'interrupted') this.paused = player.paused;
        observer?.runEnded?.(request, end);
        if (current) this.startNext();
      },
    });
    this.player = player;
    player.start();
  }

  private rememberThread(threadId: string): void {
    this.threadsRun.delete(threadId);
    this.threadsRun.add(threadId);
    if (this.threadsRun.size > THREADS_REMEMBERED) {
      const oldest = this.threadsRun.values().next().value;
      if (oldest !== undefined) this.threadsRun.delete(oldest);
    }
  }

  /** Starts the oldest waiting request, if any (synchronously, so no timer is left behind). */
  private startNext(): void {
    while (!this.closed) {
      const next = this.queued.shift();
      if (!next) return;
      this.queuedBytes -= next.bytes;
      const request = next.read();
      if (request) {
        this.start(request);
        return;
      }
    }
  }

  /** The run playing now, if one is. */
  private get playing(): ScenarioPlayer | undefined {
    return this.player?.isActive ? this.player : undefined;
  }

  /**
   * What events a person is about to inject (in order, from now) would break of what this conversation knows, one
   * entry per event: a close of an item the playing scenario opened (SC1), a STATE_DELTA that does not apply to
   * the thread's state (ST1): the playing run's state (its client's at the start, and every snapshot and delta
   * since, injected ones included), or between runs what the last run on `threadId` left. Where the state is not
   * known, deltas are not checked. Nothing changes.
   */
  checkInjected(events: readonly BaseEvent[], threadId: string | undefined): (RunRuleFinding | null)[] {
    let player = this.playing;
    let state = player ? player.state : threadId === undefined ? undefined : this.stateOf(threadId);
    const closed = new Set<string>();
    return events.map((event) => {
      if (isTerminal(event)) {
        player = undefined;
        return null;
      }
      if (event.type === EventType.STATE_SNAPSHOT) {
        state = event.snapshot as JsonValue;
        return null;
      }
      if (event.type === EventType.STATE_DELTA) {
        if (state === undefined) return null;
        const applied = applyStateDelta(state, event.delta);
        if ('problem' in applied) return { rule: 'ST1', message: applied.problem };
        state = applied.state;
        return null;
      }
      const item = player?.ownedItemClosedBy(event);
      if (!item || closed.has(`${item.kind} ${item.id}`)) return null;
      closed.add(`${item.kind} ${item.id}`);
      return takeOverFinding(event, { ...item, role: 'close' });
    });
  }

  /**
   * A person's event went out on this conversation's connection (after what the run sent so far). The playing run
   * follows it (`ScenarioPlayer.injected`): a RUN_FINISHED or RUN_ERROR ends it there, and its observers get that
   * event as the run's last (its recorded history ends as its client's stream did); what waits starts after it. A
   * close of an item the run opened goes to its observers too: the run sends no close of its own for it.
   * Between runs a state event moves the state kept for `threadId`.
   */
  injected(event: OutgoingEvent, threadId: string | undefined): void {
    const player = this.playing;
    if (player) {
      if (isTerminal(event.event) || player.ownedItemClosedBy(event.event))
        this.options.observer?.event?.(player.request, event);
      player.injected(event.event);
      return;
    }
    if (threadId === undefined) return;
    if (event.event.type === EventType.STATE_SNAPSHOT) {
      this.threadState = { threadId, state: event.event.snapshot as JsonValue };
    } else if (event.event.type === EventType.STATE_DELTA) {
      const state = this.stateOf(threadId);
      if (state === undefined) return;
      const applied = applyStateDelta(state, event.event.delta);
      if ('state' in applied) this.threadState = { threadId, state: applied.state };
    }
  }

  /** Routes an approval answer to the waiting run; says why when there is none or the id is wrong. */
  answerApproval(answer: ApprovalAnswer): Refusal | undefined {
    const player = this.player;
    const result = player?.answerApproval(answer) ?? 'not-waiting';
    if (result === 'accepted') return undefined;
    if (result === 'not-waiting') {
      return { errorCode: 'no_pending_approval', message: 'No approval is pending on this connection' };
    }
    return {
      errorCode: 'unknown_approval_id',
      message: `Unknown approvalId ${JSON.stringify(answer.approvalId)}; the pending approval is ${player?.pendingApprovalId}`,
    };
  }

  /**
   * The client is gone (or the engine ends its stream, for `reason`): drop what waits, stop the run's timers at once
   * and send nothing more. The run still closes what it opened for the observers, so its recorded history has a
   * result for every tool call.
   */
  close(reason: StopReason = 'client_gone'): void {
    if (this.closed) return;
    this.closed = true;
    this.queued.length = 0;
    this.queuedBytes = 0;
    const player = this.player;
    this.player = undefined;
    player?.stop(reason);
  }
}
