import { randomUUID } from 'node:crypto';
import { type BaseEvent, EventType } from '@ag-ui/core';
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
  runFinished,
  runStarted,
  stepFinished,
  textMessageEnd,
  toolCallEnd,
  toolCallResult,
} from '../agui/events';
import type { ApprovalAnswer, RunRequest } from '../agui/run-input';
import { approvalInterrupt, type PausedRun, type ResumeAnswer, type StepCloser } from './paused-run';
import { toolContent, toolStartFields } from './scenario-compiler';
import type { Op, ScenarioProgram } from './scenario-program';
import { toSpokenText } from './spoken-text';
import type { TemplateScope } from './template';

export interface ScenarioPlayerOptions {
  program: ScenarioProgram;
  request: RunRequest;
  sink: EventSink;
  /** The server's origin as this client reached it (for links in answers). */
  origin: string;
  /** Conversation context shared by the runs of one conversation; `setContext` steps write to it. */
  context: Map<string, JsonValue>;
  /** Told the values of each `setContext` step as it plays (context leaves no frame; a recording needs it). */
  onContextSet?: (values: JsonObject) => void;
  /** Multiplies every scripted delay; read at each delay so a change applies at once. 0 = no delays. */
  speed: () => number;
  /** Default wait for an approval answer in real ms; 0 waits forever. */
  approvalTimeoutMs: () => number;
  /** Called synchronously when the run ends, before `done` resolves (so a following run sees a clean slate). */
  onEnd?: (end: RunEnd) => void;
  /**
   * `wait` (AGORA's WebSocket): send `agora:tool_approval_request` and wait for the answer mid-run.
   * `interrupt` (AG-UI 1.0, for HTTP/SSE): end the run with `RUN_FINISHED {outcome: interrupt}`; see `paused`.
   */
  approvals?: 'wait' | 'interrupt';
  /** Continue a paused run (from `paused` of the run that ended at the approval) with the client's answer. */
  resume?: { paused: PausedRun; answer: ResumeAnswer };
}

/** How a run ended: played to the end, errored (a scripted RUN_ERROR), cancelled (closed cleanly), stopped
 * (its client is gone), or interrupted at an approval (interrupt mode; it can be resumed). */
export type RunEnd = 'finished' | 'errored' | 'cancelled' | 'stopped' | 'interrupted';

/** Why a run was stopped before its end; named in the result of every tool call it leaves unanswered. */
export type StopReason = 'new_run' | 'console' | 'client_gone';

const STOP_MESSAGES: Record<StopReason, string> = {
  new_run: 'Cancelled: a new run started before this tool call finished',
  console: 'Cancelled from the mock console before this tool call finished',
  client_gone: 'Cancelled: the client disconnected before this tool call finished',
};

/**
 * The `TOOL_CALL_RESULT` content a stopped run gives each tool call it opened and did not answer, so no client
 * waits for that result forever: `{"cancelled":true,"reason":"new_run","message":"Cancelled: …"}`.
 */
export function cancelledToolContent(reason: StopReason): string {
  return JSON.stringify({ cancelled: true, reason, message: STOP_MESSAGES[reason] });
}

export type ApprovalResult = 'accepted' | 'not-waiting' | 'unknown-approval-id';

type OpenItem = { kind: 'text' | 'spoken' | 'tool' | 'step'; id: string };
type ApprovalOutcome = 'approved' | 'rejected' | 'timeout' | 'woken';

/** One nesting level of the play loop: the ops still to play there, and the step it closes when done. */
interface Frame {
  ops: readonly Op[];
  next: number;
  closesStep: StepCloser | undefined;
}

/** Thrown inside the play loop once the run is no longer running, to unwind it. */
const STOPPED = Symbol('stopped');

/**
 * Plays one scenario as one AG-UI run into an event sink, transport-independent (WebSocket now, SSE later).
 *
 * The stream is always well formed: RUN_STARTED first; whatever the scenario left open (text messages,
 * tool calls, steps, spoken text) is closed before RUN_FINISHED; `cancel()` closes it the same way, answers
 * every tool call it left unanswered with a cancelled result, and ends with `RUN_FINISHED {outcome: cancelled}`.
 * Delays follow a planned timeline (each wait is due relative to the previous one, not to when the timer fired),
 * so a loaded process catches up instead of drifting; a run holds at most one timer at a time.
 */
