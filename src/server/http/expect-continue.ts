import type { ServerResponse } from 'node:http';

/** Answers to requests whose client waits for `100 Continue` before it sends the body, until it is sent. */
const waiting = new WeakSet<ServerResponse>();

/**
 * `Expect: 100-continue`: the client sends its body once the server asks for it. The engine asks when the body is
 * read (`askForBody`), not as the request comes in (Node's default): a request answered before its body is read —
 * too large by its Content-Length, of a type or an encoding nothing reads, by a route that does not read it — is
 * answered without asking, and Node closes its connection after that answer (the body may never come), as RFC 9110
 * §10.1.1 allows. Called by the server for each such request before it is handled.
 */
export function holdContinue(response: ServerResponse): void {
  waiting.add(response);
}

/** Asks a client that is waiting for it for its body (`100 Continue`): once, and only if it waits. */
export function askForBody(response: ServerResponse): void {
  if (waiting.delete(response)) response.writeContinue();
}

/** Whether the client still waits to be asked for its body: then it may never send it. */
export function bodyNotAskedFor(response: ServerResponse): boolean {
  return waiting.has(response);
}
