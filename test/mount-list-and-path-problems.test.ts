import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// Mount problems the control API refuses as any body that does not validate: 422, each at its place in the body
// sent, in the words `agui-mock validate` uses (docs/control-api.md, Mounts).

interface Refusal {
  detail: { type: string; loc: (string | number)[]; msg: string; input: unknown }[];
}

/** One valid mount of each section, at `path`. */
const MOUNTS = {
  routes: (id: string, path: string) => ({ id, path, responses: [{ id: 'ok' }] }),
  collections: (id: string, path: string) => ({ id, path }),
  'static-folders': (id: string, path: string) => ({ id, path, folder: 'public' }),
  sockets: (id: string, path: string) => ({ id, path, behaviour: { type: 'echo' } }),
  agents: (id: string, path: string) => ({ id, path }),
};

test('a path that does not parse is "invalid path pattern: …" for sockets and agents as for routes, with no link', async () => {
  const api = controlClient(await startTestEngine({ template: 'blank' }));
  for (const section of ['routes', 'sockets', 'agents'] as const) {
    for (const [path, problem] of [
      ['/chat/:', 'Missing parameter name at index 7: /chat/:'],
      ['/i4?x=1', 'Unexpected ? at index 3: /i4?x=1'],
    ] as const) {
      const refused = await api.post<Refusal>(`/${section}`, MOUNTS[section]('bad', path));
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.deepEqual(
        refused.body.detail.map(({ loc, msg }) => ({ loc, msg })),
        [{ loc: ['body', 'path'], msg: `invalid path pattern: ${problem}` }],
        section,
      );
    }
  }
  // Collections and static folders say what their paths must be; the parser's words come without the link too.
  for (const section of ['collections', 'static-folders'] as const) {
    const refused = await api.post<Refusal>(`/${section}`, MOUNTS[section]('bad', '/a/:'));
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    for (const { msg } of refused.body.detail) assert.doesNotMatch(msg, /https?:|visit/, section);
  }
});

test('PUT of a whole section with an id listed twice is a 422 at the second one, in every section', async () => {
  const api = controlClient(await startTestEngine({ template: 'blank' }));
  const words = {
    routes: 'route',
    collections: 'collection',
    'static-folders': 'static folder',
    sockets: 'socket',
    agents: 'agent',
  };
  for (const [section, mount] of Object.entries(MOUNTS)) {
    const before = (await api.get(`/${section}`)).body;
    const items = [mount('a', '/one'), mount('b', '/two'), mount('a', '/three')];
    const refused = await api.put<Refusal>(`/${section}`, { items });
    assert.equal(refused.status, 422, `${section}: ${JSON.stringify(refused.body)}`);
    assert.deepEqual(
      refused.body.detail.map(({ loc, msg, input }) => ({ loc, msg, input })),
      [
        {
          loc: ['body', 'items', 2, 'id'],
          msg: `duplicate ${words[section as keyof typeof words]} id 'a'`,
          input: 'a',
        },
      ],
      section,
    );
    assert.deepEqual((await api.get(`/${section}`)).body, before, `${section}: nothing changed`);
  }
});

test('a socket offering a subprotocol twice is refused when stored, at the second one', async () => {
  const api = controlClient(await startTestEngine({ template: 'blank' }));
  const refused = await api.post<Refusal>('/sockets', {
    ...MOUNTS.sockets('chat', '/chat'),
    subprotocols: ['chat', 'v2', 'chat'],
  });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.deepEqual(
    refused.body.detail.map(({ loc, msg, input }) => ({ loc, msg, input })),
    [
      {
        loc: ['body', 'subprotocols', 2],
        msg: 'subprotocol "chat" is already listed at 0: list each subprotocol once',
        input: 'chat',
      },
    ],
  );
  // Compared as the handshake compares them: `Chat` is another subprotocol, which a client asking for it gets.
  const stored = await api.post('/sockets', { ...MOUNTS.sockets('chat', '/chat'), subprotocols: ['chat', 'Chat'] });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
});
