import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProtoStream, runHttpRequest } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE } from '@ag-ui/proto';
import type { Op, ScenarioProgram } from '../src/server/scenarios/scenario-program';
import type { ConnectionSummary } from '../src/shared/connections';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { rawHttp } from './helpers/raw-http';
import { sseEvents } from './helpers/sse-events';
import { eventually } from './helpers/wait';

// The HTTP binding on the wire: negotiation (SSE by default, protobuf when preferred), headers, input refused
// before any stream starts, CORS, and the path following the agentPath setting.

const server = await startTestEngine();
const control = controlClient(server);

function runInput(text: string, extra: Record<string, unknown> = {}) {
  return {
    threadId: `thread-${crypto.randomUUID()}`,
    runId: crypto.randomUUID(),
    messages: [{ id: crypto.randomUUID(), role: 'user', content: text }],
    tools: [],
    context: [],
    ...extra,
  };
}

function post(body: unknown, headers: Record<string, string> = {}, path = '/agent') {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const sseConnections = async () => (await control.get<{ total: number }>('/connections?kind=sse')).body.total;

test('SSE: the headers of an event stream, one `data:` frame per event, a whole run', async () => {
  const response = await post(runInput('Hallo'));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  assert.equal(response.headers.get('cache-control'), 'no-cache');
  assert.equal(response.headers.get('x-accel-buffering'), 'no');
  assert.equal(response.headers.get('connection'), 'keep-alive');
  const text = await response.text();
  assert.match(text, /^data: \{"type":"RUN_STARTED"/);
  assert.ok(text.endsWith('\n\n'));
  const events = sseEvents<BaseEvent>(text);
  assert.equal(events.at(-1)?.type, 'RUN_FINISHED');
  // A client that asks to close is told so, and the connection closes after the run.
  const body = JSON.stringify(runInput('Hallo'));
  const closing = await rawHttp(server.port, [
    `POST /agent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  ]);
  assert.equal(closing.status, 200);
  assert.equal(closing.headers.connection, 'close');
});

test('a wildcard Accept gets SSE; protobuf only when it is preferred; neither acceptable is a 406', async () => {
  for (const accept of [
    '*/*',
    'text/event-stream, application/vnd.ag-ui.event+proto;q=0.5',
    // A wildcard ranked above SSE is no request for protobuf, which the client never named.
    'text/event-stream;q=0.5, */*',
    'text/event-stream;q=abc, */*;q=2',
    // Parameters and an unreadable q still name the type.
    'text/event-stream;charset=utf-8',
    'text/event-stream;q=abc',
  ]) {
    const response = await post(runInput('Hallo'), { accept });
    assert.equal(response.status, 200, accept);
    assert.equal(response.headers.get('content-type'), 'text/event-stream', accept);
    await response.arrayBuffer();
  }
  for (const accept of ['application/vnd.ag-ui.event+proto, text/event-stream;q=0.5', 'text/event-stream;q=0, */*']) {
    const response = await post(runInput('Hallo'), { accept });
    assert.equal(response.headers.get('content-type'), 'application/vnd.ag-ui.event+proto', accept);
    await response.arrayBuffer();
  }
  const refused = await post(runInput('Hallo'), { accept: 'application/json' });
  assert.equal(refused.status, 406);
  assert.equal((await post(runInput('Hallo'), { accept: 'text/event-stream;q=0' })).status, 406);
  assert.match(((await refused.json()) as { detail: string }).detail, /text\/event-stream or application\/vnd\.ag-ui/);
});

test('protobuf: negotiated from Accept, length-prefixed, decoded by the official parser to the same events as SSE', async () => {
  const input = runInput('Start inspectie bij Restaurant Bella Rosa');
  const sse = sseEvents<BaseEvent>(await (await post(input)).text());
  const decoded = await new Promise<BaseEvent[]>((resolve, reject) => {
    const events: BaseEvent[] = [];
    const request = () =>
      fetch(`${server.url}/agent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: AGUI_MEDIA_TYPE },
        body: JSON.stringify({ ...input, runId: crypto.randomUUID() }),
      }).then((response) => {
        assert.equal(response.headers.get('content-type'), AGUI_MEDIA_TYPE);
        return response;
      });
    parseProtoStream(runHttpRequest(request)).subscribe({
      next: (event) => events.push(event),
      error: reject,
      complete: () => resolve(events),
    });
  });
  assert.ok(decoded.length > 10);
  assert.deepEqual(
    decoded.map((event) => event.type),
    sse.map((event) => event.type),
  );
  const text = decoded.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => (e as { delta?: string }).delta);
  assert.match(text.join(''), /1 openstaande overtreding/);
});

