import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { ConnectionMount, FrameFinding } from '../../shared/connections';
import type { ServerSettings } from '../../shared/settings';
import { closedFromConsole, SHUTTING_DOWN, type StreamsEnd } from '../agui/streams-end';
import { UNAUTHORIZED_CLOSE } from '../gateway/socket-token';
import { jsonDepthMessage } from '../support/json-depth';
import { parsedJsonRefusal } from '../support/json-numbers';
import { prototypeKeyPointer, prototypeKeyRefusal } from '../support/prototype-key';
import { inTurn } from '../support/sliced-timer';
import type { Connection, ConnectionProtocol } from './connection';
import { binaryFrameNote, webSocketTransport } from './connection';
import type { ConnectionRegistry } from './connection-registry';
import { heartbeatDropReason } from './heartbeat';
import { closeOnShutdownWith, isClosedForShutdown, MAX_MESSAGE_FRAGMENTS, type SocketEndpoint } from './socket-server';
import { UnhandledMessages } from './unhandled-messages';
import { upgradePath } from './upgrade-path';

/** One client frame, parsed once by the endpoint so the frame log and the handler agree on it. */
export type ClientMessage =
  | { kind: 'json'; value: unknown; text: string }
  | { kind: 'invalid-json'; error: string; text: string }
  /**
   * Valid JSON refused before any handler sees it, its value dropped; `error` says why (an AG-UI socket's answer),
   * `reason` why and what to fix (a raw socket's finding). `invalid_json`: nested deeper than `maxJsonDepth`, or
   * holding a number JSON cannot write; `forbidden_key`: an object with a `__proto__` key.
   */
  | { kind: 'refused'; code: 'invalid_json' | 'forbidden_key'; error: string; reason: string; text: string }
  /**
   * `json`: its bytes as JSON, when its endpoint reads JSON (`binaryJson`) and they are UTF-8 JSON a text frame's
   * text would be taken as (the same limits); absent otherwise.
   */
  | { kind: 'binary'; size: number; bytes: Buffer; json?: unknown };

/**
 * The rule a raw socket's frame (echo, push, rules) breaks when it is JSON the engine refuses to read as JSON: it is
 * handled as text, and nothing tells its client. Logged as the frame's finding, as AG-UI sequence rules are on
 * events, so the console says why a `json` match did not hold.
 */
export const JSON_READ_RULE = {
  rule: 'J1',
  title: 'A JSON frame is read as JSON only within maxJsonDepth, with finite numbers and no "__proto__" key',
} as const;

/** The limits a frame is read under (the engine's settings, read per frame; the payload limit when a socket opens). */
export type FrameLimits = Pick<ServerSettings, 'maxJsonDepth' | 'maxPayloadBytes'>;

/** Why a socket's session ends: its client went away, or the engine closed it as it shut down. */
export type SocketEnd = 'client_gone' | 'server_shutdown';

/** The conversation on one socket: what the profile does with each message. */
export interface SocketSession {
  message(message: ClientMessage): void;
  /**
   * The engine (shutting down) or the console is closing the socket: the session's last frames, sent before the
   * close frame; `why` is what a run playing on it is told.
   */
  closing?(why: StreamsEnd): void;
  /** The socket is gone: stop timers, forget pending work. */
  closed(end: SocketEnd): void;
}

/**
 * A WebSocket endpoint of the mocked API speaking one JSON object per text frame: registers each socket
 * as a Connection (so the console sees it), logs every frame, and hands parsed messages to a session. A frame
 * nested deeper than `maxJsonDepth`, holding a number JSON cannot write, or a key named `__proto__`, reaches the
 * session as `refused`, its value dropped.
 */
