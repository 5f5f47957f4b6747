import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { type QueuedTimer, TimerQueue } from '../src/server/support/timer-queue';
import { eventually } from './helpers/wait';

interface Entry extends QueuedTimer {
  name: string;
}

const entry = (name: string): Entry => ({ name, due: 0, seq: 0, at: -1 });
const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

test('entries come due in order of their time, ties in the order they were added, never early', async () => {
  const fired: { name: string; late: number }[] = [];
  const queue = new TimerQueue<Entry>((due) => fired.push({ name: due.name, late: performance.now() - due.due }));
  // The adds share one instant, so ties are real ties and a pause between two adds on a busy machine cannot
  // reorder them; the timers then run on the real clock.
  const instant = performance.now();
  const clock = mock.method(performance, 'now', () => instant);
  const added = new Map<string, Entry>();
  for (const [name, ms] of [
    ['a', 40],
    ['b', 0],
    ['c', 15],
    ['d', 15],
    ['e', Number.NaN],
    ['f', 5],
  ] as const) {
    const each = entry(name);
    queue.add(each, ms);
    added.set(name, each);
  }
  clock.mock.restore();
  assert.equal(added.get('c')?.due, added.get('d')?.due, 'c and d tie');
  await eventually(() => fired.length === 6, 'six entries due');
  assert.deepEqual(
    fired.map(({ name }) => name),
    ['b', 'e', 'f', 'c', 'd', 'a'],
  );
  // Node's timers count whole milliseconds; the queue may hand over what is due within the next one.
  for (const { name, late } of fired) assert.ok(late > -1, `${name} came ${-late} ms early`);
  assert.equal(queue.size, 0);
});

test('a removed entry never comes due, and an empty queue holds no timer that keeps the process alive', async () => {
  const fired: string[] = [];
  const queue = new TimerQueue<Entry>((due) => fired.push(due.name));
  const before = timeouts();
  const entries = Array.from({ length: 50 }, (_, index) => entry(`e${index}`));
  for (const [index, each] of entries.entries()) queue.add(each, 10_000 - index);
  assert.equal(timeouts(), before + 1, 'one Node timer for the whole queue');
  // Out of heap order, the earliest among them.
  for (const each of [...entries.slice(10), ...entries.slice(0, 10).reverse()]) queue.remove(each);
  assert.equal(queue.size, 0);
  assert.equal(timeouts(), before, 'the queue disarmed once empty');
  queue.remove(entries[0] as Entry);

  const kept = entry('kept');
  queue.add(kept, 5);
  const gone = entry('gone');
  queue.add(gone, 1);
  queue.remove(gone);
  await eventually(() => fired.length === 1, 'the kept entry');
  assert.deepEqual(fired, ['kept']);
  assert.equal(kept.at, -1);
});

test('an entry added while entries come due waits for the next firing, even when due at once', async () => {
  const fired: string[] = [];
  let queue: TimerQueue<Entry>;
  queue = new TimerQueue<Entry>((due) => {
    fired.push(due.name);
    // Would spin within one firing if entries added now were handed over in it.
    if (due.name.length < 5) queue.add(entry(`${due.name}+`), 0);
  });
  queue.add(entry('x'), 1);
  await eventually(() => fired.length === 5, 'five firings');
  assert.deepEqual(fired, ['x', 'x+', 'x++', 'x+++', 'x++++']);
});

test('the queue keeps its order under random adds and removals', async () => {
  const fired: Entry[] = [];
  const queue = new TimerQueue<Entry>((due) => fired.push(due));
  const live = new Set<Entry>();
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const all: Entry[] = [];
  for (let index = 0; index < 400; index++) {
    const added = entry(`r${index}`);
    queue.add(added, 1 + Math.floor(random() * 30));
    live.add(added);
    all.push(added);
    if (random() < 0.3) {
      const victim = all[Math.floor(random() * all.length)] as Entry;
      queue.remove(victim);
      live.delete(victim);
    }
  }
  await eventually(() => fired.length === live.size, 'every live entry');
  assert.deepEqual(new Set(fired), live);
  for (let index = 1; index < fired.length; index++) {
    const [a, b] = [fired[index - 1] as Entry, fired[index] as Entry];
    assert.ok(a.due < b.due || (a.due === b.due && a.seq < b.seq), `${a.name} before ${b.name}`);
  }
});
