import { randomUUID } from 'node:crypto';
import { type BaseEvent, EventType, type Interrupt } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import type { Operation } from 'fast-json-patch';
import type { JsonObject, JsonValue } from '../../shared/scenario';
import {
  spokenContentJson,
  stepJson,
  textContentJson,
  toolCallArgsJson,
  toolCallEndJson,
  toolCallResultJson,
  toolCallStartJson,
} from '../agui/event-json';
import {
  AgoraEventName,
  customEvent,
  type EventSink,
  runError,
  runFinished,
  stepFinished,
  textMessageEnd,
  toolCallEnd,
  toolCallResult,
} from '../agui/events';
import { type ApprovalAnswer, type RunRequest, runStartedFor } from '../agui/run-input';
import { valueAt } from '../http/validation';
import { type SlicedTimer, slicedTimeout } from '../support/sliced-timer';
import { type RenderBudget, renderSession, spendOnValue } from '../templates/template-engine';
import {
  approvalAnswer,
  approvalInterrupt,
  checkApprovalAnswer,
  type PausedRun,
  type ResumeAnswer,
  type StepCloser,
} from './paused-run';
import { type ItemKind, isTerminal, itemEvent } from './run-control';
import { describeValue, knownEventProblem, type UnknownField } from './run-values';
import { RunView } from './run-view';
import { eventProblem, toolContent, toolStartFields } from './scenario-compiler';
import type { Op, OpOf, ScenarioProgram, TextChunk } from './scenario-program';
import { toSpokenText } from './spoken-text';
import { applyStateDelta } from './state-delta';
import type { RenderContext, ScenarioScope } from './template';

export interface ScenarioPlayerOptions {
  program: ScenarioProgram;
  request: RunRequest;
  sink: EventSink;
  /** The server's origin as this client reached it (for links in answers). */
  origin: string;
  /** Conversation context shared by the runs of one conversation; `setContext` steps write to it. */
  context: Record<string, JsonValue>;
  /** The run as conditions read it (branches); by default the request and `context`, not a first run. */
  view?: RunView;
  /**
   * The thread's state when the run starts (what the request carries, or what earlier runs left): snapshots
   * replace it, deltas are applied to it and refused when they do not apply. Undefined: not known (a dry run).
   */
  state?: JsonValue;
  /** Told the values of each `setContext` step as it plays (context leaves no frame; a recording needs it). */
  onContextSet?: (values: JsonObject) => void;
  /** Multiplies every delay of the scenario; read at each delay so a change applies at once. 0 = no delays. */
  speed: () => number;
  /** Default wait for an approval answer in real ms; 0 waits forever. */
  approvalTimeoutMs: () => number;
  /** Called synchronously when the run ends, before `done` resolves (so a following run sees a clean slate). */
  onEnd?: (end: RunEnd) => void;
  /**
   * `wait` (AGORA's WebSocket): send `agora:tool_approval_request` and wait for the answer mid-run.
   * `interrupt` (AG-UI 1.0, for HTTP/SSE): end the run with `RUN_FINISHED {outcome: interrupt}`; see `paused`.
   * `interrupt` steps always end the run this way.
   */
  approvals?: 'wait' | 'interrupt';
  /** Continue a paused run (from `paused` of the run that ended at the interrupt) with the client's answer. */
  resume?: { paused: PausedRun; answer: ResumeAnswer };
  /** A dry run: every decision (branch, chance, answer) is the chooser's; delays are skipped. */
  chooser?: Chooser;
  /**
   * Told where and why the engine itself ended the run with RUN_ERROR (a delta that does not apply, …), and the
   * RUN_ERROR's code (`invalid_event`, `state_delta_failed`, `processing_error` for a template that failed).
   */
  onFault?: (path: string, message: string, code: string) => void;
  /**
   * A dry run: the fields of `event` (made by the op being played) whose values come from the run — the request,
   * the client's state, earlier runs — and which it therefore does not know (`run-values.ts`). Their values are
   * not checked against the AG-UI schemas here: a real run checks them as it sends the event.
   */
  unknownFields?: (event: Record<string, unknown>) => readonly UnknownField[];
  /** What its templates may still write, when it is not the run's own: a dry run's paths share one. */
  renderBudget?: RenderBudget;
}

/** What a dry run decides at each fork of a scenario, instead of conditions, chance or a person. */
export interface Chooser {
  /** One of `options` ways on at the op written at `path`. */
  choose(kind: 'branch' | 'random' | 'approval' | 'resume', options: number, path: string): number;
}

/** How a run ended: played to the end, errored (a RUN_ERROR), cancelled (closed cleanly), stopped
 * (its client is gone), or interrupted (it can be resumed). */
export type RunEnd = 'finished' | 'errored' | 'cancelled' | 'stopped' | 'interrupted';

/**
 * Why a run was stopped before its end; named in the result of every tool call it leaves unanswered. The last three
 * are the engine's own reasons to end an HTTP stream (the `RUN_ERROR` code its client gets).
 */
export type StopReason = 'new_run' | 'console' | 'client_gone' | 'server_shutdown' | 'agent_changed' | 'stream_error';

