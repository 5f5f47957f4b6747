import type { RawData } from 'ws';
import type { z } from 'zod';
import { type FeedClientMessage, FeedClientMessageSchema, MAX_FEED_MESSAGE_BYTES } from '../../shared/control-api';
import { issueWords } from '../../shared/issue-words';
import { unionIssueWords } from '../../shared/union-issue-words';
import { exceedsJsonDepth, jsonDepthMessage } from '../support/json-depth';
import { prototypeKeyPointer, prototypeKeyRefusal } from '../support/prototype-key';

export type ReadFeedMessage = { ok: true; message: FeedClientMessage } | { ok: false; detail: string };

/** Longest problem told back: an issue may quote a key the client sent, which may be huge. */
const MAX_PROBLEM_CHARS = 300;

/**
 * One client message of the live feed, checked before anything uses it: a JSON text frame, within the size and
 * depth limits, matching `FeedClientMessageSchema`. Never throws; a refusal says what to send instead.
 */
export function readFeedClientMessage(data: RawData, isBinary: boolean, maxJsonDepth: number): ReadFeedMessage {
  if (isBinary) return refused('binary messages are not read: send JSON text');
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  if (bytes.byteLength > MAX_FEED_MESSAGE_BYTES)
    return refused(`the message is larger than ${MAX_FEED_MESSAGE_BYTES} bytes`);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refused('the message is not JSON');
  }
  if (exceedsJsonDepth(value, maxJsonDepth)) return refused(jsonDepthMessage(maxJsonDepth));
  // As on every socket: the schema below would only call it an unrecognized key.
  const prototypeKey = prototypeKeyPointer(text, value);
  if (prototypeKey !== undefined) return refused(prototypeKeyRefusal(prototypeKey));
  // Worded as the control API words a body: `unknown type "x": expected one of auth, …`, not zod's English.
  const parsed = FeedClientMessageSchema.safeParse(value, { error: unionIssueWords });
  return parsed.success ? { ok: true, message: parsed.data } : refused(describeIssues(parsed.error.issues));
}

function refused(problem: string): ReadFeedMessage {
  const shown = problem.length > MAX_PROBLEM_CHARS ? `${problem.slice(0, MAX_PROBLEM_CHARS - 1)}…` : problem;
  return {
    ok: false,
    detail: `Message ignored: ${shown}. Send {"type":"subscribe-frames" or "unsubscribe-frames","connectionIds":["<id>",…] or "*"}`,
  };
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      // An unknown or missing `type` names its key already (`unknown type "x": …`).
      const namesItsPlace = issue.code === 'invalid_union' && issue.discriminator !== undefined;
      if (namesItsPlace) return issueWords(issue);
      return `${issue.path.length > 0 ? issue.path.join('.') : 'message'}: ${issueWords(issue)}`;
    })
    .join('; ');
}
