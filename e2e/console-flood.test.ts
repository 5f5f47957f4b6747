import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, selectFirstConnection, waitUntilLive } from './helpers/console-page';
import { slowdown as slowdownOf, traced } from './helpers/page-trace';

/**
 * The console under a flood: a client receives ~2,000 frames/s on the connection the console follows, and a
 * person clicks rows, resumes following and types a filter. Measured in the page: the time from each input
 * (its event's timestamp) to the first animation frame at which the page shows its effect, and the tasks of
 * the page's main thread (from a Chromium trace) — their wall time and the CPU time they took.
 *
 * The machine these tests run on is shared (2 cores, other suites running): a task's wall time there includes
 * the time the page waited for a CPU. So the page's own cost is judged on CPU time, and input latency against the
 * budget scaled by how much slower the page's tasks ran than their CPU time (the wall/CPU ratio of its main thread
 * over the same window). Both figures are printed, raw and scaled.
 *
 * CPU time per task is judged on the tasks as a whole: at most one in a thousand over 50 ms, and none over 200 ms.
 * Work that grows per frame or per batch makes hundreds of long tasks (the flushes alone are ~20 a second) and
 * fails; on an overloaded machine a single task has read 63 and 106 ms of CPU among 14,000–57,000, made of nothing
 * over 2 ms, which says nothing about the console's own cost.
 */

