import { stringify } from 'path-to-regexp';
import { slugId, UniqueIds } from '../../../../shared/mounts/mount-ids';
import { ROUTE_METHODS, type RouteInput } from '../../../../shared/mounts/route';
import type { LoggedBody, RequestLogEntry } from '../../../../shared/request-log';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

function headerValue(headers: RequestLogEntry['responseHeaders'], name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return found === undefined ? undefined : Array.isArray(found) ? found.join(', ') : String(found);
}

/** The logged body as a route's body: JSON when it was JSON (and kept whole), else its text. */
function bodyOf(body: LoggedBody | null, contentType: string | undefined): RouteInput['responses'][number]['body'] {
  if (!body || body.size === 0 || body.evicted) return undefined;
  if (contentType && JSON_TYPE.test(contentType) && !body.truncated) {
    try {
      return { json: JSON.parse(body.text) };
    } catch {
      // Not JSON after all: sent as the text it was.
    }
  }
  return { text: body.text };
}

/**
 * A new route that answers this request as it was answered: its method, its path (literal, so `:` or `*` in it
 * mean nothing), and one response with the logged status, content type and body, sent as written (no templates).
 */
export function routeFromRequest(entry: RequestLogEntry, takenIds: Iterable<string>): RouteInput {
  const method = (ROUTE_METHODS as readonly string[]).includes(entry.method)
    ? (entry.method as RouteInput['method'])
    : 'ANY';
  const contentType = headerValue(entry.responseHeaders, 'content-type');
  const body = bodyOf(entry.responseBody, contentType);
  const notes = [
    entry.responseBody?.evicted && 'the logged body was evicted from the log: write one',
    entry.responseBody?.truncated && 'the logged body was cut short in the log: complete it',
  ].filter((note): note is string => typeof note === 'string');
  return {
    id: new UniqueIds(takenIds).take(slugId(`${method} ${entry.path}`) || 'route'),
    name: `${method} ${entry.path}`,
    description: [`Made from a logged request (${entry.status}).`, ...notes].join(' '),
    method,
    path: stringify({ tokens: [{ type: 'text', value: entry.path }] }),
    responses: [
      {
        id: 'logged',
        status: entry.status,
        headers: contentType ? { 'Content-Type': contentType } : {},
        ...(body && { body }),
        template: false,
      },
    ],
  };
}
