import { stringify } from 'path-to-regexp';
import { slugId, UniqueIds } from '../../../../shared/mounts/mount-ids';
import { ROUTE_METHODS, type RouteInput } from '../../../../shared/mounts/route';
import type { LoggedBody, RequestLogEntry } from '../../../../shared/request-log';
import { shortenText } from '../../../../shared/shorten-text';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

function headerValue(headers: RequestLogEntry['responseHeaders'], name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return found === undefined ? undefined : Array.isArray(found) ? found.join(', ') : String(found);
}

/** The logged body as a route's body: JSON when it was JSON (and kept whole), else its text. */
function bodyOf(body: LoggedBody | null, contentType: string | undefined): RouteInput['responses'][number]['body'] {
  if (!body || body.size === 0 || body.evicted || body.described) return undefined;
  if (contentType && JSON_TYPE.test(contentType) && !body.truncated) {
    try {
      return { json: JSON.parse(body.text) };
    } catch {
      // Not JSON after all: sent as the text it was.
    }
  }
  return { text: body.text };
}

/** A route's name may be 200 characters (RouteSchema); a logged path may be ten times that. */
const NAME_MAX = 200;

/**
 * A new route that answers this request as it was answered: its method, its path (literal, so `:` or `*` in it
 * mean nothing), and one response with the logged status, content type and body, sent as written (no templates);
 * for a request nothing answered, a 200 with an empty JSON object to fill in.
 */
export function routeFromRequest(entry: RequestLogEntry, takenIds: Iterable<string>): RouteInput {
  const method = (ROUTE_METHODS as readonly string[]).includes(entry.method)
    ? (entry.method as RouteInput['method'])
    : 'ANY';
  // What nothing answered (a 404) gets a 200 to fill in: the logged answer is the one to replace.
  const answered = entry.answeredBy !== null;
  const contentType = answered ? headerValue(entry.responseHeaders, 'content-type') : 'application/json';
  const body = answered ? bodyOf(entry.responseBody, contentType) : { json: {} };
  const notes = [
    !answered && 'Nothing answered it: write the body it should get.',
    answered && entry.responseBody?.evicted && 'the logged body was evicted from the log: write one',
    answered && entry.responseBody?.truncated && 'the logged body was cut short in the log: complete it',
    answered &&
      entry.responseBody?.described &&
      `the logged body was not text (${entry.responseBody.text}): give the response a file`,
  ].filter((note): note is string => typeof note === 'string');
  return {
    id: new UniqueIds(takenIds).take(slugId(`${method} ${entry.path}`) || 'route'),
    name: shortenText(`${method} ${entry.path}`, NAME_MAX),
    description: [`Made from a logged request (${entry.status}).`, ...notes].join(' '),
    method,
    path: stringify({ tokens: [{ type: 'text', value: entry.path }] }),
    responses: [
      {
        id: 'logged',
        status: answered ? entry.status : 200,
        headers: contentType ? { 'Content-Type': contentType } : {},
        ...(body && { body }),
        template: false,
      },
    ],
  };
}
