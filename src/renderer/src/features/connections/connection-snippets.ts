import type { Mount } from '../../../../shared/mounts/mount-sections';
import { mainEndpoint, type WorldEndpoint } from '../../stores/world-endpoints';

/** What the empty Connections view can say about connecting, from what the world serves. */
export interface ConnectionSnippets {
  /** The socket the snippets connect to (an AG-UI one first); null when the world serves none with a plain path. */
  socket: WorldEndpoint | null;
  /** JavaScript for a browser console, and a wscat command, for that socket. */
  browser: string | null;
  wscat: string | null;
  /** A run over the HTTP binding, when an agent serves one. */
  agentCurl: string | null;
  /** A request something in the world answers: AGORA's /users/me, a GET route, a collection. */
  restCurl: string | null;
}

export interface SnippetWorld {
  endpoints: readonly WorldEndpoint[];
  routes: readonly Mount<'routes'>[];
  collections: readonly Mount<'collections'>[];
  /** An AGORA pack serves (its REST API, its socket). */
  agora: boolean;
  /** The engine's origin (`http://127.0.0.1:8000`). */
  http: string;
  /** The engine's certificate for terminal clients to verify it with, shell-quoted; absent without TLS. */
  ca?: string | undefined;
  /** What the user says in the example run: a prompt one of the world's scenarios answers, when there is one. */
  prompt: string;
}

/** A path a request can be sent to as it is (no `:param`, `*wildcard`, `{optional}` or regex group). */
const plainPath = (path: string) => !/[:*{}()]/.test(path);

const js = (text: string) => JSON.stringify(text).replaceAll("'", "\\'").slice(1, -1);

export function connectionSnippets(world: SnippetWorld): ConnectionSnippets {
  const sockets = world.endpoints.filter((endpoint) => endpoint.kind === 'socket');
  const socket = mainEndpoint(sockets);
  const agent = world.endpoints.find((endpoint) => endpoint.kind === 'agent' && endpoint.url !== null);
  const caFlag = (flag: string) => (world.ca ? `${flag} ${world.ca} ` : '');
  let browser: string | null = null;
  if (socket?.url)
    browser = socket.agui
      ? [
          `const ws = new WebSocket('${socket.url}');`,
          `ws.onmessage = (e) => console.log(JSON.parse(e.data));`,
          `ws.onopen = () => ws.send(JSON.stringify({`,
          `  threadId: 'thread-1',`,
          `  messages: [{ role: 'user', content: '${js(world.prompt)}' }],`,
          `}));`,
        ].join('\n')
      : // Echo, push and rules sockets answer any text: no AG-UI run input.
        [
          `const ws = new WebSocket('${socket.url}');`,
          `ws.onmessage = (e) => console.log(e.data);`,
          `ws.onopen = () => ws.send('hello');`,
        ].join('\n');
  const officialInput = {
    threadId: 'thread-1',
    runId: 'run-1',
    state: {},
    messages: [{ id: 'message-1', role: 'user', content: world.prompt }],
    tools: [],
    context: [],
    forwardedProps: {},
  };
  const route = world.routes.find(
    (candidate) =>
      candidate.enabled && (candidate.method === 'GET' || candidate.method === 'ANY') && plainPath(candidate.path),
  );
  const collection = world.collections.find((candidate) => candidate.enabled);
  const restPath = world.agora ? '/users/me' : (route?.path ?? collection?.path ?? null);
  return {
    socket,
    browser,
    wscat: socket?.url ? `npx wscat ${caFlag('--ca')}-c ${socket.url}` : null,
    // One option a line, the body spaced like prose: shown wrapped, it breaks between words, not inside one.
    agentCurl: agent?.url
      ? [
          `curl -N ${caFlag('--cacert')}${agent.url} \\`,
          `  -H 'content-type: application/json' \\`,
          `  -H 'accept: text/event-stream' \\`,
          `  -d '${spacedJson(officialInput).replaceAll("'", "'\\''")}'`,
        ].join('\n')
      : null,
    restCurl: restPath ? `curl ${caFlag('--cacert')}${world.http}${restPath}` : null,
  };
}

/** JSON on one line with a space after each `,` and `:` (still JSON), so a wrapped line breaks between values. */
function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, field]) => `${JSON.stringify(key)}: ${spacedJson(field)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

/** The example run's prompt: AGORA's, a prompt the world's scenarios answer, or a plain greeting. */
export const snippetPrompt = (suggestions: readonly string[]) => suggestions[0] ?? 'Hello';