export class ScenarioPlayer {
  readonly threadId: string;
  readonly runId: string;
  /** Resolves once the run has ended, however it ended. */
  readonly done: Promise<RunEnd>;
  private state: 'ready' | 'running' | RunEnd = 'ready';
  private readonly options: ScenarioPlayerOptions;
  private readonly scope: TemplateScope;
  private readonly open: OpenItem[] = [];
  /** Tool calls started and not answered with a TOOL_CALL_RESULT yet (ended or not), in start order. */
  private readonly unresulted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Resumes the play loop early (cancel/stop), so it unwinds instead of hanging on a cleared timer. */
  private wake: (() => void) | undefined;
  private due = 0;
  private approval: { id: string; answer: (answer: ApprovalAnswer) => void } | undefined;
  /** The play loop's nesting, innermost last: what an interrupted run needs to continue later. */
  private readonly stack: Frame[] = [];
  private pausedRun: PausedRun | undefined;
  private resolveDone: (end: RunEnd) => void = () => {};

  constructor(options: ScenarioPlayerOptions) {
    this.options = options;
    this.threadId = options.request.threadId;
    this.runId = options.request.runId;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.scope = {
      threadId: this.threadId,
      runId: this.runId,
      userId: options.request.userId ?? '',
      origin: options.origin,
      lastUserMessage: options.request.lastUserMessage,
      steps: new Map(),
      vars: new Map(),
      context: options.context,
    };
  }

  get isActive(): boolean {
    return this.state === 'running';
  }

  /** Where an interrupted run stopped, for the run that resumes it (interrupt mode only). */
  get paused(): PausedRun | undefined {
    return this.pausedRun;
  }

  /** The approval id this run is waiting for, if it is waiting. */
  get pendingApprovalId(): string | undefined {
    return this.approval?.id;
  }

  start(): void {
    if (this.state !== 'ready') return;
    this.state = 'running';
    this.due = performance.now();
    void this.play();
  }

  /**
   * Ends the run now with a well-formed tail: open items closed, every tool call it did not answer given a
   * cancelled result (`cancelledToolContent`), then RUN_FINISHED (cancelled).
   */
  cancel(reason: StopReason): void {
    this.halt(reason, 'cancelled');
  }

  /**
   * Its client is gone: ends the run at once with the same tail as `cancel`, for the run's observers (its
   * recorded history stays whole); the sink is expected to deliver nothing more.
   */
  stop(): void {
    if (this.state === 'ready') this.end('stopped');
    else this.halt('client_gone', 'stopped');
  }

  private halt(reason: StopReason, end: 'cancelled' | 'stopped'): void {
    if (this.state !== 'running') return;
    this.clearTimer();
    this.approval = undefined;
    this.closeOpen(reason);
    this.send(runFinished(this.threadId, this.runId, 'cancelled'));
    this.end(end);
  }

  /** Hands the client's approval answer to the run waiting for it. */
  answerApproval(answer: ApprovalAnswer): ApprovalResult {
    const pending = this.approval;
    if (!pending || this.state !== 'running') return 'not-waiting';
    if (pending.id !== answer.approvalId) return 'unknown-approval-id';
    // Taken at once: a second answer arriving before the run moves on finds nothing pending.
    this.approval = undefined;
    pending.answer(answer);
    return 'accepted';
  }

  private async play(): Promise<void> {
    try {
      this.send(runStarted(this.threadId, this.runId));
      if (this.options.resume) await this.playResumed(this.options.resume.paused, this.options.resume.answer);
      else await this.playOps(this.options.program.ops);
      this.closeOpen();
      this.send(runFinished(this.threadId, this.runId));
      this.end('finished');
    } catch (error) {
      if (error === STOPPED || this.state !== 'running') return;
      // A fault in the engine itself: end the run with RUN_ERROR (valid at any point) rather than hang; if even
      // that cannot be sent (the sink itself failed), end the run quietly.
      try {
        this.send({
          type: EventType.RUN_ERROR,
          message: `Scenario failed: ${(error as Error).message}`,
          code: 'processing_error',
          timestamp: Date.now(),
        } as BaseEvent);
      } catch {
        this.end('stopped');
      }
    }
  }

