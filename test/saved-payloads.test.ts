import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SavedPayloadConflictError,
  SavedPayloads,
  SavedPayloadValidationError,
} from '../src/server/payloads/saved-payloads';
import {
  MAX_SAVED_PAYLOAD_BYTES,
  MAX_SAVED_PAYLOADS,
  MAX_SAVED_PAYLOADS_TOTAL_BYTES,
  type PayloadChange,
  type SavedPayload,
} from '../src/shared/saved-payload';
import { AguiSocket } from './helpers/agui-socket';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';

const events = (name: string): SavedPayload => ({
  id: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
  name,
  kind: 'events',
  body: [{ type: 'CUSTOM', name: 'demo', value: { n: 1 } }],
});

const store = (maxJsonDepth = 64) => new SavedPayloads({ maxJsonDepth: () => maxJsonDepth });

test('the store keeps each kind, replaces in place by id, and tells every change', () => {
  const payloads = store();
  const changes: PayloadChange[] = [];
  payloads.subscribe((change) => changes.push(change));
  const saved: SavedPayload[] = [
    events('Two events'),
    {
      id: 'stream',
      name: 'Stream a greeting',
      description: 'In small chunks',
      kind: 'macro',
      body: { macro: 'text-message', params: { text: 'Hallo', chunkSize: 2 } },
    },
    { id: 'draft', name: 'Half a thought', kind: 'text', body: '{"type": "RUN_' },
    { id: 'input', name: 'Run input', kind: 'json', body: { threadId: 't', messages: [] } },
  ];
  for (const payload of saved) assert.equal(payloads.put(payload).created, true);
  assert.deepEqual(payloads.list(), saved);
  assert.equal(payloads.put({ ...events('Two events'), name: 'Renamed' }).created, false);
  assert.deepEqual(
    payloads.list().map((payload) => payload.name),
    ['Renamed', 'Stream a greeting', 'Half a thought', 'Run input'],
    'a replaced payload keeps its place',
  );
  assert.equal(payloads.delete('draft'), true);
  assert.equal(payloads.delete('draft'), false);
  assert.deepEqual(
    changes.map((change) => `${change.type} ${change.id}`),
    [
      'payload-saved two-events',
      'payload-saved stream',
      'payload-saved draft',
      'payload-saved input',
      'payload-saved two-events',
      'payload-deleted draft',
    ],
  );

  // A snapshot is a copy: what the workspace writer does with it changes nothing stored.
  const snapshot = payloads.snapshot();
  (snapshot[0] as { name: string }).name = 'changed';
  assert.equal(payloads.get('two-events')?.name, 'Renamed');
  const other = store();
  other.replace(snapshot.slice(1));
  assert.deepEqual(
    other.list().map((payload) => payload.id),
    ['stream', 'input'],
  );
});

test('the store refuses what it could not serve or save, and keeps names unique and counts bounded', () => {
  const payloads = store(8);
  const refused = (input: unknown, pattern: RegExp) =>
    assert.throws(
      () => payloads.put(input),
      (error: unknown) => error instanceof SavedPayloadValidationError && pattern.test(error.message),
    );
  refused({ ...events('x'), id: 'Not An Id' }, /^id: /);
  refused({ ...events('x'), name: '   ' }, /^name: /);
  refused({ ...events('x'), kind: 'binary' }, /kind/);
  refused({ ...events('x'), body: [] }, /^body: /);
  refused({ ...events('x'), body: [{ delta: 'no type' }] }, /^body\.0: an event is a JSON object with a string `type`/);
  refused({ ...events('x'), extra: 1 }, /extra/);
  refused(
    { id: 'm', name: 'm', kind: 'macro', body: { macro: 'text-message', params: { text: 'x', chunkSize: 0 } } },
    /^body\.params\.chunkSize: /,
  );
  refused(
    { id: 'm', name: 'm', kind: 'macro', body: { macro: 'run-error', params: { message: 'x', force: true } } },
    /never sent with force/,
  );
  refused({ id: 'm', name: 'm', kind: 'macro', body: { macro: 'nope', params: {} } }, /^body\.macro: /);
  refused({ id: 'big', name: 'Big', kind: 'text', body: 'x'.repeat(MAX_SAVED_PAYLOAD_BYTES) }, /at most 262144/);
  let deep: unknown = 'leaf';
  for (let level = 0; level < 9; level++) deep = [deep];
  refused({ id: 'deep', name: 'Deep', kind: 'json', body: deep }, /deeper than the limit of 8 levels/);
  assert.equal(payloads.list().length, 0, 'nothing refused was stored');

  payloads.put(events('Greeting'));
  assert.throws(
    () => payloads.put({ ...events('greeting '), id: 'other' }),
    (error: unknown) =>
      error instanceof SavedPayloadConflictError && /named "greeting" exists \(id greeting\)/.test(error.message),
  );
  for (let n = 1; n < MAX_SAVED_PAYLOADS; n++) payloads.put(events(`Payload ${n}`));
  assert.throws(() => payloads.put(events('One too many')), SavedPayloadConflictError);
  assert.doesNotThrow(() => payloads.put({ ...events('Payload 1'), description: 'replacing is fine when full' }));

  // Replacing all is all or nothing.
  const before = payloads.list().length;
  assert.throws(
    () => payloads.replace([events('A'), { ...events('A'), id: 'a-2' }]),
    /1\.name: the name "A" is also the name of a/,
  );
  assert.throws(() => payloads.replace([events('A'), events('A')]), /1\.id: id a is used twice/);
  assert.throws(() => payloads.replace([events('A'), { id: 'b' }]), / 1\.kind: /);
  assert.equal(payloads.list().length, before);
});