test('invalid input is refused with a plain HTTP error before any stream starts', async () => {
  const before = await sseConnections();
  const cases: { body: unknown; headers?: Record<string, string>; status: number; loc?: unknown[] }[] = [
    { body: { ...runInput('x'), threadId: undefined }, status: 422, loc: ['body', 'threadId'] },
    {
      body: { ...runInput('x'), messages: [{ role: 'user', content: 'no id' }] },
      status: 422,
      loc: ['body', 'messages', 0],
    },
    {
      body: { ...runInput('x'), resume: [{ interruptId: 'a', status: 'maybe' }] },
      status: 422,
      loc: ['body', 'resume', 0, 'status'],
    },
    // AGORA's id-less variant is a /ws dialect, not a RunAgentInput.
    { body: { threadId: 't', messages: [{ role: 'user', content: 'hi' }] }, status: 422, loc: ['body', 'runId'] },
    { body: '', status: 422, loc: ['body'] },
    // A run is recorded as a session of its thread, which needs a name.
    { body: { ...runInput('x'), threadId: '' }, status: 422, loc: ['body', 'threadId'] },
    { body: '{"threadId": ', status: 400 },
    { body: 'threadId=t', headers: { 'content-type': 'text/plain' }, status: 415 },
  ];
  for (const { body, headers, status, loc } of cases) {
    const response = await post(body, headers);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.match(String(response.headers.get('content-type')), /^application\/json/);
    const { detail } = (await response.json()) as { detail: unknown };
    if (loc) {
      const issues = detail as { loc: unknown[]; type: string; msg: string }[];
      assert.ok(
        issues.some((issue) => JSON.stringify(issue.loc.slice(0, loc.length)) === JSON.stringify(loc)),
        `${JSON.stringify(issues)} has no issue at ${JSON.stringify(loc)}`,
      );
    } else assert.equal(typeof detail, 'string');
  }
  assert.equal(await sseConnections(), before, 'no connection was opened for refused input');
});