export function messageSocketEndpoint(
  endpoint: {
    path: string;
    protocols?: readonly string[];
    mount?: ConnectionMount;
    /**
     * Why the socket is refused once open (the gateway's token check), or undefined to let it in. A refused socket
     * is accepted, shown in the console with the reason, and closed with 4001 "Unauthorized" (as an API gateway
     * does); nothing it sends is handled.
     */
    refusal?: (request: IncomingMessage) => string | undefined;
    protocol?: ConnectionProtocol;
    /**
     * Read binary frames holding UTF-8 JSON as JSON too (a raw endpoint whose templates or matches read `json`):
     * other endpoints never pay for parsing bytes nothing reads.
     */
    binaryJson?: boolean;
  },
  registry: ConnectionRegistry,
  limits: () => FrameLimits,
  createSession: (connection: Connection, request: IncomingMessage) => SocketSession,
): SocketEndpoint {
  return {
    path: endpoint.path,
    ...(endpoint.protocols && { protocols: endpoint.protocols }),
    accept(socket: WebSocket, request: IncomingMessage, stream: Duplex) {
      const connection = registry.create({
        kind: 'ws',
        // The path the client asked for (the endpoint's may be a pattern).
        path: upgradePath(request),
        ...(endpoint.mount && { mount: endpoint.mount }),
        ...(endpoint.protocol && { protocol: endpoint.protocol }),
        request,
        transport: {
          ...webSocketTransport(socket, stream),
          // Closed from the console, or by the engine shutting down (`closeOnShutdownWith` below): the session's
          // last frames go out before the close frame.
          beforeClose: (_code, reason) =>
            session?.closing?.(isClosedForShutdown(socket) ? SHUTTING_DOWN : closedFromConsole(reason)),
        },
      });
      let session: SocketSession | undefined;
      closeOnShutdownWith(socket, (code, reason) => connection.close(code, reason));
      // ws fixes the limit when the socket opens (as it is now), whatever the settings say later.
      const { maxPayloadBytes } = limits();
      // ws closes at once when it refuses a frame (1009, 1007…) and reads nothing more, not even the client's close
      // frame: its 'close' then says 1006. The connection records the close that was sent instead.
      let refusedFrame: { code: number; reason: string } | undefined;
      // After socket-server's own handler (which keeps the process alive): the console shows what went wrong.
      socket.on('error', (error: Error) => {
        // Unless the engine was closing already: then its own close went out, not ws's.
        if (connection.isOpen) refusedFrame = frameRefusalClose(error, maxPayloadBytes);
        connection.failed(error.message);
      });
      socket.on('close', (code: number, reason: Buffer) => {
        const silent = heartbeatDropReason(socket);
        if (silent) connection.failed(silent);
        connection.markClosed(refusedFrame?.code ?? code, refusedFrame?.reason ?? silent ?? reason.toString('utf8'));
        session?.closed(isClosedForShutdown(socket) ? 'server_shutdown' : 'client_gone');
      });
      const refusal = endpoint.refusal?.(request);
      if (refusal !== undefined) {
        connection.refuse(refusal, UNAUTHORIZED_CLOSE.code, UNAUTHORIZED_CLOSE.reason);
        return;
      }
      const opened = createSession(connection, request);
      session = opened;
      // Logged as it arrives; handled in its turn (a run it starts must not keep other clients waiting), unless
      // the connection is closing by then: a frame sent after the engine's close frame did arrive (RFC 6455 lets a
      // closing endpoint receive), but nothing may be sent after that close. What waits for its turn is bounded:
      // past it the socket is not read from.
      const unhandled = new UnhandledMessages(socket);
      const handle = (message: ClientMessage, size: number) => {
        unhandled.read(size);
        inTurn(() => {
          unhandled.handled(size);
          if (!connection.isOpen) return;
          opened.message(message);
          connection.flushWrites();
        });
      };
      socket.on('ping', () => connection.pinged());
      socket.on('message', (data: RawData, isBinary: boolean) => {
        const bytes = rawBytes(data);
        if (isBinary) {
          const read = endpoint.binaryJson ? binaryAsJson(bytes, limits().maxJsonDepth) : undefined;
          const finding = read?.kind === 'refused' ? readAsText(read) : undefined;
          connection.received(binaryFrameNote(bytes.length), bytes.length, true, null, finding);
          handle(
            { kind: 'binary', size: bytes.length, bytes, ...(read?.kind === 'json' && { json: read.value }) },
            bytes.length,
          );
          return;
        }
        const text = bytes.toString('utf8');
        const message = parseFrame(text, limits().maxJsonDepth);
        // Run requests and events are named in the log; other protocols' frames are theirs to name.
        const type = message.kind === 'json' && connection.protocol === 'agui' ? messageType(message.value) : null;
        // An AG-UI socket answers refused JSON with an error; a raw one reads it as text, so only its log can say why.
        const finding = message.kind === 'refused' && connection.protocol === 'raw' ? readAsText(message) : undefined;
        connection.received(text, bytes.length, false, type, finding);
        handle(message, bytes.length);
      });
    },
  };
}

