import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCommand } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A second WebSocket endpoint or agent is refused when the first always takes what it would: "the same path" is
// decided as the matcher matches (`compilePathPattern`: a parameter matches whatever its name, a trailing slash
// is tolerated both ways, letter case counts), and so is a path an earlier parameter or wildcard already covers.
// Paths the matcher tells apart are still accepted.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

interface Refusal {
  detail: { loc: unknown[]; msg: string }[];
}

async function refused(section: 'sockets' | 'agents', body: Record<string, unknown>, message: RegExp): Promise<void> {
  const answer = await api.post<Refusal>(`/${section}`, body);
  assert.equal(answer.status, 422, `${body.path} is refused`);
  assert.deepEqual(answer.body.detail[0]?.loc, ['body', 'path']);
  assert.match(answer.body.detail[0]?.msg ?? '', message);
}

async function accepted(section: 'sockets' | 'agents', body: Record<string, unknown>): Promise<void> {
  const answer = await api.post(`/${section}`, body);
  assert.equal(answer.status, 201, `${body.path} is accepted: ${JSON.stringify(answer.body)}`);
}

const echo = { behaviour: { type: 'echo' } };

async function socketIds(): Promise<string[]> {
  return (await api.get<{ items: { id: string }[] }>('/sockets')).body.items.map((socket) => socket.id);
}

test('a socket whose path differs only by a parameter name is refused, naming the first and why', async () => {
  await accepted('sockets', { id: 'room', path: '/ws/:room', ...echo });
  await refused(
    'sockets',
    { id: 'name', path: '/ws/:name', ...echo },
    /socket 'room' already serves \/ws\/:name: its path \/ws\/:room is the same path \(a parameter matches whatever its name\), so this one would never be reached/,
  );
  assert.deepEqual(await socketIds(), ['room']);
  // Disabled, it may wait there, as one at the very same path may.
  await accepted('sockets', { id: 'name', path: '/ws/:name', enabled: false, ...echo });
  // Paths the matcher tells apart: more segments, another letter case.
  await accepted('sockets', { id: 'messages', path: '/ws/:room/messages', ...echo });
  await accepted('sockets', { id: 'upper', path: '/WS/:room', ...echo });
});

test('a socket whose path differs only by a trailing slash is refused', async () => {
  await accepted('sockets', { id: 'lobby', path: '/lobby', ...echo });
  await refused(
    'sockets',
    { id: 'lobby-slash', path: '/lobby/', ...echo },
    /socket 'lobby' already serves \/lobby\/: its path \/lobby is the same path \(a trailing slash makes no difference\)/,
  );
  await refused(
    'sockets',
    { id: 'room-slash', path: '/ws/:other/', ...echo },
    /socket 'room' already serves \/ws\/:other\/: its path \/ws\/:room is the same path \(a parameter matches whatever its name, and a trailing slash makes no difference\)/,
  );
});

test('a literal path after a parameter that already takes it is refused; before it, both are reached', async () => {
  await refused(
    'sockets',
    { id: 'fixed', path: '/ws/fixed', ...echo },
    /socket 'room' already serves \/ws\/fixed: its path \/ws\/:room matches every path this one does \(a parameter matches any segment\), and the first that matches answers/,
  );
  // The literal first: it takes only its own path, the parameter every other.
  await accepted('sockets', { id: 'home', path: '/home/main', ...echo });
  await accepted('sockets', { id: 'homes', path: '/home/:id', ...echo });
  // One segment more than the parameter's: never its.
  await accepted('sockets', { id: 'deeper', path: '/home/a/b', ...echo });
});

