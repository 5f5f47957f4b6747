import type { Middleware } from 'koa';
import compose from 'koa-compose';
import type { ConnectionMount } from '../../shared/connections';
import type { AguiEndpointEnvironment } from '../agui/endpoint-environment';
import { outgoing, runError, runStarted } from '../agui/events';
import { closedFromConsole, type StreamsEnd } from '../agui/streams-end';
import { HttpError } from '../http/http-errors';
import { jsonBody } from '../http/json-body';
import { requestBody } from '../http/parse-query-and-body';
import { requestOrigin } from '../http/request-origin';
import type { Connection } from '../ws/connection';
import { RUN_REQUEST_FRAME_TYPE } from '../ws/message-socket-endpoint';
import { agentRunRequest } from './agent-run-input';
import { AgentThread, type RunStream } from './agent-thread';
import { EVENT_STREAM_MEDIA_TYPES, negotiateEventStream } from './event-stream-format';
import { EventStreamResponse } from './event-stream-response';
import { portableEvent } from './portable-event';
import { ThreadConversations } from './thread-conversations';

export interface AgentHttpOptions {
  /** Idle time after which an SSE stream gets a `: keep-alive` comment; 0 sends none. */
  keepAliveMs: number;
  /** Threads whose conversation is kept between requests (least recently used idle ones go first). */
  maxThreads: number;
  /** A thread not used for this long is forgotten, with any interrupt it was paused at. */
  threadIdleMs: number;
}

export const DEFAULT_AGENT_HTTP_OPTIONS: AgentHttpOptions = {
  keepAliveMs: 15_000,
  maxThreads: 1_000,
  threadIdleMs: 30 * 60_000,
};

export interface AgentHttpEndpoint {
  /** Answers a `POST` to the agent's path: the body read and checked, then the run streamed. */
  readonly handle: Middleware;
  /**
   * Ends every open stream (its run stopped, then a `RUN_ERROR` saying why, rather than a response cut short) and
   * forgets every thread: the agent changed or removed, the engine closed.
   */
  close(why: StreamsEnd): void;
}

/**
 * The official AG-UI HTTP binding on the engine's scenarios: `POST` a RunAgentInput, get the run's events as
 * SSE or protobuf (Accept decides). Input is checked before anything streams (422/400/415, 406, 409 for a
 * resume with nothing to continue). Each request is a connection of kind `sse` in the registry, so the console
 * lists it, records its frames and can inject into it while it is open.
 */
