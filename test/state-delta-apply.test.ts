import assert from 'node:assert/strict';
import { test } from 'node:test';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { applyStateDelta, STATE_MAX_CHARACTERS } from '../src/server/scenarios/state-delta';
import { jsonSize } from '../src/server/templates/json-size';
import type { JsonValue } from '../src/shared/scenario';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';
import { sseEvents } from './helpers/sse-events';

// A delta copies only the containers on its operations' ways and keeps the state's size as it goes, so it costs what
// it touches: copying and measuring the whole state for every delta held the engine 35 seconds for a scenario with a
// 0.5 MB state and 300 deltas stored behind a `random` step (every path is tried). It must still mean what fast-json-patch makes of it
// (what a client does with it), leave the state it started from as it was, and keep the size limit exact.

/** A small seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const KEYS = ['a', 'b', 'c', 'toString', 'x~y', 'p/q'];

function pointerOf(path: string[]): string {
  return path.map((key) => `/${fastJsonPatch.escapePathComponent(key)}`).join('');
}

/** Every place in `value`, as key paths (the root first). */
function places(value: unknown, path: string[] = []): string[][] {
  const found = [path];
  if (typeof value === 'object' && value !== null)
    for (const key of Object.keys(value))
      found.push(...places((value as Record<string, unknown>)[key], [...path, key]));
  return found;
}

function someValue(next: () => number): JsonValue {
  const kind = Math.floor(next() * 5);
  if (kind === 0) return Math.floor(next() * 100);
  if (kind === 1) return 'v'.repeat(Math.floor(next() * 5));
  if (kind === 2) return { [KEYS[Math.floor(next() * 3)] as string]: [1, { a: null }] };
  if (kind === 3) return [true, 'w'];
  return null;
}

function someOperation(state: unknown, next: () => number): Operation {
  const all = places(state);
  const pick = () => all[Math.floor(next() * all.length)] as string[];
  const into = () => {
    const base = pick();
    const inside = base.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], state);
    const key = Array.isArray(inside)
      ? next() < 0.3
        ? '-'
        : String(Math.floor(next() * (inside.length + 1)))
      : (KEYS[Math.floor(next() * KEYS.length)] as string);
    return pointerOf([...base, key]);
  };
  const op = ['add', 'add', 'remove', 'replace', 'move', 'copy', 'test'][Math.floor(next() * 7)];
  if (op === 'add') return { op, path: into(), value: someValue(next) };
  if (op === 'remove') return { op, path: pointerOf(pick()) };
  if (op === 'replace') return { op, path: pointerOf(pick()), value: someValue(next) };
  if (op === 'test') return { op, path: pointerOf(pick()), value: someValue(next) };
  const from = pointerOf(pick());
  if (op === 'copy') return { op, from, path: into() };
  return { op: 'move', from: from === '' ? '/a' : from, path: into() };
}

function sizeOf(value: unknown): number {
  return STATE_MAX_CHARACTERS * 4 - jsonSize(value, STATE_MAX_CHARACTERS * 4);
}

test('deltas mean what fast-json-patch makes of them, change no earlier state, and keep the size exact', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const next = random(seed);
    let state: JsonValue = { a: [1, { b: 'x' }], c: { a: {} } };
    for (let step = 0; step < 40; step++) {
      const delta = Array.from({ length: 1 + Math.floor(next() * 4) }, () => someOperation(state, next));
      // A state that is not a container has no places: fast-json-patch makes odd things of operations on it.
      if (typeof state !== 'object' || state === null) state = { a: [] };
      const before: string = JSON.stringify(state);
      const applied = applyStateDelta(state, delta);
      let expected: JsonValue | undefined;
      // RFC 6902: a value cannot move into one of its children (fast-json-patch moves one out and loses it).
      const intoItself = delta.some(
        (operation) => operation.op === 'move' && operation.path.startsWith(`${operation.from}/`),
      );
      if (!intoItself)
        try {
          expected = fastJsonPatch.applyPatch(fastJsonPatch.deepClone(state), delta, true, true).newDocument;
        } catch {
          expected = undefined;
        }
      const what = `seed ${seed}, step ${step}: ${JSON.stringify(delta)} on ${before}`;
      assert.equal(JSON.stringify(state), before, `${what} changed the state it started from`);
      if (expected === undefined) {
        assert.ok('problem' in applied, `${what} applied, where fast-json-patch refuses it`);
        continue;
      }
      assert.ok('state' in applied, `${what}: ${'problem' in applied ? applied.problem : ''}`);
      assert.deepEqual(applied.state, expected, what);
      state = applied.state;
    }
    // The size kept through all of it is the state's: a string that fills the state to the limit fits, one more
    // character does not.
    const room = STATE_MAX_CHARACTERS - sizeOf(state) - 'fill'.length - 4 - 2;
    const fill = (length: number) => [{ op: 'add', path: '/fill', value: 'f'.repeat(length) }];
    if (typeof state !== 'object' || state === null || Array.isArray(state) || 'fill' in state) continue;
    assert.ok('state' in applyStateDelta(state, fill(room)), `seed ${seed}: the state's last ${room} characters`);
    assert.ok('problem' in applyStateDelta(state, fill(room + 1)), `seed ${seed}: one character past the limit`);
  }
});

