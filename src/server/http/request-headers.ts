import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The name Node's header object cannot hold: assigned to it, `__proto__` sets (text: does not set) its prototype. */
const PROTOTYPE_NAME = '__proto__';

/**
 * The request's headers by lower-case name, as Node gives them, and one named `__proto__` too, which Node drops: in
 * an object without a prototype, so it is a header like any other, its repeats joined as Node joins a name it does
 * not know. Node's own object when the request sent none (the name is looked for in its raw headers).
 */
export function requestHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const { rawHeaders } = req;
  let value: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.length !== PROTOTYPE_NAME.length || name.toLowerCase() !== PROTOTYPE_NAME) continue;
    const next = rawHeaders[index + 1] as string;
    value = value === undefined ? next : `${value}, ${next}`;
  }
  if (value === undefined) return req.headers;
  const headers: IncomingHttpHeaders = Object.assign(Object.create(null), req.headers);
  headers[PROTOTYPE_NAME] = value;
  return headers;
}