export function agentHttpEndpoint(
  environment: AguiEndpointEnvironment,
  options: Partial<AgentHttpOptions> = {},
  /** The agent it serves, named on each of its connections (`kind: 'agent'`). */
  mount?: ConnectionMount,
): AgentHttpEndpoint {
  const { context } = environment;
  const { keepAliveMs, maxThreads, threadIdleMs } = { ...DEFAULT_AGENT_HTTP_OPTIONS, ...options };
  const threads = new ThreadConversations<AgentThread>({ maxThreads, idleMs: threadIdleMs });
  /** The open streams, each with how to end it. */
  const open = new Map<Connection, (why: StreamsEnd) => void>();
  /** Set once closed: a request still reaching it (the engine closing) is refused, never played on forgotten threads. */
  let closedFor: StreamsEnd | undefined;

  const play: Middleware = (ctx) => {
    if (closedFor) throw new HttpError(503, closedFor.message);
    const format = negotiateEventStream(ctx.req.headers.accept, (...types) => ctx.accepts(...types));
    if (!format) {
      throw new HttpError(406, `Not Acceptable: this endpoint answers with ${EVENT_STREAM_MEDIA_TYPES.join(' or ')}`);
    }
    const body = requestBody(ctx);
    const request = agentRunRequest(body);
    const thread = threads.acquire(
      request.threadId,
      () =>
        new AgentThread(environment, requestOrigin(ctx.req) ?? context.origin(), {
          mount: mount ?? null,
          path: ctx.path,
        }),
    );
    thread.checkResume(request);

    // From here on the response is ours: Koa neither serialises nor ends it.
    ctx.status = 200;
    ctx.respond = false;
    return new Promise<void>((resolve) => {
      let stream: RunStream | undefined;
      let lastFrame: string | undefined;
      /** Set once the stream is ending (its run over, or a RUN_ERROR sent): nothing more is added to it. */
      let ending = false;
      let encodeFailure: Error | undefined;
      /**
       * The run stops, the client gets a RUN_ERROR saying why, and the response ends after it: closed with `close`
       * (kept for the console) when the engine or the console ends it.
       */
      const endWithRunError = ({ message, code }: StreamsEnd, close?: { code: number; reason: string }) => {
        if (ending) return;
        ending = true;
        if (!stream) return transport.end();
        thread.abandoned(stream, code);
        try {
          const { connection } = stream;
          // RUN_ERROR is valid at any point of a run, but a stream may not start with it.
          if (lastFrame === undefined) connection.sendEvent(outgoing(runStarted(request.threadId, request.runId)));
          const ended = outgoing(runError(message, code));
          connection.sendEvent(ended);
          // Ended by the engine or the console (the code is kept for it), or once the RUN_ERROR is written.
          if (close === undefined) transport.endAfterFrame(ended.json);
          else transport.close(close.code, close.reason);
        } catch {
          transport.end();
        }
      };
      /**
       * The stream cannot go on (an event that cannot be encoded, a fault in the engine): never a stream left open
       * doing nothing.
       */
      const fail = (problem: string, error: unknown) => {
        if (ending) return;
        context.logger.error(`${ctx.method} ${ctx.path}: ${problem}; the stream ends with RUN_ERROR`, error);
        endWithRunError({ message: `The mock could not go on with this stream: ${problem}`, code: 'stream_error' });
      };
      const failOnEncodeError = () => {
        const error = encodeFailure;
        encodeFailure = undefined;
        if (error) fail(`an event could not be encoded as ${format.contentType}: ${error.message}`, error);
      };
      const transport = new EventStreamResponse({
        response: ctx.res,
        format,
        keepAliveMs,
        onClosed(end) {
          if (stream) {
            open.delete(stream.connection);
            // Dropped with a client that did not read (this stream, or another one pipelined on its connection).
            if (end.error !== null) stream.connection.failed(end.error);
            stream.connection.markClosed(
              end.code,
              end.reason ?? (end.aborted ? 'client closed the stream' : 'stream ended'),
            );
            // Closed before its run ended (client gone, console closed it): the run stops at once.
            thread.abandoned(stream);
          }
          threads.touch(request.threadId, thread);
          // The request, and its log entry, last as long as the stream.
          resolve();
        },
        beforeClose(code, reason) {
          // Closed from the console: ended as the engine ends a stream, what the console held back first.
          stream?.connection.releaseHeld();
          endWithRunError(closedFromConsole(reason), { code, reason });
        },
        onEncodeError(error) {
          // After the frame being written is recorded, so the console's log keeps the order the client saw: at once
          // when the run sent it (below), else (an event injected from the console) once the sending is over.
          encodeFailure = error;
          queueMicrotask(failOnEncodeError);
        },
      });
      try {
        const connection = context.registry.create({
          kind: 'sse',
          path: ctx.path,
          request: ctx.req,
          transport,
          ...(mount && { mount }),
        });
        open.set(connection, (why) => {
          // The engine ends it: what the console holds back (a pause, added latency) goes out first, at once.
          connection.releaseHeld();
          endWithRunError(why, { code: 1001, reason: why.message });
        });
        // Known before any run starts, so the console can tell whose stream it is whatever happens next.
        connection.update({ threadId: request.threadId });
        // The body as the client sent it (a client's whole history, often): not serialised again.
        const raw = ctx.request.rawBody;
        const text = typeof raw === 'string' && raw !== '' ? raw : JSON.stringify(body);
        connection.received(text, Buffer.byteLength(text), false, RUN_REQUEST_FRAME_TYPE);
        stream = {
          connection,
          send(runEvent) {
            try {
              const event = portableEvent(runEvent);
              // Binary formats encode the event object: hand it over with its JSON so the text is not parsed back.
              transport.remember(event.json, event.event);
              connection.sendEvent(event);
              lastFrame = event.json;
              // A run plays on synchronously: it must not finish over an event the client never got.
              failOnEncodeError();
            } catch (error) {
              fail(`an event could not be sent: ${(error as Error).message}`, error);
            }
          },
          end() {
            if (ending) return;
            ending = true;
            if (lastFrame === undefined) transport.end();
            else transport.endAfterFrame(lastFrame);
          },
        };
        const playing = stream;
        const start = () => {
          try {
            if (!ending) thread.play(request, playing);
          } catch (error) {
            fail(`the run could not be played: ${(error as Error).message}`, error);
          }
        };
        // A request pipelined behind another on its connection plays when its response's turn comes (Node hands it
        // the socket then): played at once, its events would wait in memory, counted against a client that is still
        // reading the run before it, and the client could be dropped as too slow while reading at full speed.
        if (ctx.res.socket) start();
        else ctx.res.once('socket', start);
      } catch (error) {
        fail(`the run could not be played: ${(error as Error).message}`, error);
      }
    });
  };

  return {
    handle: compose([jsonBody(context.settings), play]),
    close(why) {
      closedFor ??= why;
      // Before the threads go: a stopped run closes what it opened, in its thread's history too.
      for (const end of open.values()) end(why);
      open.clear();
      threads.close();
    },
  };
}