  private playOps(ops: readonly Op[], closesStep?: StepCloser): Promise<void> {
    return this.playFrame({ ops, next: 0, closesStep });
  }

  /** Plays a frame's ops (after `inner`, the deeper levels of a resumed run), then closes its step. */
  private async playFrame(frame: Frame, inner?: () => Promise<void>): Promise<void> {
    this.stack.push(frame);
    if (inner) await inner();
    while (frame.next < frame.ops.length) {
      const op = frame.ops[frame.next++] as Op;
      const pending = this.playOp(op);
      if (pending) await pending;
      if (this.state !== 'running') throw STOPPED;
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

  /** Plays one op; returns a promise only when the op has to wait, so delay-free runs stay synchronous. */
  private playOp(op: Op): Promise<void> | undefined {
    const scope = this.scope;
    switch (op.kind) {
      case 'emit': {
        const event = { ...op.event(scope), timestamp: Date.now() };
        this.send(event as unknown as BaseEvent);
        if (op.id) this.scope.steps.set(op.id, event);
        return undefined;
      }
      case 'wait':
        return this.sleep(op.ms);
      case 'step':
        return this.playStep(op.name.constant ?? op.name.render(scope), op.nameJson, op.body);
      case 'text':
        return this.playText(op);
      case 'toolCall':
        return this.playToolCall(op);
      case 'stateSnapshot':
        this.send({ type: EventType.STATE_SNAPSHOT, snapshot: op.snapshot(scope), timestamp: Date.now() } as BaseEvent);
        return undefined;
      case 'stateDelta':
        this.send({ type: EventType.STATE_DELTA, delta: op.delta(scope), timestamp: Date.now() } as BaseEvent);
        return undefined;
      case 'setContext': {
        const values: JsonObject = {};
        for (const [key, value] of op.values) {
          values[key] = value(scope);
          this.options.context.set(key, values[key]);
        }
        this.options.onContextSet?.(values);
        return undefined;
      }
      case 'let':
        for (const [name, value] of op.values) this.scope.vars.set(name, value.constant ?? value.render(scope));
        return undefined;
      case 'branch': {
        const value = this.options.context.get(op.context);
        const taken = op.equals === undefined ? Boolean(value) : JSON.stringify(value) === op.equals;
        return this.playOps(taken ? op.steps : op.otherwise);
      }
      case 'approval':
        return this.playApproval(op);
    }
  }

  private playStep(stepName: string, stepNameJson: string | undefined, body: readonly Op[]): Promise<void> {
    const nameJson = stepNameJson ?? JSON.stringify(stepName);
    const timestamp = Date.now();
    this.sendSerialised(
      { type: EventType.STEP_STARTED, stepName, timestamp } as BaseEvent,
      stepJson('STEP_STARTED', nameJson, timestamp),
    );
    return this.playOps(body, { name: stepName, nameJson });
  }

  private async playText(op: Extract<Op, { kind: 'text' }>): Promise<void> {
    const messageId = `msg-${randomUUID()}`;
    if (op.id) this.scope.steps.set(op.id, { messageId });
    this.send({ type: EventType.TEXT_MESSAGE_START, messageId, role: 'assistant', timestamp: Date.now() } as BaseEvent);
    if (op.spoken) this.send(customEvent(AgoraEventName.spokenTextStart, { messageId, role: 'assistant' }));
    for (const chunk of op.chunks) {
      const delta = chunk.written.constant ?? chunk.written.render(this.scope);
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
      const pause = this.sleep(op.chunkDelayMs);
      if (pause) await pause;
      if (this.state !== 'running') throw STOPPED;
    }
    this.send(textMessageEnd(messageId));
    if (op.spoken) this.send(customEvent(AgoraEventName.spokenTextEnd, { messageId }));
  }

  private async playToolCall(op: Extract<Op, { kind: 'toolCall' }>): Promise<void> {
    const scope = this.scope;
    const toolCallId = `call-${randomUUID()}`;
    const messageId = `tool-result-${toolCallId}`;
    if (op.id) scope.steps.set(op.id, { toolCallId, messageId });
    const displayName = op.displayName && (op.displayName.constant ?? op.displayName.render(scope));
    const description = op.description && (op.description.constant ?? op.description.render(scope));
    const start: Record<string, unknown> = { type: EventType.TOOL_CALL_START, toolCallId, toolCallName: op.name };
    // AGORA's extra fields; absent rather than null when a scenario does not set them.
    if (displayName) start.toolDisplayName = displayName;
    if (description) start.toolDescription = description;
    let timestamp = Date.now();
    start.timestamp = timestamp;
    const fields = op.startFieldsJson ?? toolStartFields(op.name, displayName, description);
    this.sendSerialised(start as unknown as BaseEvent, toolCallStartJson(toolCallId, fields, timestamp));

    const delta = op.argsDelta ?? JSON.stringify(op.args(scope));
    const deltaJson = op.argsDeltaJson ?? JSON.stringify(delta);
    timestamp = Date.now();
    this.sendSerialised(
      { type: EventType.TOOL_CALL_ARGS, toolCallId, delta, timestamp } as BaseEvent,
      toolCallArgsJson(toolCallId, deltaJson, timestamp),
    );
    const pause = this.sleep(op.argsDelayMs);
    if (pause) await pause;
    if (this.state !== 'running') throw STOPPED;
    timestamp = Date.now();
    this.sendSerialised(
      { type: EventType.TOOL_CALL_END, toolCallId, timestamp } as BaseEvent,
      toolCallEndJson(toolCallId, timestamp),
    );

    const content = op.resultContent ?? toolContent(op.result(scope));
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

  private async playApproval(op: Extract<Op, { kind: 'approval' }>): Promise<void> {
    const approvalId = `appr-${randomUUID()}`;
    const outputs: Record<string, unknown> = { approvalId, approved: false, feedback: null };
    if (op.id) this.scope.steps.set(op.id, outputs);
    const request = op.request(this.scope);
    const timeoutMs = op.timeoutMs ?? this.options.approvalTimeoutMs();
    if (this.options.approvals === 'interrupt') return this.interrupt(op, approvalId, request, timeoutMs);
    this.send(customEvent(AgoraEventName.approvalRequest, { ...request, approvalId }));
    const outcome = await new Promise<ApprovalOutcome>((resolve) => {
      this.wake = () => resolve('woken');
      this.approval = {
        id: approvalId,
        answer: (answer) => {
          outputs.approved = answer.approved;
          outputs.feedback = answer.feedback;
          resolve(answer.approved ? 'approved' : 'rejected');
        },
      };
      if (timeoutMs > 0) this.timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    this.clearTimer();
    this.approval = undefined;
    this.wake = undefined;
    if (this.state !== 'running' || outcome === 'woken') throw STOPPED;
    // Time spent waiting for a person is not part of the scripted timeline.
    this.due = performance.now();
    await this.playOps(op[outcome]);
  }

  /**
   * Interrupt mode: keeps where the run is (what is left at each nesting level, open steps, run values), closes
   * what is open and ends the run with the approval as an interrupt. Throws to unwind the play loop.
   */
  private interrupt(
    op: Extract<Op, { kind: 'approval' }>,
    approvalId: string,
    request: JsonObject,
    timeoutMs: number,
  ): never {
    const expiresAt = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
    this.pausedRun = {
      approvalId,
      program: this.options.program,
      approvalStepId: op.id,
      branches: { approved: op.approved, rejected: op.rejected, timeout: op.timeout },
      frames: this.stack.map((frame) => ({ ops: frame.ops.slice(frame.next), closesStep: frame.closesStep })),
      reopenSteps: this.open.filter((item) => item.kind === 'step').map((item) => item.id),
      vars: new Map(this.scope.vars),
      steps: new Map(this.scope.steps),
      expiresAt,
    };
    this.closeOpen();
    const event = runFinished(this.threadId, this.runId);
    event.outcome = { type: 'interrupt', interrupts: [approvalInterrupt(approvalId, request, expiresAt)] };
    this.send(event);
    this.end('interrupted');
    throw STOPPED;
  }

  /** Continues a paused run: its steps opened again, the answer's branch, then what was left at each level. */
  private async playResumed(paused: PausedRun, answer: ResumeAnswer): Promise<void> {
    for (const [name, value] of paused.vars) this.scope.vars.set(name, value);
    for (const [id, outputs] of paused.steps) this.scope.steps.set(id, { ...outputs });
    if (paused.approvalStepId) {
      this.scope.steps.set(paused.approvalStepId, { approvalId: paused.approvalId, ...answer });
    }
    for (const stepName of paused.reopenSteps) {
      this.send({ type: EventType.STEP_STARTED, stepName, timestamp: Date.now() } as BaseEvent);
    }
    const expired = paused.expiresAt !== undefined && Date.now() > paused.expiresAt;
    const branch = paused.branches[expired ? 'timeout' : answer.approved ? 'approved' : 'rejected'];
    const resumeLevel = (depth: number): Promise<void> => {
      const frame = paused.frames[depth];
      if (!frame) return this.playOps(branch);
      return this.playFrame({ ops: frame.ops, next: 0, closesStep: frame.closesStep }, () => resumeLevel(depth + 1));
    };
    await resumeLevel(0);
  }

  /** A scripted pause on the run's timeline; undefined when there is nothing to wait for. */
  private sleep(ms: number): Promise<void> | undefined {
    const speed = this.options.speed();
    const now = performance.now();
    if (ms <= 0 || speed <= 0) {
      this.due = now;
      return undefined;
    }
    this.due += ms * speed;
    const delay = this.due - now;
    if (delay < 1) return undefined;
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      }, delay);
    });
  }

  private send(event: BaseEvent): void {
    this.sendSerialised(event, undefined);
  }

  /** Sends an event, serialising it unless the caller already did (hot paths splice pre-encoded JSON). */
  private sendSerialised(event: BaseEvent, json: string | undefined): void {
    if (this.state !== 'running') throw STOPPED;
    this.track(event as BaseEvent & Record<string, unknown>);
    this.options.sink({ event: event as BaseEvent & Record<string, unknown>, json: json ?? JSON.stringify(event) });
    if (event.type === EventType.RUN_ERROR) this.end('errored');
  }

  /** Keeps the list of open items from the events themselves, so scripted emits are covered too. */
  private track(event: BaseEvent & Record<string, unknown>): void {
    switch (event.type) {
      case EventType.TEXT_MESSAGE_START:
        this.open.push({ kind: 'text', id: event.messageId as string });
        return;
      case EventType.TEXT_MESSAGE_END:
        this.forget('text', event.messageId as string);
        return;
      case EventType.TOOL_CALL_START:
        this.open.push({ kind: 'tool', id: event.toolCallId as string });
        this.unresulted.add(event.toolCallId as string);
        return;
      case EventType.TOOL_CALL_END:
        this.forget('tool', event.toolCallId as string);
        return;
      case EventType.TOOL_CALL_RESULT:
        this.unresulted.delete(event.toolCallId as string);
        return;
      case EventType.STEP_STARTED:
        this.open.push({ kind: 'step', id: event.stepName as string });
        return;
      case EventType.STEP_FINISHED:
        this.forget('step', event.stepName as string);
        return;
      case EventType.CUSTOM: {
        const messageId = (event.value as JsonObject | undefined)?.messageId;
        if (typeof messageId !== 'string') return;
        if (event.name === AgoraEventName.spokenTextStart) this.open.push({ kind: 'spoken', id: messageId });
        else if (event.name === AgoraEventName.spokenTextEnd) this.forget('spoken', messageId);
        return;
      }
      case EventType.RUN_ERROR:
        // A RUN_ERROR ends the run as it is: nothing may follow it but a new RUN_STARTED.
        this.open.length = 0;
        this.unresulted.clear();
        return;
    }
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
      else {
        // AGORA ends a message's text before its spoken twin; keep that order when closing both.
        if (this.open.some((open) => open.kind === 'text' && open.id === item.id)) this.send(textMessageEnd(item.id));
        this.send(customEvent(AgoraEventName.spokenTextEnd, { messageId: item.id }));
      }
    }
    if (content) for (const toolCallId of [...this.unresulted]) this.send(toolCallResult(toolCallId, content));
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private end(end: RunEnd): void {
    if (this.state !== 'running' && this.state !== 'ready') return;
    this.state = end;
    this.clearTimer();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    this.options.onEnd?.(end);
    this.resolveDone(end);
  }
}
