import { z } from 'zod';
import { JsonValueSchema } from './json-value';

/**
 * A raw frame a person sends into an open WebSocket from the console (`POST /connections/:id/messages`): text as
 * it is, or JSON (sent as its compact text). Any socket takes one, AG-UI or not; it goes out of the run stream.
 */
export const RawMessageBodySchema = z.union([
  z.strictObject({ text: z.string().max(10_000_000) }),
  z.strictObject({ json: JsonValueSchema }),
]);
export type RawMessageBody = z.infer<typeof RawMessageBodySchema>;

/** Answer of `POST /connections/:id/messages`. */
export interface RawMessageResult {
  connectionId: string;
  /** The frame's size in bytes, as sent. */
  size: number;
  /** Whether it waits behind a pause, latency or frames still to go (it goes out in its turn). */
  held: boolean;
}
