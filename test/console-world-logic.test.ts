import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';

const { worldEndpoints, mainEndpoint, pickAguiEndpoint, agoraServes } =
  await rendererModule('stores/world-endpoints.ts');
const { connectionSnippets } = await rendererModule('features/connections/connection-snippets.ts');
const { conflictInConsoleWords } = await rendererModule('features/inject/conflict-words.ts');

const origin = 'http://127.0.0.1:8000';
const socket = (id: string, path: string, pack?: string) => ({
  id,
  path,
  url: `ws://127.0.0.1:8000${path}`,
  ...(pack && { pack }),
});
const agent = (id: string, path: string) => ({ id, path, url: `${origin}${path}` });
const mount = (id: string, type: string) => ({
  id,
  path: `/${id}`,
  enabled: true,
  subprotocols: [],
  behaviour: { type },
});

test('world endpoints: behaviours from the socket mounts, packs speak AG-UI; an AG-UI socket comes first', () => {
  const endpoints = worldEndpoints(
    {
      sockets: [socket('echo', '/ws/echo'), socket('chat', '/ws/chat'), socket('ws', '/ws', 'agora-mock')],
      agents: [agent('a', '/agent')],
    },
    [mount('echo', 'echo'), mount('chat', 'agui')],
  );
  assert.deepEqual(
    endpoints.map((endpoint: { key: string; agui: boolean }) => [endpoint.key, endpoint.agui]),
    [
      ['socket:echo', false],
      ['socket:chat', true],
      ['socket:ws', true],
      ['agent:a', true],
    ],
  );
  assert.equal(mainEndpoint(endpoints)?.key, 'socket:chat');
  assert.equal(pickAguiEndpoint(endpoints, null)?.key, 'socket:chat');
  assert.equal(pickAguiEndpoint(endpoints, 'agent:a')?.key, 'agent:a');
  // An echo socket is no AG-UI endpoint to try; a pick no longer served falls back to the first.
  assert.equal(pickAguiEndpoint(endpoints, 'socket:echo')?.key, 'socket:chat');
  const echoOnly = worldEndpoints({ sockets: [socket('echo', '/ws/echo')], agents: [agent('a', '/agent')] }, [
    mount('echo', 'echo'),
  ]);
  assert.equal(mainEndpoint(echoOnly)?.key, 'agent:a');
  assert.equal(agoraServes({ packs: ['agora-real'] }), true);
  assert.equal(agoraServes({ packs: [] }), false);
});

const world = (overrides: Record<string, unknown>) => ({
  endpoints: [],
  routes: [],
  collections: [],
  agora: false,
  http: origin,
  prompt: 'Hello',
  ...overrides,
});

test('connection snippets: only what the world serves, never a null address', () => {
  const blank = connectionSnippets(
    world({
      routes: [
        { id: 'item', method: 'GET', path: '/items/:id', enabled: true },
        { id: 'hello', method: 'GET', path: '/hello', enabled: true },
      ],
    }),
  );
  assert.deepEqual([blank.browser, blank.wscat, blank.agentCurl], [null, null, null]);
  assert.equal(blank.restCurl, `curl ${origin}/hello`);
  assert.equal(connectionSnippets(world({})).restCurl, null);

  const echo = connectionSnippets(
    world({
      endpoints: worldEndpoints({ sockets: [socket('echo', '/ws/echo')], agents: [] }, [mount('echo', 'echo')]),
    }),
  );
  assert.equal(echo.wscat, 'npx wscat -c ws://127.0.0.1:8000/ws/echo');
  assert.doesNotMatch(echo.browser ?? '', /threadId/);

  const agora = connectionSnippets(
    world({
      agora: true,
      prompt: "Start inspectie bij Restaurant Bella Rosa's",
      endpoints: worldEndpoints({ sockets: [socket('ws', '/ws', 'agora-mock')], agents: [agent('a', '/agent')] }, []),
    }),
  );
  assert.match(agora.browser ?? '', /content: 'Start inspectie bij Restaurant Bella Rosa\\'s'/);
  assert.equal(agora.restCurl, `curl ${origin}/users/me`);
  assert.match(agora.agentCurl ?? '', /^curl -N http:\/\/127\.0\.0\.1:8000\/agent /);
  // One option a line; the body spaced between values (wrapped on screen, a line breaks there) and still the run
  // input, quoted for the shell.
  const [first, ...options] = (agora.agentCurl ?? '').split(' \\\n  ');
  assert.equal(first, 'curl -N http://127.0.0.1:8000/agent');
  assert.deepEqual(options.slice(0, 2), ["-H 'content-type: application/json'", "-H 'accept: text/event-stream'"]);
  const body = JSON.parse((options[2] ?? '').replace(/^-d '/, '').replace(/'$/, '').replaceAll("'\\''", "'"));
  assert.equal(body.messages[0].content, "Start inspectie bij Restaurant Bella Rosa's");
  assert.deepEqual(Object.keys(body), ['threadId', 'runId', 'state', 'messages', 'tools', 'context', 'forwardedProps']);
  assert.doesNotMatch(options[2] ?? '', /[\]}"],[^ ]|":[^ ]/, 'a space after each separator');
});

test('a sequence conflict names the console’s button, not the API’s "force"', () => {
  assert.equal(
    conflictInConsoleWords(
      'An event would break rule T2; nothing was sent. Fix it, or send with "force": true to send anyway.',
      'Send anyway',
    ),
    'An event would break rule T2; nothing was sent. Fix it, or use Send anyway.',
  );
  assert.equal(
    conflictInConsoleWords('…nothing was sent. Send with "force": true to send anyway.', 'Run anyway'),
    '…nothing was sent. Use Run anyway.',
  );
});