const STOP_MESSAGES: Record<StopReason, string> = {
  new_run: 'Cancelled: a new run started before this tool call finished',
  console: 'Cancelled from the mock console before this tool call finished',
  client_gone: 'Cancelled: the client disconnected before this tool call finished',
  server_shutdown: 'Cancelled: the mock server shut down before this tool call finished',
  agent_changed: 'Cancelled: the agent was changed or removed in the mock before this tool call finished',
  stream_error: 'Cancelled: the mock could not go on with this stream before this tool call finished',
};

/**
 * The `TOOL_CALL_RESULT` content a stopped run gives each tool call it opened and did not answer, so no client
 * waits for that result forever: `{"cancelled":true,"reason":"new_run","message":"Cancelled: …"}`.
 */
export function cancelledToolContent(reason: StopReason): string {
  return JSON.stringify({ cancelled: true, reason, message: STOP_MESSAGES[reason] });
}

export type ApprovalResult = 'accepted' | 'not-waiting' | 'unknown-approval-id';

type OpenItem = { kind: ItemKind; id: string };
type ApprovalOutcome = 'approved' | 'rejected' | 'timeout';

/** One nesting level of the play loop: the ops still to play there, and the step it closes when done. */
interface Frame {
  ops: readonly Op[];
  next: number;
  closesStep: StepCloser | undefined;
}

/** What the play loop waits for: a scripted delay (real ms) or an approval answer. */
type Wait = { kind: 'delay'; ms: number } | { kind: 'approval'; timeoutMs: number };
type Play = Generator<Wait, void, ApprovalOutcome | undefined>;

/** Thrown inside the play loop once the run is no longer running, to unwind it. */
const STOPPED = Symbol('stopped');

const APPROVAL_OUTCOMES: readonly ApprovalOutcome[] = ['approved', 'rejected', 'timeout'];

/**
 * Plays one scenario as one AG-UI run into an event sink, transport-independent (WebSocket, SSE).
 *
 * The stream is always well formed: RUN_STARTED first; whatever the scenario left open (text messages,
 * tool calls, steps, reasoning, spoken text) is closed before RUN_FINISHED; `cancel()` closes it the same way,
 * answers every tool call it left unanswered with a cancelled result, and ends with `RUN_FINISHED {outcome:
 * cancelled}`. The thread's state follows every snapshot and delta; a delta that does not apply ends the run with
 * RUN_ERROR naming the op. Delays follow a planned timeline (each wait is due relative to the previous one, not to
 * when the timer fired), so a loaded process catches up instead of drifting; a run holds at most one timer, run in
 * slices (`sliced-timer.ts`) so a thousand runs do not keep I/O waiting.
 *
 * The play loop is a generator: it runs synchronously until it has to wait, so a delay-free run (and a dry run)
 * plays in one go.
 */
export class ScenarioPlayer {
  readonly threadId: string;
  readonly runId: string;
  /** Resolves once the run has ended, however it ended. */
  readonly done: Promise<RunEnd>;
  private phase: 'ready' | 'running' | RunEnd = 'ready';
  private readonly options: ScenarioPlayerOptions;
  private readonly render: RenderContext;
  private readonly scope: ScenarioScope;
  private readonly view: RunView;
  private readonly open: OpenItem[] = [];
  /** Tool calls started and not answered with a TOOL_CALL_RESULT yet (ended or not), in start order. */
  private readonly unresulted = new Set<string>();
  /**
   * Items a person closed from the console while the scenario had them open (`kind id`): the scenario's own
   * continuation and close of each are skipped, so the engine never sends them after the person's close.
   */
  private readonly takenOver = new Set<string>();
  private loop: Play | undefined;
  /** Whether the play loop is executing right now (a sink may call back into the player). */
  private stepping = false;
  private timer: SlicedTimer | undefined;
  private due = 0;
  private approval: { id: string; answer: (answer: ApprovalAnswer) => void } | undefined;
  /** The play loop's nesting, innermost last: what an interrupted run needs to continue later. */
  private readonly stack: Frame[] = [];
  private pausedRun: PausedRun | undefined;
  /** Whether the thread's state is known (a dry run does not know the request's). */
  private stateKnown: boolean;
  /** The op being played, for the problems a run reports. */
  private at = 'steps';
  private resolveDone: (end: RunEnd) => void = () => {};

  constructor(options: ScenarioPlayerOptions) {
    this.options = options;
    const { request } = options;
    this.threadId = request.threadId;
    this.runId = request.runId;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.scope = {
      threadId: this.threadId,
      runId: this.runId,
      userId: request.userId ?? '',
      origin: options.origin,
      lastUserMessage: request.lastUserMessage,
      lastMessage: (request.messages.at(-1) ?? null) as JsonValue,
      input: request.input as JsonObject,
      state: options.state,
      steps: Object.create(null),
      vars: Object.create(null),
      context: options.context,
    };
    this.stateKnown = options.state !== undefined;
    this.render = {
      scope: this.scope,
      session: renderSession(`scenario:${options.program.scenario.id}`, undefined, options.renderBudget),
    };
    this.view = options.view ?? new RunView(request, options.context, false);
  }

  get isActive(): boolean {
    return this.phase === 'running';
  }

  /** The request this run plays. */
  get request(): RunRequest {
    return this.options.request;
  }

  /** Where an interrupted run stopped, for the run that resumes it. */
  get paused(): PausedRun | undefined {
    return this.pausedRun;
  }