/**
 * The close ws sent on refusing a client's frame, with a reason that says what to fix; undefined for an error that
 * sent no close (a lost TCP connection). ws sends its close, without a reason, before the engine hears of the
 * error: the reason is for the console only.
 */
function frameRefusalClose(error: Error & { code?: string }, maxPayloadBytes: number) {
  // The code ws sent is on the error, under a symbol ws does not export.
  const key = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === 'status-code');
  const code: unknown = key && (error as unknown as Record<symbol, unknown>)[key];
  if (typeof code !== 'number') return undefined;
  switch (error.code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return {
        code,
        reason: `Message too big: the limit is ${maxPayloadBytes} bytes (maxPayloadBytes, --max-payload)`,
      };
    case 'WS_ERR_INVALID_UTF8':
      return { code, reason: 'Invalid UTF-8 in a text frame or close reason' };
    // Both are a client's own framing, which ws names without saying what it wants instead.
    case 'WS_ERR_UNEXPECTED_RSV_1':
      return {
        code,
        reason:
          'Compressed frame (RSV1 set), but no compression was negotiated: this server speaks no permessage-deflate; send frames uncompressed',
      };
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      if (error.message.endsWith('Too many message fragments'))
        return {
          code,
          reason: `A message in more than ${MAX_MESSAGE_FRAGMENTS} fragments: send it whole, or in larger fragments`,
        };
      return { code, reason: error.message };
    default:
      return { code, reason: error.message };
  }
}

function parseFrame(text: string, maxJsonDepth: number): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid-json', error: (error as Error).message, text };
  }
  const refusal = parsedJsonRefusal(value, maxJsonDepth);
  if (refusal !== undefined) {
    // One walk finds either: too deep, or a number out of range (its refusal names the number's place).
    const fix =
      refusal === jsonDepthMessage(maxJsonDepth) ? 'flatten it, or raise maxJsonDepth' : 'send it as a string';
    return {
      kind: 'refused',
      code: 'invalid_json',
      error: `Frame rejected: ${refusal}`,
      reason: `${refusal}; ${fix}`,
      text,
    };
  }
  const prototypeKey = prototypeKeyPointer(text, value);
  if (prototypeKey !== undefined) {
    const error = prototypeKeyRefusal(prototypeKey);
    // The refusal is a sentence of its own; here it follows "Read as text, not JSON: ".
    const reason = `${error.charAt(0).toLowerCase()}${error.slice(1)}`;
    return { kind: 'refused', code: 'forbidden_key', error, reason, text };
  }
  return { kind: 'json', value, text };
}

/**
 * A binary frame read as a text frame would be, under the same limits: undefined when its bytes are not UTF-8 (they
 * are not JSON then, whatever a lenient decoding would make of them).
 */
function binaryAsJson(bytes: Buffer, maxJsonDepth: number): ClientMessage | undefined {
  return isUtf8(bytes) ? parseFrame(bytes.toString('utf8'), maxJsonDepth) : undefined;
}

/** The finding on a raw socket's frame whose JSON was refused: it goes on as text. */
function readAsText(message: { reason: string }): FrameFinding {
  return { ...JSON_READ_RULE, message: `Read as text, not JSON: ${message.reason}` };
}

function rawBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** What a client's run request (which carries no event type) is logged as in its connection's frames. */
export const RUN_REQUEST_FRAME_TYPE = 'RunAgentInput';

/** The event type of a client frame, or RUN_REQUEST_FRAME_TYPE for a run request. */
function messageType(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string') return record.type;
  if ('messages' in record) return RUN_REQUEST_FRAME_TYPE;
  return null;
}
