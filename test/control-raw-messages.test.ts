import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MockServer } from '../src/server/index';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { RawSocket } from './helpers/raw-socket';

// `POST /__console/api/connections/:id/messages`: a raw text or JSON frame into any open WebSocket, and what it
// refuses.

type Detail = { detail: string | { loc: (string | number)[]; msg: string }[] };

async function openEcho(server: MockServer): Promise<{ client: RawSocket; id: string }> {
  const client = await RawSocket.open(`${server.url.replace('http', 'ws')}/ws/echo`);
  client.send('hi');
  await client.waitForFrames(1);
  const connection = server.context.registry.list().find((candidate) => candidate.path === '/ws/echo');
  assert.ok(connection);
  return { client, id: connection.id };
}

test('a text or JSON frame goes into a non-AG-UI socket as written, held behind a pause', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const api = controlClient(server);
  const { client, id } = await openEcho(server);

  const text = await api.post(`/connections/${id}/messages`, { text: 'Echo: from the console ✓' });
  assert.equal(text.status, 200, JSON.stringify(text.body));
  assert.deepEqual(text.body, { connectionId: id, size: Buffer.byteLength('Echo: from the console ✓'), held: false });
  const json = await api.post(`/connections/${id}/messages`, { json: { event: 'update', n: [1, null, true] } });
  assert.equal(json.status, 200);
  await client.waitForFrames(3);
  assert.deepEqual(client.texts.slice(1), ['Echo: from the console ✓', '{"event":"update","n":[1,null,true]}']);
  // An empty text frame is a frame too.
  assert.equal((await api.post(`/connections/${id}/messages`, { text: '' })).status, 200);
  await client.waitForFrames(4);
  assert.equal(client.texts[3], '');

  await api.patch(`/connections/${id}`, { paused: true });
  const held = await api.post<{ held: boolean }>(`/connections/${id}/messages`, { json: 'later' });
  assert.equal(held.body.held, true);
  assert.equal(client.frames.length, 4);
  await api.patch(`/connections/${id}`, { paused: false });
  await client.waitForFrames(5);
  assert.equal(client.texts[4], '"later"');
  const logged = server.context.registry.get(id)?.summary();
  assert.equal(logged?.counters.framesOut, 5);
  await client.close();
});

test('an AG-UI socket takes raw frames too; AG-UI events are refused on a socket that does not speak AG-UI', async () => {
  const server = await startTestEngine({ template: 'generic' });
  const api = controlClient(server);
  await api.post('/sockets', { id: 'echo', path: '/ws/echo', behaviour: { type: 'echo' } });
  const agui = await AguiSocket.open(server.wsUrl);
  const aguiId = server.context.registry.list().find((connection) => connection.path !== '/ws/echo')?.id;
  assert.ok(aguiId);
  assert.equal(
    (await api.post(`/connections/${aguiId}/messages`, { json: { type: 'CUSTOM', name: 'x' } })).status,
    200,
  );
  await agui.waitUntil(() => agui.events.some((event) => event.name === 'x'));

  const { client, id } = await openEcho(server);
  const event = { type: 'RUN_STARTED', threadId: 't', runId: 'r' };
  const refused = await api.post<Detail>(`/connections/${id}/events`, { events: [event] });
  assert.equal(refused.status, 409);
  assert.match(String(refused.body.detail), /does not speak AG-UI.*\/messages/);
  assert.equal((await api.post(`/connections/${id}/macros/text-message`, { text: 'hi' })).status, 409);
  // Events to every open connection reach the AG-UI ones only.
  const all = await api.post<{ results: { connectionId: string }[] }>('/events', { events: [event] });
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.deepEqual(
    all.body.results.map((result) => result.connectionId),
    [aguiId],
  );
  assert.equal(client.frames.length, 1, 'the echo client got no AG-UI event');
  await client.close();
  await agui.close();
});