  /** The approval id this run is waiting for, if it is waiting. */
  get pendingApprovalId(): string | undefined {
    return this.approval?.id;
  }

  /** Where in the scenario the run is (`steps.2.chunks`), for the problems a dry run finds. */
  get currentStep(): string {
    return this.at;
  }

  /** The thread's state as the run left it so far (undefined when not known). */
  get state(): JsonValue | undefined {
    return this.stateKnown ? this.scope.state : undefined;
  }

  start(): void {
    if (this.phase !== 'ready') return;
    this.phase = 'running';
    this.due = performance.now();
    this.loop = this.play();
    this.advance(undefined);
  }

  /**
   * Ends the run now with a well-formed tail: open items closed, every tool call it did not answer given a
   * cancelled result (`cancelledToolContent`), then RUN_FINISHED (cancelled).
   */
  cancel(reason: StopReason): void {
    this.halt(reason, 'cancelled');
  }

  /**
   * Its client is gone (or the engine ends its stream, for `reason`): ends the run at once with the same tail as
   * `cancel`, for the run's observers (its recorded history stays whole); the sink is expected to deliver nothing
   * more.
   */
  stop(reason: StopReason = 'client_gone'): void {
    if (this.phase === 'ready') this.end('stopped');
    else this.halt(reason, 'stopped');
  }

  private halt(reason: StopReason, end: 'cancelled' | 'stopped'): void {
    if (this.phase !== 'running') return;
    this.clearTimer();
    this.approval = undefined;
    this.closeOpen(reason);
    this.send(runFinished(this.threadId, this.runId, 'cancelled'));
    this.end(end);
  }

  /** The item of this run a person's `event` would close: one the scenario opened and closes itself. */
  ownedItemClosedBy(event: BaseEvent): OpenItem | undefined {
    if (this.phase !== 'running') return undefined;
    const item = itemEvent(event);
    if (item?.role !== 'close') return undefined;
    return this.open.find((open) => open.kind === item.kind && open.id === item.id);
  }

  /**
   * A person's event went out into this run (injected from the console, after everything the run sent so far). A
   * RUN_FINISHED or RUN_ERROR ends the run there, as it is: timers stopped, nothing more sent, no closing events
   * (the person's event is the run's last). A close of an item the scenario opened takes it over: the scenario
   * skips its own content and close for it. A STATE_SNAPSHOT or a delta that applies moves the state it knows (a
   * delta that does not apply leaves it, as a client does).
   */
  injected(event: BaseEvent): void {
    if (this.phase !== 'running') return;
    if (isTerminal(event)) {
      this.clearTimer();
      this.approval = undefined;
      this.open.length = 0;
      this.unresulted.clear();
      this.end(event.type === EventType.RUN_ERROR ? 'errored' : 'finished');
      return;
    }
    const owned = this.ownedItemClosedBy(event);
    if (owned) {
      this.forget(owned.kind, owned.id);
      this.takenOver.add(`${owned.kind} ${owned.id}`);
      return;
    }
    if (event.type === EventType.STATE_SNAPSHOT) this.setState(event.snapshot as JsonValue, true);
    else if (event.type === EventType.STATE_DELTA && this.stateKnown) {
      const applied = applyStateDelta(this.scope.state ?? null, event.delta);
      if ('state' in applied) this.scope.state = applied.state;
    }
  }

  /** Whether `event` continues or closes an item a person took over: then it is not sent (see `injected`). */
  private skipsTakenOver(event: BaseEvent): boolean {
    const item = itemEvent(event);
    if (!item) return false;
    const key = `${item.kind} ${item.id}`;
    if (!this.takenOver.has(key)) return false;
    // Opened again (a step of the same name): the scenario's from here on.
    if (item.role === 'open') {
      this.takenOver.delete(key);
      return false;
    }
    if (item.role === 'close') this.takenOver.delete(key);
    return true;
  }

  /** Hands the client's approval answer to the run waiting for it. */
  answerApproval(answer: ApprovalAnswer): ApprovalResult {
    const pending = this.approval;
    if (!pending || this.phase !== 'running') return 'not-waiting';
    if (pending.id !== answer.approvalId) return 'unknown-approval-id';
    // Taken at once: a second answer arriving before the run moves on finds nothing pending.
    this.approval = undefined;
    pending.answer(answer);
    return 'accepted';
  }

  /** Runs the play loop until it has to wait, then arranges to be called again when the wait is over. */
  private advance(input: ApprovalOutcome | undefined): void {
    const loop = this.loop;
    if (!loop || this.stepping) return;
    this.stepping = true;
    let next: IteratorResult<Wait, void>;
    try {
      next = loop.next(input);
    } catch (error) {
      this.stepping = false;
      this.fail(error);
      return;
    } finally {
      this.stepping = false;
    }
    if (next.done || this.phase !== 'running') return;
    const wait = next.value;
    if (wait.kind === 'delay') {
      this.timer = slicedTimeout(() => {
        this.timer = undefined;
        this.advance(undefined);
      }, wait.ms);
      return;
    }
    if (wait.timeoutMs > 0) {
      this.timer = slicedTimeout(() => {
        this.timer = undefined;
        this.approval = undefined;
        this.advance('timeout');
      }, wait.timeoutMs);
    }
  }

