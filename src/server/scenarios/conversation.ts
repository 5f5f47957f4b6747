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
import type { ScenarioCatalogue } from './scenario-catalogue';
import { type RunEnd, ScenarioPlayer } from './scenario-player';

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
  private closed = false;

  constructor(private readonly options: ConversationOptions) {}

  get activeRunId(): string | null {
    return this.player?.isActive ? this.player.runId : null;
  }

  /**
   * Starts a run for the request, playing `program` or else the scenario whose trigger matches the last user
   * message; a run still playing is cancelled cleanly first.
   */
  run(request: RunRequest, program = this.options.catalogue.match(request.lastUserMessage)): void {
    if (this.closed) return;
    this.player?.cancel();
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
      onEnd: (end) => {
        if (this.player === player) this.player = undefined;
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