test("a union's problem says what it takes: the content's types, a message's known roles", async () => {
  const cases: [unknown, { type: string; loc: unknown[]; msg: string }][] = [
    [
      { id: 'm1', role: 'user', content: 5 },
      {
        type: 'string_type',
        loc: ['body', 'messages', 0, 'content'],
        msg: 'Input should be a valid string or a valid list',
      },
    ],
    [
      // A list: the list branch's own problem, where it is.
      { id: 'm1', role: 'user', content: [{ type: 'text' }] },
      { type: 'missing', loc: ['body', 'messages', 0, 'content', 0, 'text'], msg: 'Field required' },
    ],
    [
      { id: 'm1', role: 'bogus', content: 'x' },
      {
        // At the message, as pydantic reports a tagged union's tag (the message is the input).
        type: 'union_tag_invalid',
        loc: ['body', 'messages', 0],
        msg: "Input tag 'bogus' found using 'role' does not match any of the expected tags: 'developer', 'system', 'assistant', 'user', 'tool', 'activity', 'reasoning'",
      },
    ],
  ];
  for (const [message, expected] of cases) {
    const response = await post({ ...runInput('x'), messages: [message] });
    assert.equal(response.status, 422);
    const [issue] = ((await response.json()) as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail;
    assert.deepEqual({ type: issue?.type, loc: issue?.loc, msg: issue?.msg }, expected);
  }
});

test('a resume with nothing to continue is a 409 before any stream; a wrong interrupt id says which one is pending', async () => {
  const nothing = await post(runInput('Genereer rapport', { resume: [{ interruptId: 'appr-x', status: 'resolved' }] }));
  assert.equal(nothing.status, 409);
  assert.match(((await nothing.json()) as { detail: string }).detail, /no interrupt is pending/);

  const input = runInput('Genereer rapport');
  const asked = sseEvents<BaseEvent>(await (await post(input)).text());
  const finished = asked.at(-1) as { outcome?: { type: string; interrupts: { id: string }[] } };
  assert.equal(finished.outcome?.type, 'interrupt');
  const pending = finished.outcome?.interrupts[0]?.id;
  const wrong = await post({
    ...input,
    runId: crypto.randomUUID(),
    resume: [{ interruptId: 'appr-x', status: 'resolved' }],
  });
  assert.equal(wrong.status, 409);
  assert.ok(((await wrong.json()) as { detail: string }).detail.includes(String(pending)));
  // The interrupt is still pending after the refused request.
  const resumed = await post({
    ...input,
    runId: crypto.randomUUID(),
    resume: [{ interruptId: pending, status: 'resolved', payload: { approved: true } }],
  });
  assert.equal(resumed.status, 200);
  assert.match(await resumed.text(), /generate_inspection_report/);
});

test('CORS like the rest of the mocked API: preflight allowed, the stream carries the origin', async () => {
  const preflight = await fetch(`${server.url}/agent`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  assert.match(String(preflight.headers.get('access-control-allow-methods')), /POST/);
  const response = await post(runInput('Hallo'), { origin: 'http://localhost:3000' });
  assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
  await response.text();
});

test('agents are mounts: moved, added and removed through the control API, each with its own threads', async () => {
  const info = await control.get<{ urls: { agent: string } }>('/server');
  assert.equal(info.body.urls.agent, `${server.url}/agent`);
  const agent = (await control.get<{ id: string; path: string }>('/agents/agent')).body;
  const moved = await control.put('/agents/agent', { ...agent, path: '/v1/agent' });
  assert.equal(moved.status, 200);
  try {
    assert.equal((await post(runInput('Hallo'))).status, 404);
    const response = await post(runInput('Hallo'), {}, '/v1/agent');
    assert.equal(response.status, 200);
    assert.equal(sseEvents<BaseEvent>(await response.text()).at(-1)?.type, 'RUN_FINISHED');
    const get = await fetch(`${server.url}/v1/agent`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await control.get<{ urls: { agent: string } }>('/server')).body.urls.agent, `${server.url}/v1/agent`);

    // A second agent plays only the scenarios it names; an unknown message there gets no scenario.
    const added = await control.post('/agents', {
      id: 'welcome',
      path: '/welcome',
      scenarios: ['agora-general'],
    });
    assert.equal(added.status, 201);
    const welcome = sseEvents<BaseEvent>(await (await post(runInput('genereer rapport'), {}, '/welcome')).text());
    const finished = welcome.at(-1);
    assert.equal(finished?.type, 'RUN_FINISHED');
    assert.equal(finished?.outcome, undefined, 'no approval interrupt: the report flow is not this agent’s');
    const text = welcome
      .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
      .map((event) => event.delta)
      .join('');
    assert.match(text, /inspectie/i, 'the welcome answered');

    const bad = await control.put<{ detail: { loc: unknown[]; msg: string }[] }>('/agents/welcome', {
      id: 'welcome',
      path: '/items/:',
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail[0]?.loc, ['body', 'path']);
    assert.equal((await control.delete('/agents/welcome')).status, 204);
    assert.equal((await post(runInput('Hallo'), {}, '/welcome')).status, 404);
  } finally {
    await control.put('/agents/agent', agent);
  }
  assert.equal((await post(runInput('Hallo'))).status, 200);
});

test('a body nested too deep is refused before any stream starts, naming the limit', async () => {
  const before = await sseConnections();
  const deepState = `${JSON.stringify(runInput('Hallo')).slice(0, -1)},"state":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
  const response = await post(deepState);
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    detail: 'Request body rejected: JSON nested deeper than the limit of 64 levels (setting maxJsonDepth)',
  });
  assert.equal(await sseConnections(), before, 'no connection was opened');
});

test('a stream that fails after it started ends with RUN_ERROR, and its connection closes', async () => {
  // Faults no valid input reaches, injected where the engine looks up what to play.
  const catalogue = server.context.scenarios;
  const match = catalogue.match.bind(catalogue);
  const program = match('Hallo') as ScenarioProgram;
  const emit = (event: () => Record<string, unknown>): Op => ({
    path: 'steps.0',
    kind: 'emit',
    id: undefined,
    event: event as Extract<Op, { kind: 'emit' }>['event'],
    validate: false,
  });
  const faults: Record<string, () => ScenarioProgram> = {
    'player fault': () => ({
      ...program,
      ops: [
        emit(() => ({ type: 'STEP_STARTED', stepName: 'thinking' })),
        emit(() => {
          throw new Error('a step could not be rendered');
        }),
      ],
    }),
    'engine fault': () => {
      throw new Error('the catalogue is broken');
    },
    'event protobuf cannot carry': () => ({
      ...program,
      // JSON leaves the function out; protobuf's Value has no way to carry it.
      ops: [emit(() => ({ type: 'CUSTOM', name: 'odd', value: { call: () => 1 } }))],
    }),
  };
  catalogue.match = (run, selection) => {
    const text = typeof run === 'string' ? run : run.userText;
    return faults[text]?.() ?? match(run, selection);
  };
  try {
    const cases = [
      {
        text: 'player fault',
        accept: 'text/event-stream',
        message: /Scenario failed at steps\.0: a step could not be rendered/,
      },
      { text: 'engine fault', accept: 'text/event-stream', message: /could not be played: the catalogue is broken/ },
      { text: 'event protobuf cannot carry', accept: AGUI_MEDIA_TYPE, message: /could not be encoded as .*proto/ },
    ];
    for (const { text, accept, message } of cases) {
      const input = runInput(text);
      const events: BaseEvent[] = [];
      // Bounded: a stream left open would fail the test instead of hanging it.
      const request = () =>
        fetch(`${server.url}/agent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify(input),
          signal: AbortSignal.timeout(20_000),
        });
      if (accept === AGUI_MEDIA_TYPE) {
        await new Promise<void>((resolve, reject) =>
          parseProtoStream(runHttpRequest(request)).subscribe({
            next: (event) => events.push(event),
            error: reject,
            complete: () => resolve(),
          }),
        );
      } else {
        const response = await request();
        assert.equal(response.status, 200, text);
        events.push(...sseEvents<BaseEvent>(await response.text()));
      }
      assert.equal(events[0]?.type, 'RUN_STARTED', text);
      const last = events.at(-1) as { type: string; message?: string };
      assert.equal(last.type, 'RUN_ERROR', text);
      assert.match(String(last.message), message, text);
      const closed = async () => {
        const { body } = await control.get<{ items: ConnectionSummary[] }>('/connections?kind=sse');
        return body.items.find((item) => item.threadId === input.threadId)?.state === 'closed';
      };
      await eventually(closed, `the connection of "${text}" to close`);
    }
  } finally {
    catalogue.match = match;
  }
  const healthy = await post(runInput('Hallo'));
  assert.equal(sseEvents<BaseEvent>(await healthy.text()).at(-1)?.type, 'RUN_FINISHED', 'the endpoint carries on');
});
