import { createServer, type IncomingMessage, maxHeaderSize, type Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ServerSettings } from '../../shared/settings';
import { isClientGone } from '../support/client-gone';
import type { Logger } from '../support/logger';
import { afterPendingResponses } from './after-pending-responses';
import { finishResponsesAfterClientFin, watchClientFin } from './client-half-close';
import type { ConnectionLimit } from './connection-limit';
import { endConnection } from './end-connection';
import { holdContinue } from './expect-continue';
import { answerPlainHttpOnTlsPort } from './plain-http-on-tls-port';
import { rawHttpResponse } from './raw-http-response';
import { hasRequestBody } from './request-body';

/** The settings that bound how long a client may take: applied at creation and again whenever they change. */
export type HttpTimeouts = Pick<ServerSettings, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>;

/**
 * How often Node looks for requests past their header or request timeout (fixed when the server is created;
 * Node's default, 30 s, lets a slow client overstay its timeout by that much).
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A checked certificate (PEM, intermediates after it) and its private key (PEM). */
export interface HttpsCredentials {
  cert: string;
  key: string;
}

/**
 * The Node HTTP server under the Koa app, hardened against clients that misbehave below HTTP's application
 * layer: header, request and keep-alive timeouts from the settings (long-lived responses such as SSE streams,
 * and WebSockets after their upgrade, are not bound by them); malformed, oversized and timed-out requests
 * answered with the right status and a FastAPI body (a missing Host header too); CONNECT requests routed like any
 * other unknown method; `100 Continue` sent only once the body is read, and unknown expectations (`Expect`) served
 * like any request; an event stream whose client half-closes its connection (HTTP/1.1) plays to its end, where any
 * other answer is cut short as its client leaves (`finishResponsesAfterClientFin`). With `tls` it is an HTTPS server
 * that behaves the same once a connection's handshake is done (a failed handshake just closes the connection; a
 * plain HTTP request is answered 400 with the https URL to use); the handshake itself gets the header timeout, fixed
 * at creation. `connectionLimit` bounds its connections (and ends those whose handshake is not done when the
 * engine closes); a request on one let in over the limit is answered 503 (unless the
 * limit serves it) and its connection closed.
 */
export function createHttpServer(
  handler: RequestHandler,
  timeouts: HttpTimeouts,
  logger: Logger,
  connectionLimit: ConnectionLimit,
  tls?: HttpsCredentials,
): Server {
  const serve: RequestHandler = (request, response) => {
    if (connectionLimit.refuses(request)) {
      answerAndClose(response, 503, connectionLimit.refusalMessage);
      return;
    }
    // Node's own refusal of an HTTP/1.1 request without Host is a bare 400; this one says what is missing.
    if (request.httpVersion === '1.1' && !request.headers.host) {
      answerAndClose(response, 400, 'Bad Request: an HTTP/1.1 request needs a Host header');
      return;
    }
    handler(request, response);
  };
  // A request the HTTP parser read (not a CONNECT, whose socket Node hands over, as it does an upgrade's).
  const serveParsed: RequestHandler = (request, response) => {
    watchClientFin(request.socket);
    serve(request, response);
  };
  const options = { connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS, requireHostHeader: false };
  const server = tls
    ? createHttpsServer({ ...options, ...tls, handshakeTimeout: timeouts.headersTimeoutMs }, serveParsed)
    : createServer(options, serveParsed);
  finishResponsesAfterClientFin(server);
  if (tls) answerPlainHttpOnTlsPort(server, timeouts.headersTimeoutMs, logger);
  applyHttpTimeouts(server, timeouts);
  connectionLimit.attach(server, tls !== undefined);
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Node reports every later parse failure on the same socket too; it has been answered once.
    if (answered.has(socket)) return;
    answered.add(socket);
    const answer = clientErrorAnswer(error);
    if (!answer || !socket.writable || responseInFlight(socket)) {
      socket.destroy();
      return;
    }
    logger.warn(`bad HTTP request (${answer.status}): ${error.message}`);
    // After the answers to the requests before it on the connection, not in their place.
    afterPendingResponses(socket, () =>
      endConnection(socket, rawHttpResponse(answer.status, answer.detail, {}, isHeadRequest(error))),
    );
  });
  // Expect: 100-continue: the 100 is sent when the body is read, not before (`holdContinue`). A request without a
  // body expects nothing: no 100 (written for a request pipelined behind another, Node put it inside that one's
  // answer), and its connection is kept — Node closes one whose expectation went unanswered (`_expect_continue`,
  // set just before this event), which lost the requests pipelined behind it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (hasRequestBody(request)) holdContinue(response);
    else (response as ServerResponse & { _expect_continue: boolean })._expect_continue = false;
    serveParsed(request, response);
  });
  // An Expect other than 100-continue: Node would answer a bare 417; FastAPI (uvicorn) serves the request as usual.
  server.on('checkExpectation', serveParsed);
  // Node drops CONNECT requests without a word unless someone listens; answer them as the app answers any
  // method it does not serve (405 on a known path, 404 elsewhere; a host:port target is no path here).
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    socket.on('error', (error) => {
      if (!isClientGone(error)) logger.warn(`CONNECT socket error: ${error.message}`);
    });
    afterPendingResponses(socket, () => {
      if (!request.url?.startsWith('/')) {
        endConnection(socket, rawHttpResponse(404, 'Not Found'));
        return;
      }
      const response = new ServerResponse(request);
      response.shouldKeepAlive = false;
      response.assignSocket(socket as never);
      response.once('finish', () => {
        response.detachSocket(socket as never);
        endConnection(socket);
      });
      serve(request, response);
    });
  });
  return server;
}

/** Answers before the app sees the request (FastAPI's body), and closes the connection after it. */
function answerAndClose(response: ServerResponse, status: number, detail: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json', Connection: 'close' });
  response.end(JSON.stringify({ detail }));
}

/** Node reads these for each new check and each response, so changing them applies to connections already open. */
export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts): void {
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
}

/** The answer to a request Node could not parse or that took too long; undefined for a connection simply lost. */
function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; detail: string } | undefined {
  const reason = (error as { reason?: string }).reason ?? error.message;
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        detail:
          'Request Timeout: the request did not arrive in full in time (settings headersTimeoutMs, requestTimeoutMs)',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        detail: `Request Header Fields Too Large: the request line and headers may take at most ${maxHeaderSize} bytes`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, detail: 'Content Too Large: the chunk extensions of the body are too large' };
  }
  if (!error.code?.startsWith('HPE_')) return undefined;
  return { status: 400, detail: `Bad Request: malformed HTTP (${reason})` };
}

/** Whether the request Node could not parse began as a HEAD request (its answer then carries no body). */
function isHeadRequest(error: Error): boolean {
  const raw = (error as { rawPacket?: Buffer }).rawPacket;
  return raw !== undefined && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
}

/**
 * Whether a response has started on this socket: then a raw answer would corrupt it. Node's own clientError
 * fallback checks the same (private) field.
 */
function responseInFlight(socket: Duplex): boolean {
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  return inFlight?.headersSent === true;
}
