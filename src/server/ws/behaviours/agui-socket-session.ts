import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ResumeEntry } from '@ag-ui/core';
import { closingBeforeFinish } from '../../agui/closing-before-finish';
import type { AguiEndpointEnvironment } from '../../agui/endpoint-environment';
import { type AgoraErrorCode, agoraError, type EventSink, outgoing, runError } from '../../agui/events';
import { clientMessageKind, parseClientRequest, type RunRequest, runInputRefusal } from '../../agui/run-input';
import { MAX_REPORTED_ISSUES } from '../../agui/run-input-limits';
import type { StreamsEnd } from '../../agui/streams-end';
import { requestOrigin } from '../../http/request-origin';
import { consoleRunRequest } from '../../scenarios/console-run-request';
import { Conversation, type Refusal } from '../../scenarios/conversation';
import { strayResume } from '../../scenarios/paused-run';
import { clearRunControl, setRunControl } from '../../scenarios/run-control';
import { observerPerRun } from '../../scenarios/run-observers';
import type { Connection } from '../connection';
import { type ClientMessage, RUN_REQUEST_FRAME_TYPE, type SocketSession } from '../message-socket-endpoint';

export interface AguiSocketSessionOptions {
  environment: AguiEndpointEnvironment;
  /** A run request that arrives while a run plays: answered after it, or cancelling it. */
  whileRunning: 'queue' | 'cancel';
}

/** A socket session the console can also drive: play a chosen scenario now. */
export interface AguiSocketSession extends SocketSession {
  /** A run playing when the engine or the console closes the socket ends with a RUN_ERROR saying why. */
  closing(why: StreamsEnd): void;
  /**
   * Plays the scenario as a new run on this connection now, cancelling one in progress cleanly; messages the
   * client queued keep waiting and are answered after it. Its runId.
   */
  runScenario(scenarioId: string): string | undefined;
}

/**
 * AG-UI over a WebSocket in AGORA's framing (the one proposed upstream): one RunAgentInput (or an approval
 * answer) per text frame in, AG-UI events out. With `queue`, a message that arrives while a run streams is
 * answered after it, in order, as AGORA's Python mock does (HAI does not lock its input, and its voice mode sends
 * each sentence as soon as it is heard); past `DEFAULT_MAX_QUEUED_RUNS` waiting (or `DEFAULT_MAX_QUEUED_BYTES` of
 * frames), one more is refused with `agora:error` `run_queue_full`, before it is even checked. An approval answer
 * goes to the waiting run at once. Anything else is answered with `agora:error` and leaves a playing run alone.
 */
