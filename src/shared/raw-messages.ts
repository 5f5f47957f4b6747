import { z } from 'zod';
import { JsonValueSchema } from './json-value';

/** Half of a UTF-16 surrogate pair standing alone (a `\ud800` in the JSON body): UTF-8 has no bytes for it. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses a text that is not valid Unicode: it cannot go out "exactly as written" (a frame is UTF-8; the socket would
 * send U+FFFD in its place). JSON needs no check: its compact text escapes a lone surrogate (`"\ud800"`).
 */
function wellFormed(text: string, ctx: z.RefinementCtx): void {
  const at = text.search(LONE_SURROGATE);
  if (at >= 0)
    ctx.addIssue({
      code: 'custom',
      params: { type: 'string_unicode' },
      message:
        `text is not valid Unicode: a lone surrogate (half of a UTF-16 pair) at index ${at}, which a text frame ` +
        '(UTF-8) cannot carry; send the whole pair, or the value as json',
    });
}

/**
 * A raw frame a person sends into an open WebSocket from the console (`POST /connections/:id/messages`): text as
 * it is, or JSON (sent as its compact text). Any socket takes one, AG-UI or not; it goes out of the run stream.
 */
export const RawMessageBodySchema = z
  .strictObject({
    text: z.string().max(10_000_000).superRefine(wellFormed).optional(),
    json: JsonValueSchema.optional(),
  })
  // One check for the pair, not a union of two shapes: a union's error names neither field.
  .superRefine((body, ctx) => {
    const given = (['text', 'json'] as const).filter((field) => body[field] !== undefined);
    if (given.length === 0)
      ctx.addIssue({
        code: 'custom',
        params: { type: 'missing' },
        message:
          'Field required: send exactly one of text (a string, sent as written) or json (any JSON value, sent as ' +
          'its compact text)',
      });
    else if (given.length === 2)
      ctx.addIssue({ code: 'custom', message: 'Send exactly one of text or json, not both' });
  });
export type RawMessageBody = z.infer<typeof RawMessageBodySchema>;

/** The frame a raw message body sends: its text as written, or its JSON's compact text. */
export function rawMessageText(body: RawMessageBody): string {
  return body.text ?? JSON.stringify(body.json);
}

/** Answer of `POST /connections/:id/messages`. */
export interface RawMessageResult {
  connectionId: string;
  /** The frame's size in bytes, as sent. */
  size: number;
  /** Whether it waits behind a pause, latency or frames still to go (it goes out in its turn). */
  held: boolean;
}

/** Answer of `POST /sockets/:id/messages`: the open connections of the endpoint the frame went to. */
export interface SocketMessageResult {
  socketId: string;
  /** The frame's size in bytes, as sent. */
  size: number;
  /** Each connection it went to, and whether it waits there behind a pause, latency or frames still to go. */
  connections: { connectionId: string; held: boolean }[];
}