test('a copy shares its value, and changing either place afterwards changes only that place', () => {
  const state = { a: { list: [1, 2] } };
  const applied = applyStateDelta(state, [
    { op: 'copy', from: '/a', path: '/b' },
    { op: 'add', path: '/a/list/-', value: 3 },
    { op: 'copy', from: '/a/list', path: '/c' },
    { op: 'add', path: '/a/list/0', value: 0 },
    { op: 'replace', path: '/b/list/1', value: 'two' },
  ]);
  assert.deepEqual(applied, { state: { a: { list: [0, 1, 2, 3] }, b: { list: [1, 'two'] }, c: [1, 2, 3] } });
  assert.deepEqual(state, { a: { list: [1, 2] } });
});

test('moving a value into itself is refused (it made a state that contains itself)', () => {
  for (const [from, path] of [
    ['', '/x'],
    ['/a', '/a/b'],
  ]) {
    const applied = applyStateDelta({ a: {} }, [{ op: 'move', from, path }]);
    assert.ok('problem' in applied, `move ${from} to ${path}`);
    assert.match(applied.problem, /operation 0 \(move .*\) does not apply .*cannot be moved into itself/);
  }
  assert.deepEqual(applyStateDelta({ a: 1 }, [{ op: 'move', from: '/a', path: '/a' }]), { state: { a: 1 } });
});

test('a problem names the operation it is in, and inherited keys are not values', () => {
  const applied = applyStateDelta({ a: 1 }, [
    { op: 'test', path: '/a', value: 1 },
    { op: 'replace', path: '/nope', value: 2 },
  ]);
  assert.ok('problem' in applied);
  assert.match(applied.problem, /^STATE_DELTA operation 1 \(replace \/nope\) does not apply/);
  const copied = applyStateDelta({}, [{ op: 'copy', from: '/toString', path: '/f' }]);
  assert.ok('problem' in copied);
  assert.match(copied.problem, /from a path that does not exist/);
  const unknown = applyStateDelta({}, [{ op: '_get', path: '/a' }]);
  assert.ok('problem' in unknown);
  assert.match(unknown.problem, /operation 0 \(_get \/a\) does not apply .*RFC-6902/);
});

test('a scenario with a large state and many deltas is stored and played without holding the engine', async () => {
  const server = await startTestEngine({ template: 'blank' });
  try {
    const control = controlClient(server);
    assert.equal((await control.post('/agents', { id: 'chat', path: '/chat', scenarios: '*' })).status, 201);
    const items = Array.from({ length: 20_000 }, (_, index) => ({ id: index, done: false }));
    const deltas = Array.from({ length: 300 }, (_, index) => ({
      type: 'stateDelta',
      delta: [
        { op: 'test', path: '/items/19999/done', value: false },
        { op: 'replace', path: `/items/${index}/done`, value: true },
      ],
    }));
    const scenario = {
      id: 'large-state',
      name: 'large state',
      triggers: [{ match: 'exact', value: 'large' }],
      steps: [
        { type: 'stateSnapshot', snapshot: { items } },
        {
          type: 'random',
          branches: Array.from({ length: 4 }, () => ({ weight: 1, steps: [] })),
        },
        ...deltas,
      ],
    };
    let answer: { status: number; body: unknown } | undefined;
    const stored = await loopHoldUpDuring(async () => {
      answer = await control.post('/scenarios', scenario);
    });
    assert.equal(answer?.status, 201, JSON.stringify(answer?.body).slice(0, 500));
    assert.ok(stored.busyMs < 2000, `storing held the engine for ${Math.round(stored.busyMs)} ms`);

    let text = '';
    const played = await loopHoldUpDuring(async () => {
      const response = await fetch(`${server.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          threadId: 'thread-large',
          runId: 'run-large',
          messages: [{ id: 'm1', role: 'user', content: 'large' }],
          tools: [],
          context: [],
          state: {},
          forwardedProps: {},
        }),
      });
      text = await response.text();
    });
    const events = sseEvents(text);
    assert.equal(events.at(-1)?.type, 'RUN_FINISHED');
    assert.equal(events.filter((event) => event.type === 'STATE_DELTA').length, 300);
    assert.ok(played.busyMs < 2000, `the run held the engine for ${Math.round(played.busyMs)} ms`);
  } finally {
    await server.close();
  }
});