test('control API: save, list, read, rename, delete and replace payloads; the live feed says what changed', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const feed = await FeedClient.connect(server);
  await feed.waitFor(() => feed.messages.some((message) => message.type === 'ready'));

  const body = { name: 'Open a run', kind: 'events', body: [{ type: 'RUN_STARTED', threadId: 't', runId: 'r' }] };
  const created = await api.put<SavedPayload>('/payloads/open-a-run', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body, { id: 'open-a-run', ...body });
  const renamed = await api.put<SavedPayload>('/payloads/open-a-run', { ...body, id: 'open-a-run', name: 'Start' });
  assert.equal(renamed.status, 200);
  assert.equal((await api.get<SavedPayload>('/payloads/open-a-run')).body.name, 'Start');
  assert.deepEqual((await api.get<{ items: SavedPayload[]; total: number }>('/payloads')).body, {
    items: [renamed.body],
    total: 1,
  });

  // As a scenario's or a record's: at the body's id, in the list every 422 is.
  const wrongId = await api.put('/payloads/open-a-run', { ...body, id: 'other' });
  assert.deepEqual(
    { status: wrongId.status, body: wrongId.body },
    {
      status: 422,
      body: {
        detail: [
          {
            type: 'value_error',
            loc: ['body', 'id'],
            msg: 'Value error, the id in the body ("other") differs from the one in the path ("open-a-run"): give the same one in both',
            input: 'other',
          },
        ],
      },
    },
  );
  const badPath = await api.put<{ detail: { loc: unknown[] }[] }>('/payloads/Bad%20Id', body);
  assert.equal(badPath.status, 422);
  assert.deepEqual(badPath.body.detail[0]?.loc, ['path', 'id']);
  const invalid = await api.put<{ detail: { loc: unknown[]; msg: string }[] }>('/payloads/x', { ...body, body: [] });
  assert.equal(invalid.status, 422);
  assert.deepEqual(invalid.body.detail[0]?.loc, ['body', 'body']);
  assert.equal((await api.put('/payloads/x', [1, 2])).status, 422);
  const taken = await api.put<{ detail: string }>('/payloads/x', { ...body, name: 'START' });
  assert.equal(taken.status, 409);
  assert.match(taken.body.detail, /named "START" exists/);
  let deep: unknown = 1;
  for (let level = 0; level < 100; level++) deep = { a: deep };
  assert.equal((await api.put('/payloads/deep', { name: 'Deep', kind: 'json', body: deep })).status, 400);
  assert.equal((await api.get('/payloads/missing')).status, 404);
  assert.equal((await api.delete('/payloads/missing')).status, 404);

  const replaced = await api.put<{ items: SavedPayload[] }>('/payloads', {
    items: [
      { id: 'a', name: 'A', kind: 'text', body: 'a' },
      { id: 'b', name: 'B', kind: 'json', body: null },
    ],
  });
  assert.equal(replaced.status, 200);
  assert.deepEqual(
    replaced.body.items.map((item) => item.id),
    ['a', 'b'],
  );
  const badReplace = await api.put<{ detail: { loc: unknown[] }[] }>('/payloads', {
    items: [{ id: 'c', name: 'C', kind: 'text', body: 'c' }, { id: 'd' }],
  });
  assert.equal(badReplace.status, 422);
  assert.deepEqual(badReplace.body.detail[0]?.loc.slice(0, 3), ['body', 'items', 1]);
  assert.equal((await api.get<{ total: number }>('/payloads')).body.total, 2, 'a refused replace changes nothing');
  assert.equal((await api.delete('/payloads/a')).status, 204);

  await feed.waitFor(
    () =>
      feed.items
        .filter((item) => item.type === 'payloads-changed')
        .map((item) => item.type === 'payloads-changed' && `${item.change.type} ${item.change.id}`)
        .join() === 'payload-saved open-a-run,payload-saved open-a-run,payloads-replaced *,payload-deleted a',
  );
  feed.close();
});

