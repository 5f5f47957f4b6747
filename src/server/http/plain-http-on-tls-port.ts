import type { Server as NetServer, Socket } from 'node:net';
import type { Logger } from '../support/logger';
import { endConnection } from './end-connection';
import { rawHttpResponse } from './raw-http-response';

/** The first byte of a TLS record that carries a handshake: every TLS connection opens with one. */
const TLS_HANDSHAKE = 0x16;
/** How much of a plain request's first bytes is read for its request line and Host header. */
const HEAD_CHARS = 16 * 1024;
/** A request line as a plain HTTP client sends it: the method and target. */
const REQUEST_LINE = /^([A-Z]{1,20}) (\/\S{0,2048}) HTTP\/1\.[01]\r?\n/;
/** What a request line can begin with, before its end has come (loosely: the line itself is checked when whole). */
const REQUEST_LINE_START = /^[A-Z]{1,20}(?: (?:\/\S{0,2048}(?: [HTP/1.01]{0,8}\r?)?)?)?$/;
/** The blank line that ends a request's head. */
const HEAD_END = /\r?\n\r?\n/;
/** The Host header, when it names a host (and port) that can go into a URL as it stands. */
const HOST_HEADER =
  /\r?\nhost:[ \t]{0,16}([A-Za-z0-9.-]{1,253}(?::\d{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?)[ \t]{0,16}\r?\n/i;

/**
 * Makes an HTTPS server answer a plain HTTP request sent to its port — a browser or client given `http://` for
 * an engine serving HTTPS — with a 400 that names the URL to use (as Go's and nginx's servers do), where the TLS
 * layer alone closes the connection without a word. A connection's first bytes decide: a TLS handshake goes on
 * to the TLS layer, those bytes with it; a plain HTTP request is read until its head is whole (however the client
 * splits its writes; at most `HEAD_CHARS`) and answered; anything else is closed as soon as it cannot be one.
 * `firstBytesTimeoutMs` after it opened, however slowly bytes came, a connection that sent nothing is closed and a
 * request whose head is not whole is answered from its request line, or closed without one (the handshake's own
 * timeout starts once it has begun).
 * Call it before anything else listens for the server's connections.
 */
export function answerPlainHttpOnTlsPort(server: NetServer, firstBytesTimeoutMs: number, logger: Logger): void {
  const [startTls, ...others] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (!startTls || others.length > 0) throw new Error('answerPlainHttpOnTlsPort: only the TLS layer may listen yet');
  server.removeListener('connection', startTls);
  server.on('connection', (socket: Socket) => {
    let head = '';
    const gone = () => socket.destroy();
    // The whole head within the timeout, however slowly it trickles in (as Node's own headersTimeout counts).
    const deadline = setTimeout(() => (head === '' ? gone() : answer()), firstBytesTimeoutMs);
    const stopReading = () => {
      clearTimeout(deadline);
      socket.removeListener('data', read);
    };
    const answer = () => {
      stopReading();
      answerPlainRequest(socket, head, logger);
    };
    const read = (chunk: Buffer) => {
      if (head === '' && chunk[0] === TLS_HANDSHAKE) {
        stopReading();
        socket.removeListener('error', gone);
        socket.pause();
        // The TLS layer reads what is buffered before anything else.
        socket.unshift(chunk);
        startTls.call(server, socket);
        return;
      }
      // A client may write its request in pieces: read on until the head is whole (or as much as is looked at).
      head += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_CHARS - head.length));
      if (!mayBeRequestHead(head)) {
        stopReading();
        socket.destroy();
      } else if (HEAD_END.test(head) || head.length >= HEAD_CHARS) answer();
    };
    socket.on('error', gone);
    socket.once('close', () => clearTimeout(deadline));
    socket.on('data', read);
  });
}

/** Whether `head` can be, or begin, a plain HTTP request: a request line, or the start of one. */
function mayBeRequestHead(head: string): boolean {
  const lineEnd = head.indexOf('\n');
  return lineEnd === -1 ? REQUEST_LINE_START.test(head) : REQUEST_LINE.test(head);
}

/** Answers a plain request with the 400 naming the https URL; what is not a whole request line is closed. */
function answerPlainRequest(socket: Socket, head: string, logger: Logger): void {
  const request = REQUEST_LINE.exec(head);
  if (!request) {
    socket.destroy();
    return;
  }
  const [, method, target] = request;
  const url = `https://${HOST_HEADER.exec(head)?.[1] ?? localHost(socket)}${target}`;
  logger.warn(`plain HTTP request on the HTTPS port (${method} ${target}): answered 400, use ${url}`);
  const detail = `Bad Request: this port serves HTTPS; send the request to ${url} (https://, not http://)`;
  endConnection(socket, rawHttpResponse(400, detail, {}, method === 'HEAD'));
  // Whatever else the client sends is not read: dropped, so its close comes through.
  socket.resume();
}

/** The address and port the connection came in on, as a URL's host. */
function localHost(socket: Socket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  return `${address.includes(':') ? `[${address}]` : address}:${socket.localPort}`;
}
