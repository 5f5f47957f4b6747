import type { MockServer } from '../server/index';
import { terminalText } from '../server/support/terminal-text';
import type { TlsInfo } from '../shared/control-api';
import { counted } from '../shared/counted-words';
import type { RequestSummary } from '../shared/request-log';

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (text: string) => (useColor ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text: string) => (useColor ? `\x1b[1m${text}\x1b[0m` : text);

/** What the engine serves, one line per endpoint, and the console's URL with its token. */
export function printBanner(server: MockServer, version: string): void {
  const { world } = server.context;
  const packs = world.packs().map((pack) => pack.definition.name);
  const origin = server.url.replace(/^http/, 'ws');
  const sockets = world
    .socketDefinitions()
    .map(
      ({ definition }) =>
        `  WebSocket   ${origin}${definition.path}${definition.name ? dim(`  ${terminalText(definition.name)}`) : ''}`,
    );
  const agents = world
    .agentDefinitions()
    .map(
      (agent) => `  AG-UI HTTP  ${server.url}${agent.path}${agent.name ? dim(`  ${terminalText(agent.name)}`) : ''}`,
    );
  process.stdout.write(
    [
      `${bold('AG-UI Mock Console')} ${version}${packs.length > 0 ? dim(` — ${packs.join(', ')}`) : ''}`,
      `  ${server.tls ? 'HTTPS' : 'HTTP '}       ${server.url}`,
      ...sockets,
      ...agents,
      `  Console     ${server.consoleUrl}`,
      workspaceLine(server),
      ...(server.tls ? tlsLines(server.tls) : []),
      ...gatewayLine(server),
      dim('Press Ctrl+C to stop.'),
      '',
    ].join('\n'),
  );
}

/** What becomes of an untitled world's changes (`serve-command.ts` keeps them on Ctrl+C). */
const UNTITLED_HINT = '(Save as… in the console writes it to a file; Ctrl+C keeps its console changes)';

/** Where the world's changes go: its file, or nowhere yet (what is kept of them on stopping, the log says then). */
function workspaceLine(server: MockServer): string {
  const { path } = server.workspace.status();
  return `  Workspace   ${path === null ? `untitled, in memory ${dim(UNTITLED_HINT)}` : terminalText(path)}`;
}

/** The certificate's facts to compare with a browser's certificate viewer, and where it is to trust it. */
function tlsLines(tls: TlsInfo): string[] {
  const what = tls.selfSigned ? 'self-signed certificate' : `certificate ${terminalText(tls.subject)}`;
  return [
    `  TLS         ${what}, SHA-256 ${tls.fingerprint}, valid until ${new Date(tls.validTo).toISOString().slice(0, 10)}`,
    dim(`              ${terminalText(tls.certFile)}`),
  ];
}

/**
 * One line per request and per connection opened/closed, written to `write` (standard output). Returns a function
 * that stops it.
 */
export function watchTraffic(
  server: MockServer,
  write: (text: string) => void = (text) => process.stdout.write(text),
): () => void {
  const time = () => new Date().toISOString().slice(11, 23);
  const stopRequests = server.context.requestLog.subscribe((request) => {
    write(`${dim(time())} ${requestLine(request)}\n`);
  });
  const { registry } = server.context;
  const stopConnections = registry.subscribe((event) => {
    if (event.type !== 'opened' && event.type !== 'closed') return;
    const connection = registry.get(event.connectionId);
    if (!connection) return;
    // A WebSocket, or an AG-UI run streamed over HTTP (SSE or protobuf: `sse` is the connection kind of both).
    const kind = connection.kind === 'sse' ? 'sse' : 'ws';
    if (event.type === 'opened')
      write(`${dim(time())} ${kind} open  ${connection.path} from ${connection.remoteAddress}\n`);
    else
      write(
        `${dim(time())} ${kind} close ${connection.path} ${connection.closeCode === null ? '' : `${connection.closeCode} `}${dim(`in ${connection.counters.framesIn} / out ${connection.counters.framesOut} frames`)}${connection.refusal ? ` ${connection.refusal}` : ''}\n`,
      );
  });
  return () => {
    stopRequests();
    stopConnections();
  };
}

/**
 * `GET /items 200 1.2 ms`; a route's fault is named after the status, since the client did not get an ordinary
 * answer: `GET /flaky 444 reset (fault) 0.9 ms` (444: no status was sent, as nginx logs it), `GET /broken 200
 * malformed (fault) 0.4 ms` (the status sent, then a corrupt body), `GET /slow 200 drip (fault) 5001.3 ms`.
 */
function requestLine(request: RequestSummary): string {
  const fault = request.answeredBy?.fault;
  return `${request.method} ${request.path} ${request.status}${fault ? ` ${fault} (fault)` : ''} ${dim(`${request.durationMs.toFixed(1)} ms`)}${request.refusal ? ` ${request.refusal}` : ''}`;
}

/** Whether the gateway's API-key check is on, and with how many keys (never the keys: a terminal is often shared). */
function gatewayLine(server: MockServer): string[] {
  const { enabled, keys } = server.settings().gatewayAuth;
  if (!enabled) return [];
  return [`  API keys    required: X-API-Key header / ?token= (${counted(keys.length, 'key')})`];
}