test("a saved macro's parameters are refused as the macro's own route refuses them, in pydantic's types", async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const client = await AguiSocket.open(server.wsUrl);
  const [connection] = (await api.get<{ items: { id: string }[] }>('/connections')).body.items;
  assert.ok(connection);
  const macroRoute = `/connections/${connection.id}/macros/text-message`;
  type Issue = { type: string; loc: (string | number)[]; msg: string; input: unknown };
  for (const params of [{ chunkSize: 'x' }, { text: 5, chunkSize: 0 }]) {
    const sent = await api.post<{ detail: Issue[] }>(macroRoute, params);
    const saved = await api.put<{ detail: Issue[] }>('/payloads/m', {
      name: 'M',
      kind: 'macro',
      body: { macro: 'text-message', params },
    });
    assert.equal(sent.status, 422);
    assert.equal(saved.status, 422);
    // The same problems, at the parameters' place in the payload.
    assert.deepEqual(
      saved.body.detail,
      sent.body.detail.map((issue) => ({ ...issue, loc: ['body', 'body', 'params', ...issue.loc.slice(1)] })),
    );
  }
  const missing = await api.put<{ detail: Issue[] }>('/payloads/m', {
    name: 'M',
    kind: 'macro',
    body: { macro: 'run-error', params: {} },
  });
  assert.deepEqual(missing.body.detail, [
    { type: 'missing', loc: ['body', 'body', 'params', 'message'], msg: 'Field required', input: {} },
  ]);
  await client.close();
});

test('one payload too large is invalid input (422 at its body); payloads too large together are a conflict (409)', async () => {
  const api = controlClient(await startTestEngine());
  // The request alone passes the limit of one payload: pydantic's 422, at the field, saying what to do.
  const big = await api.put<{ detail: { type: string; loc: unknown[]; msg: string }[] }>('/payloads/big', {
    name: 'Big',
    kind: 'text',
    body: 'x'.repeat(MAX_SAVED_PAYLOAD_BYTES),
  });
  assert.equal(big.status, 422);
  assert.deepEqual(
    big.body.detail.map(({ type, loc }) => ({ type, loc })),
    [{ type: 'value_error', loc: ['body', 'body'] }],
  );
  assert.match(big.body.detail[0]?.msg ?? '', /at most 262144 \(256 KiB\): shorten it, or split it into several$/);

  // Each fits; with the payloads stored, one more passes what they may take together: 409, as a taken name.
  const text = 'x'.repeat(MAX_SAVED_PAYLOAD_BYTES - 100);
  const fitting = Math.floor(MAX_SAVED_PAYLOADS_TOTAL_BYTES / MAX_SAVED_PAYLOAD_BYTES);
  for (let n = 0; n < fitting; n++)
    assert.equal((await api.put(`/payloads/p${n}`, { name: `P${n}`, kind: 'text', body: text })).status, 201);
  const over = await api.put<{ detail: string }>('/payloads/one-more', { name: 'One more', kind: 'text', body: text });
  assert.equal(over.status, 409);
  assert.match(over.body.detail, /over the 4194304 a workspace keeps: delete some first/);
});

test('a payload saved at the depth limit loads again: a workspace list is not one level more of it', () => {
  const payloads = store(8);
  const nested = (levels: number): unknown => (levels === 0 ? 1 : { deeper: nested(levels - 1) });
  const payload = (levels: number) => ({
    ...events('deep'),
    body: [{ type: 'CUSTOM', name: 'deep', value: nested(levels) }],
  });
  // The deepest payload the store takes…
  let levels = 0;
  while (levels < 10) {
    try {
      payloads.put(payload(levels + 1));
      levels++;
    } catch {
      break;
    }
  }
  assert.ok(levels > 0 && levels < 10, `stopped at ${levels}`);
  // …loads again as a workspace's list holds it.
  const again = store(8);
  again.replace(payloads.list());
  assert.deepEqual(again.list(), payloads.list());
});