/** The little of the DOM the page functions here use (the e2e files are type-checked without the DOM library). */
interface PageDocument {
  elementFromPoint(
    x: number,
    y: number,
  ): { closest(selector: string): { getAttribute(name: string): string | null } | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
}

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();

const TARGET_PER_SECOND = 2000;
/** Events per injection request: 20 requests a second reach the rate. */
const BATCH = 100;
const ROUNDS = 8;
const LATENCY_BUDGET_MS = 100;
const TASK_BUDGET_MS = 50;
/** The share of the console's tasks that may go over TASK_BUDGET_MS, and the CPU time none may pass. */
const OVER_BUDGET_SHARE = 0.001;
const TASK_CEILING_MS = 200;

/**
 * Arms a measurement: the time from the next `startEvent` (its own timestamp, when the input happened) to the
 * first animation frame at which `done` holds — what a person sees, paint being right after that frame. `done`
 * gets the event's target and what `capture` read from it as the input happened: a streaming row's element is
 * reused for newer frames, so what it showed must be read then, not later.
 */
async function armEffect(page: Page, startEvent: string, done: string, capture = '() => null'): Promise<void> {
  await page.evaluate(`(() => {
    window.__effect = new Promise((resolve, reject) => {
      let start = null;
      let target = null;
      let captured = null;
      window.addEventListener(${JSON.stringify(startEvent)}, (event) => { start = event.timeStamp; target = event.target; captured = (${capture})(target); }, { capture: true, once: true });
      const deadline = performance.now() + 30000;
      const tick = () => {
        if (start !== null && (${done})(target, captured)) return resolve(performance.now() - start);
        if (performance.now() > deadline) return reject(new Error('no effect within 30 s: ' + ${JSON.stringify(done)}));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  })()`);
}

const effect = (page: Page) => page.evaluate('window.__effect') as Promise<number>;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

test('under a 2 000 frames/s flood on the followed connection, clicks and keystrokes show within 100 ms', async (t) => {
  const server = await startTestEngine({ settings: { frameBufferSize: 20_000 } });
  const { page, errors } = await openConsole(server, browser);
  // Generous: every wait here is for a condition, on a machine that may be busy.
  page.setDefaultTimeout(30_000);
  await waitUntilLive(page);

  // A plain client that only counts what reaches it: the rate is what a client really received.
  let received = 0;
  const client = new WebSocket(server.wsUrl);
  client.on('message', () => received++);
  await new Promise((resolve) => client.once('open', resolve));

  const id = await selectFirstConnection(page);
  const api = controlClient(server);
  await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 'flood', runId: 'flood-run' },
      { type: 'TEXT_MESSAGE_START', messageId: 'flood', role: 'assistant' },
    ],
  });

  let flooding = true;
  let sent = 0;
  const flood = (async () => {
    const started = performance.now();
    while (flooding) {
      const events = Array.from({ length: BATCH }, (_, i) => ({
        type: 'TEXT_MESSAGE_CONTENT',
        messageId: 'flood',
        delta: `chunk-${sent + i} `,
      }));
      const { status } = await api.post(`/connections/${id}/events`, { events });
      assert.equal(status, 200);
      sent += BATCH;
      // Paced against the start, so a late batch is made up for: the rate holds over the run.
      const due = started + (sent / TARGET_PER_SECOND) * 1000;
      await sleep(Math.max(0, due - performance.now()));
    }
  })();
  // A failure on the way stops the flood too, before the engine closes under it (its error is the one reported).
  t.after(async () => {
    flooding = false;
    await flood.catch(() => undefined);
  });

  // Warm: the console holds its 5 000 newest frames and keeps following.
  await page.getByTestId('frame-count').filter({ hasText: '5,000 frames' }).waitFor({ timeout: 30_000 });
  await page.evaluate(`(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  })()`);
  const clicks: number[] = [];
  const keys: number[] = [];
  const box = await page.locator('.frame-stream').boundingBox();
  assert.ok(box, 'the stream is on screen');
  const followButton = page.locator('.frames-panel').getByRole('button', { name: 'Follow', exact: true });
  const filter = page.getByLabel('Filter frames by text');
  const { result: rate, tasks } = await traced(browser, page, async () => {
    const receivedAtStart = received;
    const clockStart = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      // Click a row as it streams by: its effect is the inspector showing that frame.
      await armEffect(
        page,
        'pointerdown',
        `(target, seq) =>
          seq !== undefined &&
          new RegExp('#' + seq + '(?![0-9])').test(document.querySelector('[data-testid="frame-inspector"]').textContent)`,
        `(target) => target.closest('[data-seq]')?.dataset.seq`,
      );
      await page.mouse.click(box.x + box.width / 2, box.y + box.height - 40);
      clicks.push(await effect(page));

      // Type a filter a key at a time: each key's effect is the stream filtered by the new text.
      await filter.focus();
      for (const text of ['c', 'ch', 'chu']) {
        await armEffect(
          page,
          'keydown',
          `() => document.querySelector('[data-filter]')?.getAttribute('data-filter') === ${JSON.stringify(text)}`,
        );
        await page.keyboard.press(text.at(-1) as string);
        keys.push(await effect(page));
      }
      await filter.fill('');

      // Follow again: the button says so.
      await armEffect(
        page,
        'pointerdown',
        `() => document.querySelector('.frames-panel button[aria-pressed="true"]')?.textContent === 'Pause'`,
      );
      await followButton.click();
      clicks.push(await effect(page));
      await sleep(200);
    }
    return ((received - receivedAtStart) / (performance.now() - clockStart)) * 1000;
  });
  const wallLongTasks = (await page.evaluate('window.__longTasks')) as number[];

  // Still following once the flood ends: the last chunk sent is on screen.
  flooding = false;
  await flood;
  await page.locator('.frame-row', { hasText: `chunk-${sent - 1} ` }).waitFor({ timeout: 30_000 });
  client.close();

  const slowdown = slowdownOf(tasks);
  const longestTask = tasks.reduce((longest, task) => (task.cpu > longest.cpu ? task : longest));
  const cpuLongest = longestTask.cpu;
  const latencies = [...clicks, ...keys];
  const p95 = percentile(latencies, 95);
  const report = {
    rate: Math.round(rate),
    interactions: latencies.length,
    p95Click: Math.round(percentile(clicks, 95)),
    p95Key: Math.round(percentile(keys, 95)),
    p95: Math.round(p95),
    slowdown: Number(slowdown.toFixed(2)),
    p95Scaled: Math.round(p95 / slowdown),
    tasks: tasks.length,
    cpuLongestTask: Math.round(cpuLongest),
    cpuTasksOver50: tasks.filter((task) => task.cpu > TASK_BUDGET_MS).length,
    wallLongTasks: wallLongTasks.length,
    wallLongestTask: Math.round(Math.max(0, ...wallLongTasks)),
  };
  console.log(JSON.stringify(report));

  // A real flood, not the full 2 000/s a quiet machine reaches: on CI's two cores this process, the engine, Chromium
  // and another test file share the CPU, and the sender falls behind (about 1 400/s when busy). 1 200/s is still
  // many times what a streaming agent sends; a quiet machine reaches the full rate (docs/benchmarks.md).
  assert.ok(rate >= 0.6 * TARGET_PER_SECOND, `the flood reached ${Math.round(rate)} frames/s`);
  const over = tasks.filter((task) => task.cpu > TASK_BUDGET_MS).length;
  const longest = `longest ${cpuLongest.toFixed(1)} ms, ${longestTask.wall.toFixed(1)} ms of wall time: ${longestTask.inside()}`;
  assert.ok(
    over <= Math.max(1, Math.floor(tasks.length * OVER_BUDGET_SHARE)),
    `${over} of ${tasks.length} console tasks took over ${TASK_BUDGET_MS} ms of CPU (${longest})`,
  );
  assert.ok(cpuLongest <= TASK_CEILING_MS, `no console task took over ${TASK_CEILING_MS} ms of CPU (${longest})`);
  assert.ok(
    p95 <= LATENCY_BUDGET_MS * slowdown,
    `p95 input-to-paint ${p95.toFixed(0)} ms, within ${LATENCY_BUDGET_MS} ms × ${slowdown.toFixed(2)} (the page ran that much slower than its CPU time)`,
  );
  assert.deepEqual(errors, []);
});