  /** A fault of the play loop (a template that failed, the sink): the run ends with RUN_ERROR rather than hang. */
  private fail(error: unknown): void {
    if (error === STOPPED || this.phase !== 'running') return;
    const message = `Scenario failed at ${this.at}: ${(error as Error).message}`;
    this.options.onFault?.(this.at, (error as Error).message, 'processing_error');
    try {
      this.send(runError(message, 'processing_error'));
    } catch {
      // Even RUN_ERROR could not be sent (the sink itself failed): end the run quietly.
      this.end('stopped');
    }
  }

  /** The engine ends the run with RUN_ERROR for a fault of the scenario at the op being played. */
  private fault(code: string, message: string): never {
    this.options.onFault?.(this.at, message, code);
    this.send(runError(`Step ${this.at}: ${message}`, code));
    throw STOPPED;
  }

  private *play(): Play {
    const { request, resume } = this.options;
    this.send(runStartedFor(request));
    if (resume) yield* this.playResumed(resume.paused, resume.answer);
    else yield* this.playOps(this.options.program.ops);
    this.closeOpen();
    this.send(runFinished(this.threadId, this.runId));
    this.end('finished');
  }

  private playOps(ops: readonly Op[], closesStep?: StepCloser): Play {
    return this.playFrame({ ops, next: 0, closesStep });
  }

  /** Plays a frame's ops (after `inner`, the deeper levels of a resumed run), then closes its step. */
  private *playFrame(frame: Frame, inner?: () => Play): Play {
    this.stack.push(frame);
    if (inner) yield* inner();
    while (frame.next < frame.ops.length) {
      const op = frame.ops[frame.next++] as Op;
      this.at = op.path;
      const waits = this.playOp(op);
      if (waits) yield* waits;
      if (this.phase !== 'running') throw STOPPED;
    }
    this.stack.pop();
    const step = frame.closesStep;
    // The scenario may have closed its step itself with a scripted STEP_FINISHED; never close it twice.
    if (step && this.open.some((item) => item.kind === 'step' && item.id === step.name)) {
      const timestamp = Date.now();
      this.sendSerialised(
        { type: EventType.STEP_FINISHED, stepName: step.name, timestamp } as BaseEvent,
        stepJson('STEP_FINISHED', step.nameJson, timestamp),
      );
    }
  }

  /** Plays one op; returns a generator only when the op may have to wait, so delay-free ops stay cheap. */
  private playOp(op: Op): Play | undefined {
    const render = this.render;
    switch (op.kind) {
      case 'emit':
        this.playEmit(op);
        return undefined;
      case 'wait':
        return this.sleep(op.ms);
      case 'step':
        return this.playStep(op.name.constant ?? op.name.render(render), op.nameJson, op.body);
      case 'text':
        return this.playText(op);
      case 'toolCall':
        return this.playToolCall(op);
      case 'stateSnapshot':
        this.sendState({ type: EventType.STATE_SNAPSHOT, snapshot: op.snapshot(render) }, op.constant);
        return undefined;
      case 'stateDelta':
        this.sendState({ type: EventType.STATE_DELTA, delta: op.delta(render) }, op.constant);
        return undefined;
      case 'messagesSnapshot':
        this.playMessagesSnapshot(op);
        return undefined;
      case 'custom': {
        const event: Record<string, unknown> = {
          type: EventType.CUSTOM,
          name: op.name.constant ?? op.name.render(render),
        };
        if (op.value) event.value = op.value(render);
        this.sendChecked(event, false);
        return undefined;
      }
      case 'reasoning':
        return this.playReasoning(op);
      case 'activitySnapshot': {
        const messageId = op.messageId
          ? (op.messageId.constant ?? op.messageId.render(render))
          : `activity-${randomUUID()}`;
        if (op.id) this.scope.steps[op.id] = { messageId };
        const event: Record<string, unknown> = {
          type: EventType.ACTIVITY_SNAPSHOT,
          messageId,
          activityType: op.activityType.constant ?? op.activityType.render(render),
          content: op.content(render),
        };
        if (op.replace !== undefined) event.replace = op.replace;
        this.sendChecked(event, op.validate);
        return undefined;
      }
      case 'activityDelta':
        this.sendChecked(
          {
            type: EventType.ACTIVITY_DELTA,
            messageId: op.messageId.constant ?? op.messageId.render(render),
            activityType: op.activityType.constant ?? op.activityType.render(render),
            patch: op.patch(render),
          },
          op.validate,
        );
        return undefined;
      case 'setContext': {
        const values: JsonObject = {};
        for (const [key, value] of op.values) {
          values[key] = value(render);
          this.options.context[key] = values[key];
        }
        this.options.onContextSet?.(values);
        return undefined;
      }
      case 'let':
        for (const [name, value] of op.values) this.scope.vars[name] = value.constant ?? value.render(render);
        return undefined;
      case 'branch': {
        const chooser = this.options.chooser;
        const taken = chooser ? chooser.choose('branch', 2, op.path) === 0 : op.when(this.view);
        return this.playOps(taken ? op.steps : op.otherwise);
      }
      case 'random': {
        const chooser = this.options.chooser;
        const index = chooser ? chooser.choose('random', op.branches.length, op.path) : weightedIndex(op.weights);
        return this.playOps(op.branches[index] ?? []);
      }
      case 'approval':
        return this.playApproval(op);
      case 'interrupt':
        this.playInterrupt(op);
        return undefined;
    }
  }

