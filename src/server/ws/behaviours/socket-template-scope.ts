import type { TemplateScopeKind } from '../../templates/template-scope';

/**
 * What a socket frame's template reads: the message being answered (empty on connect and for a feed started on
 * connect), the connection, and the upgrade request it came in with. Header names are lower-case.
 */
export interface SocketTemplateScope {
  /** The message's text; a binary message decoded as UTF-8. */
  message: string;
  /** The message parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  binary: boolean;
  /** The message's size in bytes. */
  size: number;
  /** Parameters of the endpoint's path pattern (`room` of `/chat/:room`). */
  params: Record<string, string>;
  /** Query parameters of the upgrade request (the last value of a repeated one). */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The path the client connected to. */
  path: string;
  connection: ConnectionFacts;
  /** The flags rules have set on this connection. */
  flags: Record<string, true>;
}

export interface ConnectionFacts {
  id: string;
  /** ISO 8601. */
  openedAt: string;
  remoteAddress: string;
  /** Messages received so far, this one included. */
  messages: number;
}

export const SOCKET_SCOPE: TemplateScopeKind<SocketTemplateScope> = {
  roots: new Set<keyof SocketTemplateScope>([
    'message',
    'json',
    'binary',
    'size',
    'params',
    'query',
    'headers',
    'path',
    'connection',
    'flags',
  ]),
  empty: {
    message: '',
    json: undefined,
    binary: false,
    size: 0,
    params: {},
    query: {},
    headers: {},
    path: '/',
    connection: { id: '', openedAt: '', remoteAddress: '', messages: 0 },
    flags: {},
  },
  // What a message must be parsed for: a binary one is read as JSON only for an endpoint that reads it.
  body: 'json',
};