test('an agent whose path differs only by a parameter name or a trailing slash is refused', async () => {
  await accepted('agents', { id: 'x', path: '/agent/:x' });
  await refused(
    'agents',
    { id: 'y', path: '/agent/:y' },
    /agent 'x' already serves \/agent\/:y: its path \/agent\/:x is the same path \(a parameter matches whatever its name\)/,
  );
  await accepted('agents', { id: 'plain', path: '/runs' });
  await refused(
    'agents',
    { id: 'plain-slash', path: '/runs/' },
    /agent 'plain' already serves \/runs\/: its path \/runs is the same path \(a trailing slash makes no difference\)/,
  );
  await refused('agents', { id: 'special', path: '/agent/special' }, /agent 'x' already serves \/agent\/special/);
  await accepted('agents', { id: 'sub', path: '/agent/:x/sub' });
  // A socket and an agent never take each other's requests (an upgrade, a POST): one path serves both.
  await accepted('agents', { id: 'also-socket', path: '/ws/:name' });
  const agents = (await api.get<{ items: { id: string }[] }>('/agents')).body.items.map((agent) => agent.id);
  for (const id of ['x', 'plain', 'sub', 'also-socket']) assert.ok(agents.includes(id), id);
  for (const id of ['y', 'plain-slash', 'special']) assert.ok(!agents.includes(id), id);
});

const byName = {
  version: 2,
  name: 'shadow',
  sockets: [
    { id: 'a', path: '/ws/:room', behaviour: { type: 'echo' } },
    { id: 'b', path: '/ws/:name', behaviour: { type: 'echo' } },
  ],
  agents: [
    { id: 'x', path: '/agent/:x' },
    { id: 'y', path: '/agent/:y' },
  ],
};
const bySlash = {
  version: 2,
  name: 'shadow-slash',
  sockets: [
    { id: 'a', path: '/ws/a', behaviour: { type: 'echo' } },
    { id: 'b', path: '/ws/a/', behaviour: { type: 'echo' } },
  ],
  agents: [
    { id: 'x', path: '/agent' },
    { id: 'y', path: '/agent/' },
  ],
};

async function workspaceFile(workspace: unknown): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'shadowed-paths-'));
  after(() => rm(folder, { recursive: true, force: true }));
  const file = join(folder, 'mock.agui.json');
  await writeFile(file, JSON.stringify(workspace));
  return file;
}

test('agui-mock validate refuses sockets and agents at the same path by parameter name or trailing slash', async () => {
  for (const [workspace, why] of [
    [byName, /a parameter matches whatever its name/],
    [bySlash, /a trailing slash makes no difference/],
  ] as const) {
    const file = await workspaceFile(workspace);
    const cli = runCommand(process.execPath, ['--import', 'tsx', 'src/cli/agui-mock.ts', 'validate', file]);
    assert.equal((await cli.exited()).code, 1, workspace.name);
    const [socket, agent] = [workspace.sockets, workspace.agents].map((mounts) => mounts.map((mount) => mount.path));
    const literal = (text: string) => text.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(
      cli.stderr(),
      new RegExp(
        `sockets\\.1\\.path: socket 'a' already serves ${literal(socket?.[1] ?? '')}: its path ${literal(socket?.[0] ?? '')} is the same path`,
      ),
    );
    assert.match(
      cli.stderr(),
      new RegExp(
        `agents\\.1\\.path: agent 'x' already serves ${literal(agent?.[1] ?? '')}: its path ${literal(agent?.[0] ?? '')} is the same path`,
      ),
    );
    assert.match(cli.stderr(), why);
  }
});

test('an engine does not load a workspace file with a socket or an agent at the same path as another', async () => {
  const sockets = await workspaceFile({ ...byName, agents: [] });
  await assert.rejects(
    startTestEngine({ workspace: sockets }),
    /sockets\.1\.path: socket 'a' already serves \/ws\/:name: its path \/ws\/:room is the same path/,
  );
  const agents = await workspaceFile({ ...bySlash, sockets: [] });
  await assert.rejects(
    startTestEngine({ workspace: agents }),
    /agents\.1\.path: agent 'x' already serves \/agent\/: its path \/agent is the same path/,
  );
});
