import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { type AtomicWriteHooks, tempPathFor } from '../src/server/workspace/atomic-file';
import { encodeWorkspace } from '../src/server/workspace/workspace-codec';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import type { ConsoleUser } from '../src/shared/control-api';
import { type Workspace, WorkspaceSchema, type WorkspaceStatus } from '../src/shared/workspace';
import { agoraData, agoraStore } from './helpers/agora';
import { controlClient } from './helpers/control-client';
import { handMadeTooLargeHistory } from './helpers/large-world';
import { eventually, WAIT_MS } from './helpers/wait';
import { agoraWorkspaceFile, readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// Saving: atomic writes under crashes and disk faults, autosave, and files changed by someone else.

const dir = await workspaceDir();
const KOEN = '550e8400-e29b-41d4-a716-446655440001';

const newFile = (name: string) => agoraWorkspaceFile(dir, name);

const tempsOf = async (file: string) =>
  (await readdir(dir)).filter((name) => name.startsWith(`.${file.split('/').at(-1)}.`) && name.endsWith('.tmp'));

/** Hooks a test switches on and off: a full disk, an unwritable folder. */
function faults() {
  const state: { write?: NodeJS.ErrnoException; open?: NodeJS.ErrnoException } = {};
  const hooks: AtomicWriteHooks = {
    beforeOpen: () => {
      if (state.open) throw state.open;
    },
    write: async (handle, data) => {
      if (!state.write) return handle.writeFile(data, 'utf8');
      // Half the bytes reach the temp file, then the disk is full.
      await handle.writeFile(data.slice(0, data.length / 2), 'utf8');
      throw state.write;
    },
  };
  return { state, hooks };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

test('kill -9 between write and rename: the previous file stays and loads; the stale temp goes on the next save', async () => {
  const file = await newFile('crash.agui.json');
  const before = await readFile(file, 'utf8');
  const changed = JSON.parse(before) as Workspace;
  changed.name = 'changed before the crash';
  const moduleUrl = pathToFileURL(resolve('src/server/workspace/atomic-file.ts')).href;
  // A real process, really killed with SIGKILL after its temp file is complete and synced, before the rename.
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { writeFileAtomic } = await import(${JSON.stringify(moduleUrl)});
       await writeFileAtomic(${JSON.stringify(file)}, ${JSON.stringify(JSON.stringify(changed))},
         { beforeRename: () => process.kill(process.pid, 'SIGKILL') });`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.equal(await readFile(file, 'utf8'), before, 'the real file is the previous version');
  assert.equal((await tempsOf(file)).length, 1, 'the crash left its temp file');

  const server = await startWorkspaceEngine(dir, file);
  assert.equal(server.workspace.status().name, 'crash.agui.json', 'the previous version loads');
  agoraStore(server).setCurrentUser(null);
  await server.workspace.save();
  assert.deepEqual(await tempsOf(file), [], 'stale temp files are cleaned up by the next save');
  assert.equal(agoraData((await readJson(file)) as Workspace).currentUserId, null);
});

test('a file whose name is near the longest the folder takes is saved, its stale temp files cleared', async () => {
  // 250 bytes of UTF-8: its temp file's name, with 18 more, would be too long. Before, it opened but every save failed.
  const file = await newFile(`${'é'.repeat(120)}.agui.json`);
  const temp = tempPathFor(file);
  assert.ok(Buffer.byteLength(basename(temp)) <= 255, basename(temp));
  const stale = join(dir, basename(temp).replace(/[0-9a-f]{12}\.tmp$/, '0123456789ab.tmp'));
  await writeFile(stale, 'left by a crash');
  const server = await startWorkspaceEngine(dir, file);
  agoraStore(server).setCurrentUser(null);
  await server.workspace.save();
  assert.equal(server.workspace.status().error, null);
  assert.equal(agoraData((await readJson(file)) as Workspace).currentUserId, null);
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
    [],
    'the stale temp file is removed',
  );
});

test('disk full during a save: reported, the previous file intact, no temp left; the next save recovers', async () => {
  const file = await newFile('full.agui.json');
  const before = await readFile(file, 'utf8');
  const { state, hooks } = faults();
  const warnings: string[] = [];
  const server = await startWorkspaceEngine(dir, file, {
    workspaceOptions: { fileHooks: hooks, autosaveDelayMs: 60_000 },
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  const api = controlClient(server);
  state.write = errno('ENOSPC');
  await api.put(`/state/users/${KOEN}`, { name: 'Koen (edited)' });
  const failing = await api.post<{ detail: { problem: string; operation: string } }>('/workspace/save');
  assert.equal(failing.status, 409);
  assert.match(failing.body.detail.problem, /the disk is full: no room in .* \(ENOSPC\).*unchanged/);
  const status = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.equal(status.dirty, true, 'the change is still unsaved');
  assert.equal(status.error?.operation, 'save');
  assert.match(status.error?.message ?? '', /full\.agui\.json: could not save \(the disk is full/);
  assert.equal(await readFile(file, 'utf8'), before, 'the previous file is intact');
  assert.deepEqual(await tempsOf(file), []);
  // The caller shows it: not logged as well (`serve` into a folder it may not write printed it twice).
  assert.deepEqual(warnings, []);

  state.write = undefined;
  const saved = await api.post<WorkspaceStatus>('/workspace/save');
  assert.equal(saved.status, 200);
  assert.equal(saved.body.error, null);
  assert.equal(saved.body.dirty, false);
  assert.match(await readFile(file, 'utf8'), /Koen \(edited\)/);
});

test('a workspace larger than the engine opens is never saved: refused with the size and what to do, the file intact', async () => {
  const file = await newFile('too-large.agui.json');
  const before = await readFile(file, 'utf8');
  const warnings: string[] = [];
  const server = await startWorkspaceEngine(dir, file, {
    // Closing's save is let run to the end, however slow the disk.
    workspaceOptions: { autosaveDelayMs: 60_000, closeTimeoutMs: 60_000 },
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  const api = controlClient(server);
  // Made by hand: recorded history would give way instead (workspace-history-room.test.ts).
  handMadeTooLargeHistory(agoraStore(server));

  const failing = await api.post<{ detail: { problem: string; operation: string } }>('/workspace/save');
  assert.equal(failing.status, 409);
  assert.match(failing.body.detail.problem, /larger than 64 MiB, the largest file the engine opens: lower the history/);
  assert.match(
    failing.body.detail.problem,
    /delete sessions, large records or large routes, then save again \(the file on disk is unchanged\)$/,
  );
  const status = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.equal(status.dirty, true, 'the changes are still unsaved');
  assert.equal(status.error?.operation, 'save');
  assert.match(status.error?.message ?? '', /too-large\.agui\.json: the workspace is larger than 64 MiB/);
  assert.equal(await readFile(file, 'utf8'), before, 'the previous file is intact');
  assert.deepEqual(await tempsOf(file), []);

  const elsewhere = join(dir, 'too-large-copy.agui.json');
  const saveAs = await api.post<{ detail: { problem: string } }>('/workspace/save-as', { path: elsewhere });
  assert.equal(saveAs.status, 409);
  assert.match(saveAs.body.detail.problem, /larger than 64 MiB.*nothing was written there/);
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.includes('too-large-copy')),
    [],
  );
  assert.equal(server.workspace.filePath(), file, 'the workspace keeps its file');

  // Closing's own save is refused the same way, and the file stays as it was; the changes, which no later save
  // can take, are kept beside it whatever their size, and the log says where and why, once.
  await server.close();
  const kept = warnings.filter((warning) => warning.includes('larger than 64 MiB'));
  assert.equal(kept.length, 1, warnings.join(' | '));
  assert.match(
    kept[0] as string,
    /unsaved changes kept in .*too-large\.agui\.json\.unsaved-.*\.json: .* would be larger than 64 MiB/,
  );
  assert.equal(await readFile(file, 'utf8'), before);
  assert.deepEqual(await tempsOf(file), []);
  const copies = (await readdir(dir)).filter((name) => name.startsWith('too-large.agui.json.unsaved-'));
  assert.equal(copies.length, 1);
  assert.match(await readFile(join(dir, copies[0] as string), 'utf8'), /\\u0001/);
});

/**
 * Hooks that note when each write of `file` itself begins (not of a copy kept beside it): each encodes the whole
 * workspace, up to 64 MiB for one too large to save.
 */
function writesOf(file: string): { starts: number[]; hooks: AtomicWriteHooks } {
  const starts: number[] = [];
  const own = new RegExp(`^\\.${basename(file).replaceAll('.', '\\.')}\\.[0-9a-f]{12}\\.tmp$`);
  return {
    starts,
    hooks: {
      beforeOpen: (temp) => {
        if (own.test(basename(temp))) starts.push(performance.now());
      },
    },
  };
}

test('a workspace too large to save is encoded again only after a change, for a stream of changes once a period; made small, it saves', async () => {
  const file = await newFile('too-large-autosave.agui.json');
  const writes = writesOf(file);
  const refusals: number[] = [];
  const PERIOD_MS = 1000;
  const server = await startWorkspaceEngine(dir, file, {
    // Changes a stream of requests makes never leave a quiet spell as long: they are saved once a period.
    workspaceOptions: { autosaveDelayMs: PERIOD_MS, autosaveMaxDelayMs: PERIOD_MS, fileHooks: writes.hooks },
    logger: {
      info: () => {},
      warn: (message) => {
        if (message.includes('larger than 64 MiB')) refusals.push(performance.now());
      },
      error: () => {},
    },
  });
  const api = controlClient(server);
  const store = agoraStore(server);
  handMadeTooLargeHistory(store);
  await eventually(() => refusals.length === 1, 'the autosave refused');
  assert.equal(writes.starts.length, 1);

  // Nothing changed since: refused as the autosave was, without encoding it all again.
  const again = await api.post<{ detail: { problem: string } }>('/workspace/save');
  assert.equal(again.status, 409);
  assert.match(again.body.detail.problem, /larger than 64 MiB, the largest file the engine opens: lower the history/);
  assert.equal(writes.starts.length, 1, 'nothing changed: not encoded again');

  // Any change may have made it small, so it is tried again; under a stream of them, once a period after the last
  // refusal. Before, each began as soon as the previous one was refused: the engine encoded 64 MiB back to back.
  let streaming = true;
  const stream = (async () => {
    for (let n = 0; streaming; n++) {
      // Names of one length: an edit that would make a world too large to save any larger is refused (409).
      const name = `Koen ${String(n % 1000).padStart(3, '0')}`;
      assert.equal((await api.put(`/state/users/${KOEN}`, { name })).status, 200);
      await sleep(20);
    }
  })();
  // Two more encodes of 64 MiB, which a busy machine may take seconds each to make.
  await eventually(() => refusals.length === 3, 'two more autosaves refused', WAIT_MS * 2);
  streaming = false;
  await stream;
  const gap = (writes.starts[2] as number) - (refusals[1] as number);
  assert.ok(gap >= PERIOD_MS * 0.75, `the third save began ${Math.round(gap)} ms after the second was refused`);

  // A change that makes it small again is saved as any change is.
  for (let run = 0; run < 6; run++) assert.equal((await api.delete(`/state/sessions/big-${run}`)).status, 204);
  await eventually(async () => {
    const status = (await api.get<WorkspaceStatus>('/workspace')).body;
    return !status.dirty && status.error === null;
  }, 'the workspace saved once small again');
  const saved = await readFile(file, 'utf8');
  assert.doesNotMatch(saved, /\\u0001/);
  assert.match(saved, /"Koen \d+"/);
});

test('closing a workspace found too large, unchanged since, keeps its changes beside the file without encoding it again', async () => {
  const file = await newFile('too-large-closing.agui.json');
  const before = await readFile(file, 'utf8');
  const writes = writesOf(file);
  const warnings: string[] = [];
  const server = await startWorkspaceEngine(dir, file, {
    // Closing's save is let run to the end, however slow the disk: only the encodes are counted.
    workspaceOptions: { autosaveDelayMs: 20, closeTimeoutMs: 60_000, fileHooks: writes.hooks },
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  const store = agoraStore(server);
  handMadeTooLargeHistory(store);
  await eventually(() => server.workspace.status().error?.operation === 'save', 'the autosave refused');
  await server.close();
  assert.equal(writes.starts.length, 1, 'closing did not encode it again to be refused again');
  assert.match(warnings.at(-1) ?? '', /unsaved changes kept in .*too-large-closing\.agui\.json\.unsaved-.*\.json/);
  assert.equal(server.workspace.unsavedChangesLost(), false, 'kept beside the file: not lost');
  assert.equal(await readFile(file, 'utf8'), before);
});

test('an unwritable folder: autosave reports it and leaves the file as it was', async () => {
  const folder = join(dir, 'locked');
  await import('node:fs/promises').then((fs) => fs.mkdir(folder));
  const file = join(folder, 'locked.agui.json');
  await writeFile(file, encodeWorkspace(WorkspaceSchema.parse(workspaceTemplate('agora', Date.now(), 'locked'))));
  const before = await readFile(file, 'utf8');
  const { state, hooks } = faults();
  const warnings: string[] = [];
  const server = await startWorkspaceEngine(dir, file, {
    workspaceOptions: { fileHooks: hooks },
    logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
  });
  // root may write anywhere, so there the permission error is injected where the temp file is created.
  const root = process.getuid?.() === 0;
  if (root) state.open = errno('EACCES');
  else await chmod(folder, 0o555);
  try {
    agoraStore(server).setCurrentUser(null);
    await eventually(() => server.workspace.status().error !== null, 'the save error to show');
    const status = server.workspace.status();
    assert.match(status.error?.problem ?? '', /permission denied: not allowed to write in .*locked \(EACCES\)/);
    assert.equal(status.dirty, true);
    assert.equal(await readFile(file, 'utf8'), before);
    // Nobody waits for an autosave: its failure is logged.
    await eventually(() => warnings.length > 0, 'the failure to be logged');
    assert.match(warnings[0] ?? '', /^workspace: .*locked\.agui\.json: could not save \(permission denied/);
  } finally {
    if (!root) await chmod(folder, 0o755);
  }
  state.open = undefined;
  await server.workspace.save();
  assert.equal(server.workspace.status().error, null);
});

test('save as into a folder that does not exist: refused with the reason, the workspace keeps its file', async () => {
  const file = await newFile('save-as.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const answer = await api.post<{ detail: { problem: string } }>('/workspace/save-as', {
    path: join(dir, 'missing-folder', 'x.agui.json'),
  });
  assert.equal(answer.status, 422);
  assert.match(answer.body.detail.problem, /the folder .*missing-folder does not exist \(ENOENT\)/);
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.path, file);
});

test('autosave: an edit through the control API reaches the file after a short quiet time', async () => {
  const file = await newFile('autosave.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const created = await api.post<ConsoleUser>('/state/users', { email: 'new@example.com', name: 'New Person' });
  assert.equal(created.status, 201);
  assert.equal((await api.get<WorkspaceStatus>('/workspace')).body.dirty, true);
  await eventually(async () => (await readFile(file, 'utf8')).includes('new@example.com'), 'the autosave');
  await eventually(() => !server.workspace.status().dirty, 'the workspace to be clean');
  assert.ok((server.workspace.status().lastSavedAt ?? 0) > 0);
});

test('autosave under a steady stream of changes: saved within autosaveMaxDelayMs, not only once it stops', async () => {
  const file = await newFile('steady.agui.json');
  const server = await startWorkspaceEngine(dir, file, {
    workspaceOptions: { autosaveDelayMs: 3000, autosaveMaxDelayMs: 3000 },
  });
  // A change every 20 ms: never the 3 s of quiet autosave waits for, even when a busy machine holds a tick up.
  let runs = 0;
  let longestGap = 0;
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const at = performance.now();
    longestGap = Math.max(longestGap, at - lastAt);
    lastAt = at;
    agoraStore(server).recordRunStart(`steady-${runs++}`, null, 'nog een vraag');
  }, 20);
  try {
    await eventually(async () => (await readFile(file, 'utf8')).includes('"steady-0"'), 'the first autosave');
  } finally {
    clearInterval(timer);
  }
  assert.ok(
    longestGap < 3000,
    `the changes never paused for the quiet time (longest gap ${Math.round(longestGap)} ms)`,
  );
});

test('autosave arms one timer for a burst of changes, not one per change (a busy engine changes thousands a second)', async () => {
  const file = await newFile('burst.agui.json');
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 50 } });
  const realSetTimeout = globalThis.setTimeout;
  let timersArmed = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timersArmed++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    for (let run = 0; run < 500; run++) agoraStore(server).recordRunStart(`burst-${run}`, null, 'nog een vraag');
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.ok(timersArmed <= 1, `${timersArmed} timers armed for 500 runs' changes`);
  await eventually(async () => (await readFile(file, 'utf8')).includes('"burst-499"'), 'the autosave after the burst');
});

test('autosave on close: pending changes are written when the engine stops', async () => {
  const file = await newFile('on-close.agui.json');
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 60_000 } });
  await controlClient(server).post('/scenarios', {
    id: 'saved-on-close',
    name: 'Saved on close',
    triggers: [{ match: 'substring', value: 'close' }],
    steps: [{ type: 'text', chunks: ['bye'] }],
  });
  assert.doesNotMatch(await readFile(file, 'utf8'), /saved-on-close/);
  await server.close();
  assert.match(await readFile(file, 'utf8'), /saved-on-close/);
});