test('hostile bodies are refused with what to fix, and nothing is sent', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial', settings: { maxJsonDepth: 16 } });
  const api = controlClient(server);
  const { client, id } = await openEcho(server);
  const deep: unknown[] = [];
  let inner = deep;
  for (let level = 0; level < 40; level++) {
    const next: unknown[] = [];
    inner.push(next);
    inner = next;
  }
  const oneOf =
    'Field required: send exactly one of text (a string, sent as written) or json (any JSON value, sent as its ' +
    'compact text)';
  // Each refusal at the field to fix, with what to send.
  for (const [body, why, issues] of [
    [{}, 'neither text nor json', [{ loc: ['body'], msg: oneOf }]],
    [{ text: 'a', json: {} }, 'both', [{ loc: ['body'], msg: 'Send exactly one of text or json, not both' }]],
    [{ text: 42 }, 'text not a string', [{ loc: ['body', 'text'], msg: 'Input should be a valid string' }]],
    [
      { text: 'a', extra: true },
      'an unknown field',
      [{ loc: ['body', 'extra'], msg: 'Extra inputs are not permitted' }],
    ],
    [[{ text: 'a' }], 'an array', [{ loc: ['body'], msg: 'Input should be a valid dictionary' }]],
    ['just a string', 'a string', [{ loc: ['body'], msg: 'Input should be a valid dictionary' }]],
  ] as const) {
    const answer = await api.post<Detail>(`/connections/${id}/messages`, body);
    assert.equal(answer.status, 422, `${why}: ${answer.status} ${JSON.stringify(answer.body)}`);
    assert.ok(Array.isArray(answer.body.detail), why);
    assert.deepEqual(
      answer.body.detail.map(({ loc, msg }) => ({ loc, msg })),
      issues,
      why,
    );
  }
  // null is a JSON value like any other: the frame `null`.
  assert.equal((await api.post(`/connections/${id}/messages`, { json: null })).status, 200);
  await client.waitForFrames(2);
  assert.equal(client.texts[1], 'null');
  const tooDeep = await api.post<Detail>(`/connections/${id}/messages`, { json: deep });
  assert.equal(tooDeep.status, 400);
  assert.match(String(tooDeep.body.detail), /deeper than the limit of 16 levels/);
  const raw = await fetch(`${server.url}/__console/api/connections/${id}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: '{"text": ',
  });
  assert.equal(raw.status, 400, 'malformed JSON');
  const huge = await fetch(`${server.url}/__console/api/connections/${id}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'x'.repeat(20 * 1024 * 1024) }),
  });
  assert.equal(huge.status, 413, 'larger than the body limit');
  assert.equal((await api.post('/connections/nope/messages', { text: 'a' })).status, 404);
  const unauthorized = await fetch(`${server.url}/__console/api/connections/${id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'a' }),
  });
  assert.equal(unauthorized.status, 401);

  await client.close();
  const connection = server.context.registry.get(id);
  const deadline = performance.now() + 20_000;
  while (connection?.summary().state !== 'closed' && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const closed = await api.post<Detail>(`/connections/${id}/messages`, { text: 'a' });
  assert.equal(closed.status, 409);
  assert.match(String(closed.body.detail), /closed/);
  assert.equal(client.frames.length, 2, 'nothing refused was sent: only the echo of hi and the null frame came');
});

test('a frame that closes a paused connection for its backlog is refused 409, and the frames held with it counted dropped', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const api = controlClient(server);
  const { client, id } = await openEcho(server);
  assert.equal((await api.patch(`/connections/${id}`, { paused: true })).status, 200);
  const text = 'M'.repeat(1_000_000);
  for (let index = 0; index < 4; index++) {
    const held = await api.post<{ held: boolean }>(`/connections/${id}/messages`, { text });
    assert.equal(held.status, 200);
    assert.equal(held.body.held, true);
  }
  // The fifth passes the 4 MiB bound: the connection closes 1008 and drops what it held; this frame never went out.
  const refused = await api.post<Detail>(`/connections/${id}/messages`, { text });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal(
    refused.body.detail,
    `Connection ${id} was closed 1008: over 4 MiB of frames were waiting to be sent (not read, or held by a pause ` +
      "or delay), this request's included; nothing was sent",
  );
  assert.equal((await client.waitForClose()).code, 1008);
  assert.equal(client.frames.length, 1, 'only the echo of hi came');
  const summary = (await api.get<{ heldFramesDropped: number; heldFrames: number }>(`/connections/${id}`)).body;
  assert.equal(summary.heldFramesDropped, 4, 'the four held frames never went out');
  assert.equal(summary.heldFrames, 0);
});

test('AG-UI helpers are refused on a raw socket: templates and tracker 409 as events are', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const api = controlClient(server);
  const { client, id } = await openEcho(server);
  for (const path of [`/connections/${id}/templates/TEXT_MESSAGE_START`, `/connections/${id}/tracker`]) {
    const refused = await api.get<Detail>(path);
    assert.equal(refused.status, 409, `${path}: ${JSON.stringify(refused.body)}`);
    assert.equal(
      refused.body.detail,
      `Connection ${id} does not speak AG-UI: send it a text or JSON frame with POST /connections/${id}/messages`,
    );
  }
  await client.close();
});

test('a text that is not valid Unicode (a lone surrogate) is refused 422 at text, saying where; JSON escapes one', async () => {
  const server = await startTestEngine({ template: 'fastapi-tutorial' });
  const api = controlClient(server);
  const { client, id } = await openEcho(server);
  for (const [text, at] of [
    ['\ud800', 0],
    ['ok \udc00', 3],
    ['pair 😀 then \ud83d', 13],
  ] as const) {
    const refused = await api.post<{ detail: { type: string; loc: string[]; msg: string }[] }>(
      `/connections/${id}/messages`,
      { text },
    );
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.deepEqual(
      refused.body.detail.map(({ type, loc, msg }) => ({ type, loc, msg })),
      [
        {
          type: 'string_unicode',
          loc: ['body', 'text'],
          msg:
            `text is not valid Unicode: a lone surrogate (half of a UTF-16 pair) at index ${at}, which a text ` +
            'frame (UTF-8) cannot carry; send the whole pair, or the value as json',
        },
      ],
    );
  }
  // A whole pair is text like any other; JSON's compact text escapes a lone surrogate, so it goes out as written.
  assert.equal((await api.post(`/connections/${id}/messages`, { text: 'pair 😀' })).status, 200);
  assert.equal((await api.post(`/connections/${id}/messages`, { json: { half: '\ud800' } })).status, 200);
  await client.waitForFrames(3);
  assert.deepEqual(client.texts.slice(1), ['pair 😀', '{"half":"\\ud800"}']);
  await client.close();
});