  private playEmit(op: OpOf<'emit'>): void {
    const event: Record<string, unknown> = { ...op.event(this.render), timestamp: Date.now() };
    if (op.validate) this.validate(event);
    if (event.type === EventType.STATE_SNAPSHOT || event.type === EventType.STATE_DELTA) {
      this.sendState(event, !op.validate);
    } else {
      this.send(event as unknown as BaseEvent);
    }
    if (op.id) this.scope.steps[op.id] = event;
  }

  /** An event built from templated data: checked against the AG-UI schemas before it goes out. */
  private sendChecked(event: Record<string, unknown>, validate: boolean): void {
    event.timestamp = Date.now();
    if (validate) this.validate(event);
    this.send(event as unknown as BaseEvent);
  }

  /**
   * Checks an event built from templates. A real run ends with RUN_ERROR `invalid_event` naming the step, the field
   * and the value the run gave it; a dry run skips the fields it does not know (`unknownFields`).
   */
  private validate(event: Record<string, unknown>): void {
    const result = EventSchemas.safeParse(event);
    if (result.success) return;
    const unknown = this.options.unknownFields?.(event);
    if (unknown) {
      const problem = knownEventProblem(result.error, unknown);
      if (problem !== undefined) this.fault('invalid_event', problem);
      return;
    }
    const issue = result.error.issues[0];
    const at = issue?.path.filter((key): key is string | number => typeof key !== 'symbol') ?? [];
    const got = issue && !/received/.test(issue.message) ? ` (got ${describeValue(valueAt(event, at))})` : '';
    this.fault(
      'invalid_event',
      `the ${String(event.type)} its templates made from this run's values (the request, the thread's state, ` +
        `the context, earlier steps' outputs) is ${eventProblem(result.error)}${got}`,
    );
  }

  /**
   * A state event: a snapshot becomes the thread's state; a delta is applied to it first, and one that does not
   * apply ends the run with RUN_ERROR naming the op (the client would fail on it too). `constant`: the event does
   * not depend on the request (a dry run knows its state from it).
   */
  private sendState(event: Record<string, unknown>, constant: boolean): void {
    event.timestamp ??= Date.now();
    const known = !this.options.chooser || constant;
    if (event.type === EventType.STATE_SNAPSHOT) {
      this.send(event as unknown as BaseEvent);
      this.setState(event.snapshot as JsonValue, known);
      return;
    }
    const delta = event.delta;
    if (!constant && this.options.unknownFields && this.options.unknownFields(event).length > 0) {
      // A dry run: a delta made from the run's values is checked, and applied, when a real run sends it.
      this.validate(event);
      this.send(event as unknown as BaseEvent);
      this.setState(undefined, false);
      return;
    }
    if (!Array.isArray(delta))
      this.fault('invalid_event', 'not a valid AG-UI event at delta: expected an array of operations');
    let next: JsonValue | undefined;
    if (this.stateKnown) next = this.applyDelta(delta as Operation[]);
    else this.validate(event);
    this.send(event as unknown as BaseEvent);
    this.setState(next, this.stateKnown && known && next !== undefined);
  }

  /**
   * The state after `delta`. One that does not apply is a fault; a dry run reports it and goes on with the state
   * unknown (undefined), so the problems after it are listed too.
   */
  private applyDelta(delta: Operation[]): JsonValue | undefined {
    const applied = applyStateDelta(this.scope.state ?? null, delta);
    if ('state' in applied) return applied.state;
    if (!this.options.chooser) return this.fault('state_delta_failed', applied.problem);
    this.options.onFault?.(this.at, applied.problem, 'state_delta_failed');
    return undefined;
  }

  private setState(state: JsonValue | undefined, known: boolean): void {
    this.scope.state = known ? state : undefined;
    this.stateKnown = known;
  }

  private playMessagesSnapshot(op: OpOf<'messagesSnapshot'>): void {
    const added = op.messages(this.render).map(withArgumentsAsText);
    // The history is sent again by every snapshot: two thousand snapshots of a 1 MB history made 2 GB.
    if (op.history) spendOnValue(this.render.session, this.options.request.messages);
    const messages = op.history ? [...(this.options.request.messages as unknown as JsonObject[]), ...added] : added;
    this.sendChecked({ type: EventType.MESSAGES_SNAPSHOT, messages }, op.validate);
  }

  private playStep(stepName: string, stepNameJson: string | undefined, body: readonly Op[]): Play {
    const nameJson = stepNameJson ?? JSON.stringify(stepName);
    const timestamp = Date.now();
    this.sendSerialised(
      { type: EventType.STEP_STARTED, stepName, timestamp } as BaseEvent,
      stepJson('STEP_STARTED', nameJson, timestamp),
    );
    return this.playOps(body, { name: stepName, nameJson });
  }