test('changed on disk with nothing unsaved: reloaded', async () => {
  const file = await newFile('outside-clean.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const changed = (await readJson(file)) as unknown as Workspace;
  changed.name = 'Edited in an editor';
  (agoraData(changed).users[0] as { name: string }).name = 'Koen (from git pull)';
  await writeFile(file, JSON.stringify(changed, null, 2));
  await eventually(() => agoraStore(server).getUser(KOEN)?.name === 'Koen (from git pull)', 'the reload');
  const status = server.workspace.status();
  assert.equal(status.name, 'Edited in an editor');
  assert.equal(status.dirty, false);
  assert.equal(status.conflict, null);
});

test('changed on disk while there are unsaved changes: a conflict, neither side overwritten until saved', async () => {
  const file = await newFile('outside-dirty.agui.json');
  const server = await startWorkspaceEngine(dir, file, { workspaceOptions: { autosaveDelayMs: 60_000 } });
  const api = controlClient(server);
  await api.put(`/state/users/${KOEN}`, { name: 'Koen (mine)' });
  const theirs = (await readJson(file)) as unknown as Workspace;
  (agoraData(theirs).users[0] as { name: string }).name = 'Koen (theirs)';
  const theirsText = JSON.stringify(theirs, null, 2);
  await writeFile(file, theirsText);
  await eventually(() => server.workspace.status().conflict !== null, 'the conflict to show');
  const status = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.match(status.conflict?.message ?? '', /changed on disk while there are unsaved changes/);
  assert.equal(status.autosave, false);
  assert.equal(agoraStore(server).getUser(KOEN)?.name, 'Koen (mine)', 'ours kept in memory');
  await api.put(`/state/users/${KOEN}`, { name: 'Koen (mine, again)' });
  // A negative check (nothing is written) has no event to wait for: a short while must pass without a write.
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(await readFile(file, 'utf8'), theirsText, 'theirs kept on disk');

  // "Keep mine": an explicit save resolves it.
  const saved = await api.post<WorkspaceStatus>('/workspace/save');
  assert.equal(saved.body.conflict, null);
  assert.match(await readFile(file, 'utf8'), /Koen \(mine, again\)/);
});

test('an invalid file written by someone else is reported and never autosaved over', async () => {
  const file = await newFile('outside-broken.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  await writeFile(file, '{ "version": 1, "name": ');
  await eventually(() => server.workspace.status().error?.operation === 'watch', 'the watch error to show');
  assert.match(server.workspace.status().error?.problem ?? '', /truncated/);
  agoraStore(server).setCurrentUser(null);
  // A negative check: four times the 50 ms autosave delay pass without a write (there is no event to wait for).
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await readFile(file, 'utf8'), '{ "version": 1, "name": ', 'the broken file is left for its author');
  assert.equal(server.workspace.status().dirty, true);
});

/** A workspace cut short, as an editor saving half a file leaves it. */
const TRUNCATED = '{"version": 2, "name": "x", "scenarios": [';

test('a broken file fixed while nothing is unsaved here: reloaded, the problem gone', async () => {
  const file = await newFile('fixed-clean.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const fixed = (await readJson(file)) as unknown as Workspace;
  fixed.name = 'Fixed in an editor';
  await writeFile(file, TRUNCATED);
  await eventually(() => /truncated/.test(server.workspace.status().error?.problem ?? ''), 'the problem to show');
  await writeFile(file, JSON.stringify(fixed, null, 2));
  await eventually(() => server.workspace.status().name === 'Fixed in an editor', 'the reload');
  const status = server.workspace.status();
  assert.equal(status.error, null);
  assert.equal(status.conflict, null);
  assert.equal(status.autosave, true);
});

test('a broken file fixed, then broken again, while there are unsaved changes: the status says what the file is', async () => {
  const file = await newFile('fixed-dirty.agui.json');
  const server = await startWorkspaceEngine(dir, file);
  const api = controlClient(server);
  const valid = await readFile(file, 'utf8');
  await writeFile(file, TRUNCATED);
  await eventually(() => /truncated/.test(server.workspace.status().error?.problem ?? ''), 'the problem to show');
  await api.put(`/state/users/${KOEN}`, { name: 'Koen (unsaved)' });

  // Fixed: a conflict with the unsaved change, and no word of the version that was broken.
  await writeFile(file, valid);
  await eventually(() => server.workspace.status().conflict !== null, 'the conflict to show');
  const fixed = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.match(fixed.conflict?.message ?? '', /changed on disk while there are unsaved changes/);
  assert.equal(fixed.error, null, 'a valid file is not said to be broken');
  assert.equal(fixed.autosave, false);

  // Broken again: the problem, not a conflict offering to open a file that cannot be taken.
  await writeFile(file, TRUNCATED);
  await eventually(() => server.workspace.status().error !== null, 'the problem to show again');
  const broken = (await api.get<WorkspaceStatus>('/workspace')).body;
  assert.match(broken.error?.problem ?? '', /truncated/);
  assert.equal(broken.conflict, null);
  assert.equal(broken.autosave, false);
  assert.equal(broken.dirty, true);
  assert.equal(await readFile(file, 'utf8'), TRUNCATED, 'the broken file is left for its author');
});