export function aguiSocketSession(
  connection: Connection,
  request: IncomingMessage,
  options: AguiSocketSessionOptions,
): AguiSocketSession {
  const { environment, whileRunning } = options;
  const { context } = environment;
  const catalogue = context.scenarios;
  const observer = observerPerRun(() => environment.runObserver());
  // Run events go through the connection's sequence tracker, so the console knows what is open.
  const flush = burstWriter(request.socket);
  const sink: EventSink = closingBeforeFinish(
    (event) => {
      flush();
      connection.sendEvent(event);
    },
    () => connection.tracker,
  );
  // Protocol replies stand outside the run stream (AGORA sends them between runs too): not tracked.
  const sendError = (errorCode: AgoraErrorCode, message: string, details?: unknown) => {
    const reply = outgoing(agoraError(errorCode, message, details));
    connection.send(reply.json, reply.event.type);
  };

  const conversation = new Conversation({
    catalogue,
    scenarios: environment.scenarios,
    endpoint: { mount: connection.mount, path: connection.path },
    sink,
    origin: requestOrigin(request) ?? context.origin(),
    speed: () => context.settings().speed,
    approvalTimeoutMs: () => context.settings().approvalTimeoutMs,
    whileRunning,
    observer: {
      runStarted(run) {
        connection.update({
          threadId: run.threadId,
          activeRunId: run.runId,
          ...(run.userId && { userId: run.userId }),
        });
        observer.runStarted(run);
      },
      event: observer.event,
      contextSet(run, values) {
        connection.noteContext(values);
        observer.contextSet(run, values);
      },
      runEnded(run, end) {
        if (connection.activeRunId === run.runId) connection.update({ activeRunId: null });
        observer.runEnded(run, end);
      },
    },
  });

  // The console's injections reach the run playing here: a RUN_FINISHED or RUN_ERROR ends it, and the socket stays
  // open for the next run (what the client queued starts after it).
  setRunControl(connection, {
    check: (events) => conversation.checkInjected(events, connection.threadId ?? undefined),
    send(event, delayMs) {
      const finding = connection.sendEvent(event, delayMs);
      conversation.injected(event, connection.threadId ?? undefined);
      return finding;
    },
  });

  const handle = (message: ClientMessage) => {
    if (message.kind === 'binary') {
      sendError('binary_frame', 'Binary frames are not supported: send JSON text frames');
      return;
    }
    if (message.kind === 'invalid-json') {
      sendError('invalid_json', `Invalid JSON: ${message.error}`);
      return;
    }
    if (message.kind === 'refused') {
      sendError(message.code, message.error);
      return;
    }
    if (conversation.queues && clientMessageKind(message.value) === 'run') {
      queue(message.value as Record<string, unknown>, message.text);
      return;
    }
    // The value was parsed from this frame for this session alone: its messages are completed in place.
    const parsed = parseClientRequest(message.value, { owned: true });
    if (parsed.kind === 'refused') {
      sendError(parsed.errorCode, parsed.message, parsed.details);
      return;
    }
    if (parsed.kind === 'approval') {
      const refusal = conversation.answerApproval(parsed.answer);
      if (refusal) sendError(refusal.errorCode, refusal.message);
      return;
    }
    const stray = strayResumeRefusal(parsed.request);
    if (stray) return sendError(stray.errorCode, stray.message, stray.details);
    const invalid = answerRefusal(parsed.request);
    if (invalid) return sendError(invalid.errorCode, invalid.message, invalid.details);
    const refusal = conversation.run(parsed.request);
    if (refusal) sendError(refusal.errorCode, refusal.message, refusal.details);
  };

  /**
   * A resume naming an interrupt that is not pending here, refused as HTTP refuses it (409) rather than played as a
   * new run, which would drop a paused run and hide the client's mistake.
   */
  const strayResumeRefusal = (request: Pick<RunRequest, 'threadId' | 'resume'>): Refusal | undefined => {
    const stray = strayResume(conversation.pendingInterruptId, request);
    if (!stray) return undefined;
    const { interruptId, pendingInterruptId, message } = stray;
    return { errorCode: 'interrupt_not_pending', message, details: { interruptId, pendingInterruptId } };
  };

  /** A resume whose payload the interrupt's `responseSchema` refuses, as a RunAgentInput that is not valid. */
  const answerRefusal = (request: RunRequest): Refusal | undefined => {
    const invalid = conversation.answerRefusal(request);
    if (!invalid) return undefined;
    const interruptId = conversation.pendingInterruptId;
    return {
      errorCode: 'invalid_run_input',
      message: `Invalid RunAgentInput: the resume payload does not satisfy the responseSchema of interrupt ${interruptId}`,
      // Located in the RunAgentInput, as the other refusals here are (`resume.0.payload.approved`).
      details: invalid.issues
        .slice(0, MAX_REPORTED_ISSUES)
        .map((issue) => ({ path: issue.loc.slice(1).join('.'), message: issue.msg })),
    };
  };

  /**
   * A run request while a run plays: refused at once when the queue is full (before it is checked), when it is
   * invalid, or when it resumes (nothing is pending while a run plays); else it waits as the frame's text, and is
   * parsed again when its turn comes, so a waiting request holds its text (which the frame log shares) and nothing
   * parsed.
   */
  const queue = (value: Record<string, unknown>, text: string) => {
    const bytes = Buffer.byteLength(text);
    const full = conversation.queueRefusal(bytes);
    if (full) return sendError(full.errorCode, full.message, full.details);
    const invalid = runInputRefusal(value);
    if (invalid) return sendError(invalid.errorCode, invalid.message, invalid.details);
    // Refused now rather than at its turn: the interrupt the playing run may end with has an id no client knows yet.
    // A request with `resume` passed the official schema above, so these fields are what they say.
    const resume = (value.resume ?? []) as ResumeEntry[];
    const stray = strayResumeRefusal({ threadId: value.threadId as string, resume });
    if (stray) return sendError(stray.errorCode, stray.message, stray.details);
    const refusal = conversation.run({ bytes, read: () => readQueued(text) });
    if (refusal) sendError(refusal.errorCode, refusal.message, refusal.details);
  };
  const readQueued = (text: string) => {
    try {
      const parsed = parseClientRequest(JSON.parse(text), { owned: true });
      if (parsed.kind === 'run') return parsed.request;
      // Checked when it arrived: not expected.
      if (parsed.kind === 'refused') sendError(parsed.errorCode, parsed.message, parsed.details);
    } catch (error) {
      context.logger.error(`${connection.path}: a queued message could not be handled`, error);
      sendError('processing_error', `The message could not be processed: ${(error as Error).message}`);
    }
    return undefined;
  };

  return {
    message(message: ClientMessage) {
      try {
        handle(message);
      } catch (error) {
        // A fault of the engine must not take the socket (or the process) down: say so, like AGORA does.
        context.logger.error(`${connection.path}: a message could not be handled`, error);
        sendError('processing_error', `The message could not be processed: ${(error as Error).message}`);
      }
    },
    closing({ message, code }) {
      if (conversation.activeRunId === null) return;
      // As an SSE stream ends: what the console holds back goes out first, the run stops (its closing events go to
      // the recording only), then the RUN_ERROR, so the client shows a reason rather than a bare close.
      connection.releaseHeld();
      conversation.close(code);
      connection.sendEvent(outgoing(runError(message, code)));
    },
    closed(end) {
      conversation.close(end);
      clearRunControl(connection);
    },
    runScenario(scenarioId) {
      const program = catalogue.program(scenarioId);
      if (!program) return undefined;
      const runId = randomUUID();
      const threadId = connection.threadId ?? `thread-${randomUUID()}`;
      const run = { threadId, runId, userId: connection.userId, state: conversation.stateOf(threadId) };
      const request = consoleRunRequest(lastLoggedRunRequest(connection), run);
      conversation.runNow(request, program, 'console');
      return runId;
    },
  };
}