  private *playText(op: OpOf<'text'>): Play {
    const messageId = `msg-${randomUUID()}`;
    if (op.id) this.scope.steps[op.id] = { messageId };
    this.send({ type: EventType.TEXT_MESSAGE_START, messageId, role: 'assistant', timestamp: Date.now() } as BaseEvent);
    if (op.spoken) this.send(customEvent(AgoraEventName.spokenTextStart, { messageId, role: 'assistant' }));
    for (const chunk of op.chunks) {
      const delta = chunk.written.constant ?? chunk.written.render(this.render);
      const timestamp = Date.now();
      this.sendSerialised(
        { type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta, timestamp },
        textContentJson(messageId, chunk.writtenJson ?? JSON.stringify(delta), timestamp),
      );
      if (op.spoken) {
        const spoken = chunk.spoken ?? toSpokenText(delta);
        if (spoken) {
          this.sendSerialised(
            customEvent(AgoraEventName.spokenTextContent, { messageId, delta: spoken }, timestamp),
            spokenContentJson(messageId, chunk.spokenJson ?? JSON.stringify(spoken), timestamp),
          );
        }
      }
      const pause = this.sleep(chunk.delayMs);
      if (pause) yield* pause;
    }
    this.send(textMessageEnd(messageId));
    if (op.spoken) this.send(customEvent(AgoraEventName.spokenTextEnd, { messageId }));
  }

  private *playReasoning(op: OpOf<'reasoning'>): Play {
    const messageId = `reasoning-${randomUUID()}`;
    if (op.id) this.scope.steps[op.id] = { messageId };
    this.send({ type: EventType.REASONING_START, messageId, timestamp: Date.now() } as BaseEvent);
    this.send({
      type: EventType.REASONING_MESSAGE_START,
      messageId,
      role: 'reasoning',
      timestamp: Date.now(),
    } as BaseEvent);
    for (const chunk of op.chunks) {
      const delta = chunk.written.constant ?? chunk.written.render(this.render);
      this.send({ type: EventType.REASONING_MESSAGE_CONTENT, messageId, delta, timestamp: Date.now() } as BaseEvent);
      const pause = this.sleep(chunk.delayMs);
      if (pause) yield* pause;
    }
    this.send({ type: EventType.REASONING_MESSAGE_END, messageId, timestamp: Date.now() } as BaseEvent);
    this.send({ type: EventType.REASONING_END, messageId, timestamp: Date.now() } as BaseEvent);
  }

  private *playToolCall(op: OpOf<'toolCall'>): Play {
    const render = this.render;
    const toolCallId = `call-${randomUUID()}`;
    const messageId = `tool-result-${toolCallId}`;
    if (op.id) this.scope.steps[op.id] = op.result ? { toolCallId, messageId } : { toolCallId };
    const displayName = op.displayName && (op.displayName.constant ?? op.displayName.render(render));
    const description = op.description && (op.description.constant ?? op.description.render(render));
    const parentMessageId = op.parentMessageId && (op.parentMessageId.constant ?? op.parentMessageId.render(render));
    const start: Record<string, unknown> = { type: EventType.TOOL_CALL_START, toolCallId, toolCallName: op.name };
    if (parentMessageId !== undefined) start.parentMessageId = parentMessageId;
    // AGORA's extra fields; absent rather than null when a scenario does not set them.
    if (displayName) start.toolDisplayName = displayName;
    if (description) start.toolDescription = description;
    let timestamp = Date.now();
    start.timestamp = timestamp;
    const fields = op.startFieldsJson ?? toolStartFields(op.name, displayName, description, parentMessageId);
    this.sendSerialised(start as unknown as BaseEvent, toolCallStartJson(toolCallId, fields, timestamp));

    if (op.args.form === 'document') {
      const delta = op.args.delta ?? JSON.stringify(op.args.args(render));
      this.sendArgs(toolCallId, delta, op.args.deltaJson);
    } else {
      yield* this.streamArgs(toolCallId, op.args.chunks);
    }
    const pause = this.sleep(op.argsDelayMs);
    if (pause) yield* pause;
    timestamp = Date.now();
    this.sendSerialised(
      { type: EventType.TOOL_CALL_END, toolCallId, timestamp } as BaseEvent,
      toolCallEndJson(toolCallId, timestamp),
    );
    if (!op.result) return;

    const content = op.resultContent ?? toolContent(op.result(render));
    const contentJson = op.resultContentJson ?? JSON.stringify(content);
    timestamp = Date.now();
    this.sendSerialised(
      {
        type: EventType.TOOL_CALL_RESULT,
        messageId,
        toolCallId,
        content,
        role: 'tool',
        timestamp,
      } as BaseEvent,
      toolCallResultJson(messageId, toolCallId, contentJson, timestamp),
    );
  }

  private sendArgs(toolCallId: string, delta: string, deltaJson: string | undefined): void {
    const timestamp = Date.now();
    this.sendSerialised(
      { type: EventType.TOOL_CALL_ARGS, toolCallId, delta, timestamp } as BaseEvent,
      toolCallArgsJson(toolCallId, deltaJson ?? JSON.stringify(delta), timestamp),
    );
  }

  private *streamArgs(toolCallId: string, chunks: readonly TextChunk[]): Play {
    for (const chunk of chunks) {
      this.sendArgs(toolCallId, chunk.written.constant ?? chunk.written.render(this.render), chunk.writtenJson);
      const pause = this.sleep(chunk.delayMs);
      if (pause) yield* pause;
    }
  }