/** 40 streamed text chunks, numbered from `from`. */
function chunks(from: number) {
  return Array.from({ length: 40 }, (_, i) => ({
    type: 'TEXT_MESSAGE_CONTENT',
    messageId: 'm',
    delta: `chunk-${from + i}`,
  }));
}

/** A console following a client's connection that has received 42 frames (a run start, a message start, 40 chunks). */
async function followedConnection(touch = false) {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { hasTouch: touch });
  await waitUntilLive(page);
  const client = new WebSocket(server.wsUrl);
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('open', resolve));
  const id = await selectFirstConnection(page);
  const api = controlClient(server);
  const sent = await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 't', runId: 'r' },
      { type: 'TEXT_MESSAGE_START', messageId: 'm' },
      ...chunks(0),
    ],
  });
  assert.equal(sent.status, 200);
  await page.getByTestId('frame-count').filter({ hasText: '42 frames' }).waitFor();
  // The run timeline above the stream draws the run up to half a second later (it redraws at most twice a second)
  // and grows as it does, moving the stream down: wait for it, so a row pressed next stays where it was found.
  await page.getByTestId('run-timeline').waitFor();
  return { page, errors, client, api, id };
}

/** The seq of the frame row at a point of the page, if a row is there. */
function frameSeqAt(page: Page, point: { x: number; y: number }): Promise<string | null | undefined> {
  return page.evaluate(({ x, y }) => {
    const { document } = globalThis as unknown as { document: PageDocument };
    return document.elementFromPoint(x, y)?.closest('[data-seq]')?.getAttribute('data-seq');
  }, point);
}

/** What the inspector shows, as text. */
async function inspectorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: PageDocument };
    return document.querySelector('[data-testid="frame-inspector"]')?.textContent ?? '';
  });
}

test('a row pressed while the stream follows new frames picks the frame pressed, not what moved under the pointer', async () => {
  const { page, errors, client, api, id } = await followedConnection();

  // Press on the newest row, at the bottom of a stream that follows, and let frames arrive before the button
  // comes up: the frame pressed is the one picked, and the stream holds still under the pointer. (Picked on the
  // click, the spot would by then show a newer frame, or the row would have moved away and the click gone to the
  // list.)
  const row = page.locator('.frame-row').last();
  const pressedSeq = await row.getAttribute('data-seq');
  const box = await row.boundingBox();
  assert.ok(pressedSeq && box, 'the newest row is on screen');
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(point.x, point.y);
  await page.mouse.down();
  assert.equal((await api.post(`/connections/${id}/events`, { events: chunks(40) })).status, 200);
  await page.getByTestId('frame-count').filter({ hasText: '82 frames' }).waitFor();
  await page.mouse.up();

  assert.equal(await frameSeqAt(page, point), pressedSeq, 'the stream held still under the pointer');
  assert.match(
    await inspectorText(page),
    new RegExp(`#${pressedSeq}(?![0-9])`),
    'the inspector shows the frame pressed',
  );
  client.close();
  assert.deepEqual(errors, []);
});

test('the rows stay under the pointer when the run timeline above the stream grows', async () => {
  const { page, errors, client, api, id } = await followedConnection();

  // A row picked (the stream no longer follows), the pointer left on it.
  const row = page.locator('.frame-row[data-seq="30"]');
  const box = await row.boundingBox();
  assert.ok(box, 'frame #30 is on screen');
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.click(point.x, point.y);
  await page
    .getByTestId('frame-inspector')
    .filter({ hasText: /#30(?![0-9])/ })
    .waitFor();
  const streamTop = () => page.locator('.frame-stream').evaluate((stream) => stream.getBoundingClientRect().top);
  const before = await streamTop();

  // Two tool calls start beside the open message: two more lanes, and the timeline pushes the stream down.
  const started = await api.post(`/connections/${id}/events`, {
    events: [
      { type: 'TOOL_CALL_START', toolCallId: 'a', toolCallName: 'lookup' },
      { type: 'TOOL_CALL_START', toolCallId: 'b', toolCallName: 'lookup' },
    ],
  });
  assert.equal(started.status, 200);
  await page.locator('.timeline-span.tool').nth(1).waitFor();
  const moved = (await streamTop()) - before;
  assert.ok(moved >= 24, `the stream moved down by a row or more (${moved}px), or this test shows nothing`);

  assert.equal(await frameSeqAt(page, point), '30', 'the row pressed is still under the pointer');
  client.close();
  assert.deepEqual(errors, []);
});

test('on a touch screen a tapped row is picked', async () => {
  const { page, errors, client } = await followedConnection(true);
  const row = page.locator('.frame-row').last();
  const seq = await row.getAttribute('data-seq');
  await row.tap();
  await page
    .getByTestId('frame-inspector')
    .filter({ hasText: new RegExp(`#${seq}(?![0-9])`) })
    .waitFor();
  client.close();
  assert.deepEqual(errors, []);
});
