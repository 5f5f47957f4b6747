import type { BaseEvent } from '@ag-ui/core';
import type { EventEncoder } from '@ag-ui/encoder';
import { loadModule } from '../support/load-module';
import { RememberedAnswers } from '../support/remembered-answers';

const SSE_MEDIA_TYPE = 'text/event-stream';
/**
 * AG-UI's protobuf media type, as `@ag-ui/encoder` names it (`AGUI_MEDIA_TYPE`; the wire tests ask for the encoder's
 * own). Spelt here so that the encoder, and protobuf with it, load only when a client asks for that format: about
 * 65 ms of CPU every process that loads the engine paid, for a format few clients use.
 */
const AGUI_MEDIA_TYPE = 'application/vnd.ag-ui.event+proto';
/** What goes before and after an event's JSON in an SSE frame. */
const SSE_DATA = Buffer.from('data: ');
const SSE_END = Buffer.from('\n\n');

/** How events go on the wire for one response: SSE text (with keep-alive comments) or length-prefixed protobuf. */
export type EventStreamFormat =
  | {
      readonly contentType: string;
      readonly binary: false;
      /** Bytes of one event's frame, from the UTF-8 length of the JSON the engine already serialised it to. */
      frameBytes(jsonBytes: number): number;
      /** Writes one event's frame at `offset` (with room for `frameBytes`); returns the offset after it. */
      writeFrame(target: Buffer, offset: number, json: string): number;
      /** A comment that keeps an idle stream alive through proxies. */
      readonly keepAlive: string;
    }
  | {
      readonly contentType: string;
      readonly binary: true;
      frame(event: BaseEvent): Uint8Array;
    };

/**
 * Picks the encoding the Accept header prefers: SSE unless protobuf, named, ranks higher, so a wildcard (curl's and
 * fetch's default) gets SSE, even one ranked above SSE (`text/event-stream;q=0.5, *\/*`: no request for a binary
 * format); the encoder alone picks protobuf whenever it is acceptable at all. A range naming a type with parameters
 * (`text/event-stream;charset=utf-8`) or an unreadable q, which negotiation matches with nothing, still names it.
 * Undefined when the client accepts neither. `accept` is the header as received (undefined when absent); `accepts`
 * negotiates.
 */
export function negotiateEventStream(
  accept: string | undefined,
  accepts: (...types: string[]) => string | false,
): EventStreamFormat | undefined {
  // The choice depends on the header alone, and clients send the same few headers on every request.
  const key = accept ?? ABSENT;
  let chosen = chosenByAccept.get(key);
  if (chosen === undefined) {
    chosen = accepts(SSE_MEDIA_TYPE, AGUI_MEDIA_TYPE);
    const named = accept === undefined ? new Set<string>() : namedMediaTypes(accept);
    const sseAcceptable = named.has(SSE_MEDIA_TYPE) || accepts(SSE_MEDIA_TYPE) !== false;
    if (chosen === AGUI_MEDIA_TYPE && !named.has(AGUI_MEDIA_TYPE) && sseAcceptable) chosen = SSE_MEDIA_TYPE;
    if (chosen === false) chosen = EVENT_STREAM_MEDIA_TYPES.find((type) => named.has(type)) ?? false;
    chosenByAccept.remember(key, chosen);
  }
  if (chosen === SSE_MEDIA_TYPE) return SSE_FORMAT;
  return chosen === AGUI_MEDIA_TYPE ? protobuf() : undefined;
}

/** The media types an Accept header names outright (not by a wildcard), but for those it refuses with `q=0`. */
function namedMediaTypes(accept: string): Set<string> {
  const named = new Set<string>();
  for (const range of accept.toLowerCase().split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim());
    const refused = parameters.some((parameter) => /^q\s*=\s*0(\.0*)?$/.test(parameter));
    if (!refused && !type.includes('*')) named.add(type);
  }
  return named;
}

/** Accept headers negotiated lately. */
const chosenByAccept = new RememberedAnswers<string | false>(64);
/** The key for a request without an Accept header (which accepts anything; an empty header accepts nothing). */
const ABSENT = '\0absent';

/** SSE frames are written by the engine itself (see `writeFrame`): no encoder needed. */
const SSE_FORMAT: EventStreamFormat = {
  contentType: SSE_MEDIA_TYPE,
  binary: false,
  // What the encoder's encodeSSE writes (`data: <json>\n\n`), without serialising the event a second time: events the
  // engine sends are schema-valid, and the schemas refuse nulls in optional fields, so there is nothing to omit.
  frameBytes: (jsonBytes) => SSE_DATA.length + jsonBytes + SSE_END.length,
  // The prefix and the end byte by byte: a copy call each cost more than the bytes (a speed-0 run writes 57 frames).
  writeFrame: (target, offset, json) => {
    let at = putBytes(target, offset, SSE_DATA);
    at += target.write(json, at);
    return putBytes(target, at, SSE_END);
  },
  keepAlive: ': keep-alive\n\n',
};

let protobufFormat: EventStreamFormat | undefined;

/** The protobuf format, with the encoder loaded the first time a client asks for it. */
function protobuf(): EventStreamFormat {
  if (!protobufFormat) {
    const { EventEncoder: Encoder } = loadModule('@ag-ui/encoder') as { EventEncoder: typeof EventEncoder };
    const encoder = new Encoder({ accept: AGUI_MEDIA_TYPE });
    protobufFormat = { contentType: AGUI_MEDIA_TYPE, binary: true, frame: (event) => encoder.encodeProtobuf(event) };
  }
  return protobufFormat;
}

/** The media types the endpoint can answer with, for a 406 that says which. */
export const EVENT_STREAM_MEDIA_TYPES = [SSE_MEDIA_TYPE, AGUI_MEDIA_TYPE] as const;

/** Writes the few `bytes` into `target` at `offset`; returns the offset after them. */
function putBytes(target: Buffer, offset: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) target[offset + i] = bytes[i] as number;
  return offset + bytes.length;
}