  private *playApproval(op: OpOf<'approval'>): Play {
    const approvalId = `appr-${randomUUID()}`;
    const outputs: Record<string, unknown> = { approvalId, approved: false, feedback: null };
    if (op.id) this.scope.steps[op.id] = outputs;
    const request = op.request(this.render);
    const timeoutMs = op.timeoutMs ?? this.options.approvalTimeoutMs();
    if (this.options.approvals === 'interrupt') {
      const expiresAt = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
      return this.interrupt(approvalInterrupt(approvalId, request, expiresAt), {
        kind: 'approval',
        stepId: op.id,
        branches: { accepted: op.approved, declined: op.rejected, expired: op.timeout },
        expiresAt,
        answerCheck: checkApprovalAnswer,
      });
    }
    this.send(customEvent(AgoraEventName.approvalRequest, { ...request, approvalId }));
    const chooser = this.options.chooser;
    let outcome: ApprovalOutcome | undefined;
    if (chooser) {
      outcome = APPROVAL_OUTCOMES[chooser.choose('approval', 3, op.path)] as ApprovalOutcome;
    } else {
      this.approval = {
        id: approvalId,
        answer: (answer) => {
          outputs.approved = answer.approved;
          outputs.feedback = answer.feedback;
          this.clearTimer();
          // Answered from a client's message handler: the run goes on from there, not inside the sink.
          queueMicrotask(() => this.advance(answer.approved ? 'approved' : 'rejected'));
        },
      };
      outcome = yield { kind: 'approval', timeoutMs };
      this.approval = undefined;
      // Time spent waiting for a person is not part of the scripted timeline.
      this.due = performance.now();
    }
    if (outcome === 'approved') outputs.approved = true;
    yield* this.playOps(op[outcome ?? 'timeout']);
  }