/** How many of the newest run requests in a connection's log are looked at for one that is valid. */
const LOGGED_RUN_REQUESTS_LOOKED_AT = 16;

/**
 * The last valid run request the client sent on the connection, read back from its frame log as a queued one is:
 * a run that has ended keeps no request alive (a client's whole history, often), so the console's run finds it where
 * the log, within the memory budget, still holds it. Undefined when the client sent none, or the log let it go.
 */
function lastLoggedRunRequest(connection: Connection): RunRequest | undefined {
  const { items } = connection.frames.newest(
    LOGGED_RUN_REQUESTS_LOOKED_AT,
    (_seq, direction, type) => direction === 'in' && type === RUN_REQUEST_FRAME_TYPE,
  );
  for (const frame of items) {
    try {
      const parsed = parseClientRequest(JSON.parse(frame.text), { owned: true });
      if (parsed.kind === 'run') return parsed.request;
    } catch {
      // A frame the log keeps only in part (or that never parsed): an older one may do.
    }
  }
  return undefined;
}

/**
 * Coalesces the frames a run sends in one burst into one socket write: corks the TCP socket on the first
 * frame and uncorks once the burst is over (after the current I/O callbacks and their microtasks), so a
 * delay-free run costs one system call instead of one per event.
 */
function burstWriter(socket: Duplex): () => void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return () => {
    if (corked || socket.destroyed) return;
    corked = true;
    socket.cork();
    setImmediate(uncork);
  };
}
