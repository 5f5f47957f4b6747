import { closingBeforeFinish } from '../agui/closing-before-finish';
import type { AguiEndpointEnvironment } from '../agui/endpoint-environment';
import type { EventSink, OutgoingEvent } from '../agui/events';
import type { RunRequest } from '../agui/run-input';
import { HttpError } from '../http/http-errors';
import { Conversation, type RunObserver } from '../scenarios/conversation';
import type { ConversationEndpoint } from '../scenarios/no-matching-scenario';
import { strayResume } from '../scenarios/paused-run';
import { clearRunControl, isTerminal, type RunControl, setRunControl } from '../scenarios/run-control';
import { observerPerRun } from '../scenarios/run-observers';
import type { StopReason } from '../scenarios/scenario-player';
import type { Connection } from '../ws/connection';
import type { ThreadState } from './thread-conversations';

/** One HTTP response a run streams into. */
export interface RunStream {
  readonly connection: Connection;
  /** Sends one event of the run (through the connection, so its sequence tracker and frame log follow). */
  send(event: OutgoingEvent): void;
  /** The run is over: end the response once its last event has gone out. */
  end(): void;
}

/**
 * One AG-UI thread over HTTP: the conversation its runs share across requests (context such as "inspection
 * started", a run paused at an approval interrupt), and the response each run streams into. Approvals play in
 * interrupt mode: the run ends with `RUN_FINISHED {outcome: interrupt}` and the next request's `resume` continues.
 */
export class AgentThread implements ThreadState {
  private conversation: Conversation;
  /** Responses by the run they carry; a run's events go to the stream of the run started last. */
  private readonly streams = new Map<RunRequest, RunStream>();
  private current: RunStream | undefined;
  /** The stream the next run to start goes to (set just before `Conversation.run`). */
  private starting: RunStream | undefined;
  private readonly recorder: Required<RunObserver>;

  constructor(
    private readonly environment: AguiEndpointEnvironment,
    private readonly origin: string,
    /** The agent it plays for, as a run no scenario matches names it. */
    private readonly endpoint: ConversationEndpoint,
  ) {
    this.recorder = observerPerRun(() => environment.runObserver());
    this.conversation = this.createConversation();
  }

  /** Streaming now, or holding a run: not to be forgotten. */
  get busy(): boolean {
    return this.streams.size > 0 || this.conversation.activeRunId !== null;
  }

  /**
   * Refuses, before any stream starts, a request whose `resume` does not answer the interrupt this thread is paused
   * at (409: a resume for something else, or when nothing is pending, cannot continue anything), or answers it with
   * a payload its `responseSchema` does not take (422, at the payload). The thread stays paused.
   */
  checkResume(request: RunRequest): void {
    const stray = strayResume(this.conversation.pendingInterruptId, request);
    if (stray) throw new HttpError(409, stray.message);
    const invalid = this.conversation.answerRefusal(request);
    if (invalid) throw invalid;
  }

  /** Plays the request's run into `stream` (a run still playing on this thread is cancelled cleanly first). */
  play(request: RunRequest, stream: RunStream): void {
    this.starting = stream;
    try {
      this.conversation.run(request);
    } finally {
      this.starting = undefined;
    }
  }

  /**
   * The client of `stream` went away (or the engine ends the stream, for `reason`). When its run is the one
   * playing, stop it at once, timers included, and keep the thread's context for the next request.
   */
  abandoned(stream: RunStream, reason: StopReason = 'client_gone'): void {
    clearRunControl(stream.connection);
    for (const [request, candidate] of this.streams) if (candidate === stream) this.streams.delete(request);
    if (this.current !== stream) return;
    this.current = undefined;
    if (this.conversation.activeRunId === null) return;
    // Conversation.close() is the only way to stop a run silently; a fresh conversation carries the thread on.
    // Nothing is paused while a run plays, so nothing else is lost.
    const previous = this.conversation;
    previous.close(reason);
    this.conversation = this.createConversation(previous);
  }

  close(): void {
    this.conversation.close();
    this.streams.clear();
    this.current = undefined;
  }

  /**
   * How the console's injections into `stream` reach its run, while it is the one playing. A RUN_FINISHED or
   * RUN_ERROR goes out as the run's last event (through the stream, so the response ends after it) and ends the
   * run there: the engine adds nothing after it.
   */
  private runControl(stream: RunStream): RunControl {
    const { connection } = stream;
    const playing = () => this.current === stream && this.conversation.activeRunId !== null;
    return {
      check: (events) =>
        playing() ? this.conversation.checkInjected(events, connection.threadId ?? undefined) : events.map(() => null),
      send: (event, delayMs) => {
        if (!playing()) return connection.sendEvent(event, delayMs);
        let finding: ReturnType<RunControl['send']>;
        if (isTerminal(event.event)) {
          finding = connection.tracker.check(event.event);
          stream.send(event);
        } else finding = connection.sendEvent(event, delayMs);
        this.conversation.injected(event, connection.threadId ?? undefined);
        return finding;
      },
    };
  }

  private createConversation(previous?: Conversation): Conversation {
    const sink: EventSink = closingBeforeFinish(
      (event) => this.current?.send(event),
      () => this.current?.connection.tracker,
    );
    const recorder = this.recorder;
    const conversation = new Conversation({
      catalogue: this.environment.context.scenarios,
      scenarios: this.environment.scenarios,
      endpoint: this.endpoint,
      sink,
      origin: this.origin,
      speed: () => this.environment.context.settings().speed,
      approvalTimeoutMs: () => this.environment.context.settings().approvalTimeoutMs,
      approvals: 'interrupt',
      observer: {
        runStarted: (request) => {
          const stream = this.starting;
          this.current = stream;
          if (stream) {
            this.streams.set(request, stream);
            setRunControl(stream.connection, this.runControl(stream));
            stream.connection.update({
              threadId: request.threadId,
              activeRunId: request.runId,
              ...(request.userId && { userId: request.userId }),
            });
          }
          recorder.runStarted(request);
        },
        event: recorder.event,
        contextSet: (request, values) => this.streams.get(request)?.connection.noteContext(values),
        runEnded: (request, end) => {
          recorder.runEnded(request, end);
          const stream = this.streams.get(request);
          if (!stream) return;
          this.streams.delete(request);
          clearRunControl(stream.connection);
          if (this.current === stream) this.current = undefined;
          stream.connection.update({ activeRunId: null });
          stream.end();
        },
      },
    });
    if (previous) conversation.continueFrom(previous);
    return conversation;
  }
}
