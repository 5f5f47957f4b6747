import type { JsonValue } from '../../shared/scenario';
import {
  type AgoraErrorCode,
  type EventSink,
  type OutgoingEvent,
  outgoing,
  runError,
  runStarted,
} from '../agui/events';
import type { ApprovalAnswer, RunRequest } from '../agui/run-input';
import { type PausedRun, resumeAnswer } from './paused-run';
import type { ScenarioCatalogue } from './scenario-catalogue';
import { type RunEnd, ScenarioPlayer } from './scenario-player';
import type { ScenarioProgram } from './scenario-program';

/** Told about each run of a conversation: the session store records runs as sessions, the connection shows them. */
export interface RunObserver {
  runStarted?(request: RunRequest): void;
  /** Every event of the run, in order, after it went to the sink. */
  event?(request: RunRequest, event: OutgoingEvent): void;
  runEnded?(request: RunRequest, end: RunEnd): void;
}

export interface ConversationOptions {
  catalogue: ScenarioCatalogue;
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
}

export type ApprovalRefusal = { errorCode: AgoraErrorCode; message: string };

/**
 * One client's conversation (a WebSocket connection; later an SSE thread): at most one run at a time, the
 * conversation context scenarios branch on, and the approval the current run may be waiting for.
 */
export class Conversation {
  /** Values scenarios set with `setContext` (e.g. `inspectionStarted`) and branch on. */
  readonly context = new Map<string, JsonValue>();
  private player: ScenarioPlayer | undefined;
  /** The run that ended at an approval interrupt, until a run resumes it (or any other run starts). */
  private paused: PausedRun | undefined;
  private closed = false;

  constructor(private readonly options: ConversationOptions) {}

  get activeRunId(): string | null {
    return this.player?.isActive ? this.player.runId : null;
  }

  /** The interrupt a run ended with and no run has answered yet (interrupt mode). */
  get pendingInterruptId(): string | null {
    return this.paused?.approvalId ?? null;
  }

  /**
   * Starts a run for the request: the continuation of a paused run when the request resumes its interrupt, else
   * `program` or the scenario whose trigger matches the last user message. A run still playing is cancelled
   * cleanly first.
   */
  run(request: RunRequest, program?: ScenarioProgram): void {
    if (this.closed) return;
    this.player?.cancel();
    const paused = this.paused;
    this.paused = undefined;
    const entry = paused && request.resume.find((resume) => resume.interruptId === paused.approvalId);
    const resume = paused && entry ? { paused, answer: resumeAnswer(entry.status, entry.payload) } : undefined;
    program ??= resume?.paused.program ?? this.options.catalogue.match(request.lastUserMessage);
    const { observer, sink } = this.options;
    observer?.runStarted?.(request);
    const tap: EventSink = observer?.event
      ? (event) => {
          sink(event);
          observer.event?.(request, event);
        }
      : sink;
    if (!program) {
      tap(outgoing(runStarted(request.threadId, request.runId)));
      tap(outgoing(runError('No scenario matches this message', 'no_matching_scenario')));
      observer?.runEnded?.(request, 'errored');
      return;
    }
    const player = new ScenarioPlayer({
      program,
      request,
      sink: tap,
      origin: this.options.origin,
      context: this.context,
      speed: this.options.speed,
      approvalTimeoutMs: this.options.approvalTimeoutMs,
      approvals: this.options.approvals ?? 'wait',
      resume,
      onEnd: (end) => {
        if (this.player === player) this.player = undefined;
        if (end === 'interrupted') this.paused = player.paused;
        observer?.runEnded?.(request, end);
      },
    });
    this.player = player;
    player.start();
  }

  /** Routes an approval answer to the waiting run; says why when there is none or the id is wrong. */
  answerApproval(answer: ApprovalAnswer): ApprovalRefusal | undefined {
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

  /** The client is gone: stop the run's timers at once, send nothing more. */
  close(): void {
    this.closed = true;
    this.player?.stop();
    this.player = undefined;
  }
}
