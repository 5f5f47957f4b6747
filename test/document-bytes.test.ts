import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentBytes } from '../src/server/workspace/document-bytes';
import { encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import { WORKSPACE_TEMPLATES, type Workspace, WorkspaceSchema } from '../src/shared/workspace';

// The size a control API edit is weighed by must be the file's exactly: under it an edit is taken, and the save
// after must succeed.

const fileBytes = (workspace: Workspace) => Buffer.byteLength(encodeWorkspace(workspace));

test('every template measures as many bytes as its file takes', () => {
  const sizes = new DocumentBytes();
  for (const template of WORKSPACE_TEMPLATES) {
    const workspace = WorkspaceSchema.parse(workspaceTemplate(template, 0)) as Workspace;
    assert.equal(sizes.of(workspace), fileBytes(workspace), template);
  }
});

test('text, escapes, empty and missing values and deep nesting measure as JSON.stringify writes them', () => {
  const sizes = new DocumentBytes();
  const base = WorkspaceSchema.parse(workspaceTemplate('blank', 0)) as Workspace;
  const odd = {
    json: {
      text: 'naïve € 𝄞 "quoted"\n\u0001\ud800',
      empty: { list: [], object: {} },
      gone: undefined,
      holes: [undefined, null, 1e21, -0, Number.NaN],
      deep: [[[[[[[[[[{ a: [1, { b: 'c' }] }]]]]]]]]]],
      at: new Date(0),
    },
  };
  const workspace = {
    ...base,
    description: 'd',
    routes: [{ ...base.routes[0], responses: [{ id: 'r', body: odd }] }],
  } as unknown as Workspace;
  assert.equal(sizes.of(workspace), fileBytes(workspace));
  // Measured again with a part replaced: what is remembered of the rest still adds up.
  const edited = { ...workspace, routes: [...workspace.routes, ...workspace.routes], name: 'é' };
  assert.equal(sizes.of(edited), fileBytes(edited));
});

test('ofPaced measures what of does, letting the engine serve between pieces of a large world', async () => {
  const world = WorkspaceSchema.parse(workspaceTemplate('agora', 0)) as Workspace;
  // 600 sessions of 120 KB in the file: 72 MB, hundreds of milliseconds to measure in one go.
  const text = '\u0001'.repeat(20 * 1024);
  const agora = world.packs[0]?.data as { sessions: unknown[] };
  for (let n = 0; n < 600; n++) {
    agora.sessions.push({
      metadata: {
        sessionId: `s-${n}`,
        userId: 'koen',
        title: `s ${n}`,
        firstMessagePreview: '',
        messageCount: 1,
        createdAt: '2026-01-01T00:00:00Z',
        lastActivity: '2026-01-01T00:00:00Z',
      },
      history: [{ role: 'user', content: text }],
    });
  }
  let turns = 0;
  const turning = setInterval(() => turns++, 0);
  try {
    const paced = await new DocumentBytes().ofPaced(world);
    assert.equal(paced, new DocumentBytes().of(world));
    assert.equal(paced, fileBytes(world));
  } finally {
    clearInterval(turning);
  }
  // Measured in one go, none would (it takes tens of milliseconds even on a fast machine, a turn every 10).
  assert.ok(turns >= 2, `timers ran ${turns} times while it measured`);
});