  private playInterrupt(op: OpOf<'interrupt'>): never {
    const interruptId = `int-${randomUUID()}`;
    if (op.id) this.scope.steps[op.id] = { interruptId, status: null, payload: null };
    const expiresAt = op.expiresInMs !== undefined ? Date.now() + op.expiresInMs : undefined;
    const fields = op.interrupt(this.render);
    const interrupt = {
      id: interruptId,
      ...fields,
      ...(op.responseSchema && { responseSchema: op.responseSchema }),
      ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }),
    } as unknown as Interrupt;
    // Its fields may come from the request: checked as the RUN_FINISHED that carries it (the dry run checks the rest).
    this.validate({
      type: EventType.RUN_FINISHED,
      threadId: this.threadId,
      runId: this.runId,
      outcome: { type: 'interrupt', interrupts: [interrupt] },
    });
    return this.interrupt(interrupt, {
      kind: 'interrupt',
      stepId: op.id,
      branches: { accepted: op.resolved, declined: op.cancelled, expired: op.expired },
      expiresAt,
      answerCheck: op.answerCheck,
    });
  }

  /**
   * Keeps where the run is (what is left at each nesting level, open steps, run values), closes what is open and
   * ends the run with the interrupt in RUN_FINISHED. Throws to unwind the play loop.
   */
  private interrupt(
    interrupt: Interrupt,
    paused: Pick<PausedRun, 'kind' | 'stepId' | 'branches' | 'expiresAt' | 'answerCheck'>,
  ): never {
    this.pausedRun = {
      ...paused,
      interruptId: interrupt.id,
      program: this.options.program,
      frames: this.stack.map((frame) => ({ ops: frame.ops.slice(frame.next), closesStep: frame.closesStep })),
      reopenSteps: this.open.filter((item) => item.kind === 'step').map((item) => item.id),
      vars: { ...this.scope.vars },
      steps: { ...this.scope.steps },
    };
    this.closeOpen();
    const event = runFinished(this.threadId, this.runId);
    event.outcome = { type: 'interrupt', interrupts: [interrupt] };
    this.send(event);
    this.end('interrupted');
    throw STOPPED;
  }

  /** Continues a paused run: its steps opened again, the answer's branch, then what was left at each level. */
  private *playResumed(paused: PausedRun, answer: ResumeAnswer): Play {
    Object.assign(this.scope.vars, paused.vars);
    for (const [id, outputs] of Object.entries(paused.steps)) this.scope.steps[id] = { ...outputs };
    const chooser = this.options.chooser;
    const expired = paused.expiresAt !== undefined && Date.now() > paused.expiresAt;
    let branch: readonly Op[];
    if (paused.kind === 'approval') {
      const { approved, feedback } = approvalAnswer(answer);
      if (paused.stepId) this.scope.steps[paused.stepId] = { approvalId: paused.interruptId, approved, feedback };
      branch = approved ? paused.branches.accepted : paused.branches.declined;
    } else {
      if (paused.stepId)
        this.scope.steps[paused.stepId] = {
          interruptId: paused.interruptId,
          status: answer.status,
          payload: answer.payload ?? null,
        };
      branch = answer.status === 'resolved' ? paused.branches.accepted : paused.branches.declined;
    }
    if (expired) branch = paused.branches.expired;
    if (chooser) {
      const { accepted, declined, expired: late } = paused.branches;
      branch = [accepted, declined, late][chooser.choose('resume', 3, this.at)] ?? accepted;
    }
    for (const stepName of paused.reopenSteps) {
      this.send({ type: EventType.STEP_STARTED, stepName, timestamp: Date.now() } as BaseEvent);
    }
    const resumeLevel = (depth: number): Play => {
      const frame = paused.frames[depth];
      if (!frame) return this.playOps(branch);
      return this.playFrame({ ops: frame.ops, next: 0, closesStep: frame.closesStep }, () => resumeLevel(depth + 1));
    };
    yield* resumeLevel(0);
  }

  /** A scripted pause on the run's timeline; undefined when there is nothing to wait for. */
  private sleep(ms: number): Play | undefined {
    if (this.options.chooser) return undefined;
    const speed = this.options.speed();
    const now = performance.now();
    if (ms <= 0 || speed <= 0) {
      this.due = now;
      return undefined;
    }
    this.due += ms * speed;
    const delay = this.due - now;
    if (delay < 1) return undefined;
    return waitFor(delay);
  }

  private send(event: BaseEvent): void {
    this.sendSerialised(event, undefined);
  }

  /** Sends an event, serialising it unless the caller already did (hot paths splice pre-encoded JSON). */
  private sendSerialised(event: BaseEvent, json: string | undefined): void {
    if (this.phase !== 'running') throw STOPPED;
    if (this.takenOver.size > 0 && this.skipsTakenOver(event)) return;
    this.track(event as BaseEvent & Record<string, unknown>);
    this.options.sink({ event: event as BaseEvent & Record<string, unknown>, json: json ?? JSON.stringify(event) });
    if (event.type === EventType.RUN_ERROR) this.end('errored');
  }

  /** Keeps the list of open items from the events themselves, so scripted emits are covered too. */
  private track(event: BaseEvent & Record<string, unknown>): void {
    if (event.type === EventType.RUN_ERROR) {
      // A RUN_ERROR ends the run as it is: nothing may follow it but a new RUN_STARTED.
      this.open.length = 0;
      this.unresulted.clear();
      return;
    }
    if (event.type === EventType.TOOL_CALL_RESULT) {
      this.unresulted.delete(event.toolCallId as string);
      return;
    }
    const item = itemEvent(event);
    if (item?.role === 'open') {
      this.open.push({ kind: item.kind, id: item.id });
      if (item.kind === 'tool') this.unresulted.add(item.id);
    } else if (item?.role === 'close') this.forget(item.kind, item.id);
  }

  private forget(kind: OpenItem['kind'], id: string): void {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const item = this.open[i];
      if (item?.kind === kind && item.id === id) {
        this.open.splice(i, 1);
        return;
      }
    }
  }

  /**
   * Closes whatever is open, innermost first. A stopped run (`reason`) also answers each tool call it started
   * and did not answer, right after its END (or, when it had ended already, once everything is closed). A run
   * that finishes or pauses leaves such calls unanswered: in AG-UI they are pending, the client's to answer.
   */
  private closeOpen(reason?: StopReason): void {
    const content = reason && cancelledToolContent(reason);
    while (this.open.length > 0) {
      const item = this.open[this.open.length - 1] as OpenItem;
      if (item.kind === 'text') this.send(textMessageEnd(item.id));
      else if (item.kind === 'tool') {
        this.send(toolCallEnd(item.id));
        if (content) this.send(toolCallResult(item.id, content));
      } else if (item.kind === 'step') this.send(stepFinished(item.id));
      else if (item.kind === 'reasoning') {
        this.send({ type: EventType.REASONING_MESSAGE_END, messageId: item.id, timestamp: Date.now() } as BaseEvent);
      } else if (item.kind === 'reasoning-span') {
        this.send({ type: EventType.REASONING_END, messageId: item.id, timestamp: Date.now() } as BaseEvent);
      } else {
        // AGORA ends a message's text before its spoken twin; keep that order when closing both.
        if (this.open.some((open) => open.kind === 'text' && open.id === item.id)) this.send(textMessageEnd(item.id));
        this.send(customEvent(AgoraEventName.spokenTextEnd, { messageId: item.id }));
      }
    }
    if (content) for (const toolCallId of [...this.unresulted]) this.send(toolCallResult(toolCallId, content));
  }

  private clearTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private end(end: RunEnd): void {
    if (this.phase !== 'running' && this.phase !== 'ready') return;
    this.phase = end;
    this.clearTimer();
    this.loop = undefined;
    this.options.onEnd?.(end);
    this.resolveDone(end);
  }
}

/** A generator that waits `ms` once. */
function* waitFor(ms: number): Play {
  yield { kind: 'delay', ms };
}

/** An index chosen at random, each in proportion to its weight. */
function weightedIndex(weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let left = Math.random() * total;
  for (let index = 0; index < weights.length; index++) {
    left -= weights[index] as number;
    if (left < 0) return index;
  }
  return weights.length - 1;
}

/** A message's tool calls with their `function.arguments` as JSON text, however the scenario wrote them. */
function withArgumentsAsText(message: JsonObject): JsonObject {
  const calls = message.toolCalls;
  if (!Array.isArray(calls)) return message;
  return {
    ...message,
    toolCalls: calls.map((call) => {
      const fn = (call as JsonObject | null)?.function as JsonObject | undefined;
      if (!fn || typeof fn.arguments === 'string' || fn.arguments === undefined) return call;
      return { ...(call as JsonObject), function: { ...fn, arguments: JSON.stringify(fn.arguments) } };
    }),
  };
}
