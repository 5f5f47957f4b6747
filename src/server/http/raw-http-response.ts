import { STATUS_CODES } from 'node:http';

/**
 * A whole HTTP response with a FastAPI-shaped body, as bytes for a raw socket: for the answers given where
 * there is no Koa context (refused WebSocket upgrades, malformed or timed-out requests). It closes the
 * connection, so nothing read after it is taken for a next request. `head`: the answer to a HEAD request, which
 * says the body's length but carries none (a client would read the body as garbage after the response).
 */
export function rawHttpResponse(
  status: number,
  detail: string,
  headers: Record<string, string> = {},
  head = false,
): string {
  const body = JSON.stringify({ detail });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
    '',
    head ? '' : body,
  ].join('\r\n');
}
