import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { AguiSocket } from '../test/helpers/agui-socket';
import { startTestEngine } from '../test/helpers/engine';
import { launchBrowser } from './helpers/browser';
import { openConsole, waitUntilLive } from './helpers/console-page';
import { slowdown, traced } from './helpers/page-trace';

/**
 * The connection list with 2 000 open connections (the engine allows 10 000): searching, grouping and selecting
 * show their effect promptly, and an idle list runs no long task (each open row's age counts up every second).
 * Timed in the page, on its own clock, from the input event to the frame that shows the effect, with the page
 * traced meanwhile: the CPU time its main thread spent on the input is judged as it is, the time to the effect
 * against a bound scaled by how much slower the page ran than its CPU time (a busy 2-core machine, other suites
 * running, made one selection take 461 ms that takes 64 on a quiet one). The design goal is 100 ms and no task over
 * 50 ms; the bounds are twice that, yet far below the 1.1–2 s per input and the half-second task every second
 * that rendering every row cost.
 */

const browser = await launchBrowser();
/** Opening 2 000 sockets and the console taking them in is slow on a busy machine: each wait ends when it holds. */
const WAIT_MS = 60_000;
const CONNECTIONS = 2000;
/** Connections that run once on a thread of their own, so grouping by thread has groups to show. */
const THREADS = 8;
/** How many sockets are opened at once. */
const OPEN_AT_ONCE = 50;
/** An input's effect on screen, at worst, on a machine where the page gets the CPU it asks for. */
const EFFECT_MS = 200;
/** The CPU time the page's main thread may spend from an input to its effect. */
const INPUT_CPU_MS = 200;
/** The CPU time the idle console's longest task may take. */
const IDLE_TASK_MS = 100;
/** How long the idle console is watched: three ticks of the rows' ages. */
const IDLE_MS = 3000;

/**
 * Starts watching for the first input after each `__resetInput()` (a string: no eval in the page's CSP, and
 * nothing of the test's build in it).
 */
const INSTRUMENT = `(() => {
  window.__inputAt = null;
  window.__resetInput = () => { window.__inputAt = null; };
  for (const type of ['keydown', 'pointerdown', 'input', 'change'])
    document.addEventListener(type, (event) => { if (window.__inputAt === null) window.__inputAt = event.timeStamp; }, true);
})()`;

/** What an input should bring on screen: each field given must hold. */
interface Effect {
  /** The "N of M connections" line's text, or null for none (nothing filtered out). */
  count?: string | null;
  /** Whether any connection row is shown. */
  rows?: boolean;
  /** Whether thread groups are shown. */
  groups?: boolean;
  /** The id of the connection whose row shows selected. */
  selected?: string;
}

/** An input's cost: the time to its effect (ms), the page's main-thread CPU time meanwhile, and its slowdown. */
interface InputCost {
  ms: number;
  cpu: number;
  slowdown: number;
}

/**
 * How long `act`'s input took to show its effect — from the input event's time stamp (when the input was made,
 * before it waited for the page's main thread) to the first animation frame in which `effect` holds, both on the
 * page's clock — and what the page's main thread spent meanwhile.
 */
async function inputCost(page: Page, act: () => Promise<unknown>, effect: Effect): Promise<InputCost> {
  await page.evaluate('window.__resetInput()');
  const { result: ms, tasks } = await traced(browser, page, async () => {
    await act();
    return effectTime(page, effect);
  });
  return { ms, cpu: tasks.reduce((sum, task) => sum + task.cpu, 0), slowdown: slowdown(tasks) };
}

/** The time from the input to the first animation frame in which `effect` holds. */
async function effectTime(page: Page, effect: Effect): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted: Effect) => {
      // The page's globals, typed as far as used here (the tests build without the DOM's types).
      const { __inputAt: inputAt, document } = globalThis as unknown as {
        __inputAt: number | null;
        document: {
          querySelector(
            selector: string,
          ): { textContent: string | null; getAttribute(name: string): string | null } | null;
        };
      };
      if (inputAt === null) return false;
      const count = document.querySelector('[data-testid="connection-count"]');
      if (wanted.count !== undefined && (wanted.count === null ? count !== null : count?.textContent !== wanted.count))
        return false;
      if (wanted.rows !== undefined && (document.querySelector('.connection-item') !== null) !== wanted.rows)
        return false;
      if (
        wanted.groups !== undefined &&
        (document.querySelector('[data-testid="thread-group"]') !== null) !== wanted.groups
      )
        return false;
      if (
        wanted.selected !== undefined &&
        document.querySelector(`.connection-item[data-id="${wanted.selected}"]`)?.getAttribute('aria-selected') !==
          'true'
      )
        return false;
      // Never 0, which would read as "not yet".
      return Math.max(0.01, performance.now() - inputAt);
    },
    effect,
    { polling: 'raf', timeout: WAIT_MS },
  );
  return Number(await handle.jsonValue());
}

async function openSockets(url: string, count: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let opened = 0; opened < count; opened += OPEN_AT_ONCE) {
    const batch = Array.from({ length: Math.min(OPEN_AT_ONCE, count - opened) }, () => new WebSocket(url));
    sockets.push(...batch);
    await Promise.all(
      batch.map(
        (socket) =>
          new Promise<void>((resolve, reject) => {
            socket.once('open', () => resolve());
            socket.once('error', reject);
          }),
      ),
    );
  }
  return sockets;
}

test('2 000 open connections: search, grouping and selection show within bounds; idle, no long task', async (t) => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: WAIT_MS });
  await waitUntilLive(page);
  await page.evaluate(INSTRUMENT);

  const threaded: AguiSocket[] = [];
  for (let i = 0; i < THREADS; i++) {
    const client = await AguiSocket.open(server.wsUrl);
    client.ask('hallo', { threadId: `scale-thread-${i}` });
    threaded.push(client);
  }
  for (const client of threaded) await client.waitForRuns(1, WAIT_MS);
  const sockets = await openSockets(server.wsUrl, CONNECTIONS - THREADS);
  t.after(() => {
    for (const socket of sockets) socket.terminate();
    for (const client of threaded) client.socket.terminate();
  });
  await page
    .locator('.connection-panel .panel-header .badge')
    .filter({ hasText: `${CONNECTIONS} open` })
    .waitFor();
  const list = page.getByRole('listbox', { name: 'Connections' });
  await list.locator('.connection-item').first().waitFor();
  const rendered = await list.locator('.connection-item').count();
  t.diagnostic(`${rendered} of ${CONNECTIONS} rows in the DOM`);

  const times: Record<string, InputCost> = {};
  const search = page.getByLabel('Search connections');
  await search.focus();
  // No id (hex), path, address, kind, state or thread here has a "z": the list empties, then every row is back.
  times['type a search character'] = await inputCost(page, () => page.keyboard.type('z'), {
    count: `0 of ${CONNECTIONS} connections`,
    rows: false,
  });
  times['clear the search'] = await inputCost(page, () => page.keyboard.press('Backspace'), {
    count: null,
    rows: true,
  });
  times['filter by state'] = await inputCost(
    page,
    () => page.getByLabel('Filter connections by state').selectOption('closed'),
    { count: `0 of ${CONNECTIONS} connections`, rows: false },
  );
  times['filter by state: any again'] = await inputCost(
    page,
    () => page.getByLabel('Filter connections by state').selectOption('all'),
    { count: null, rows: true },
  );
  times['group by thread'] = await inputCost(page, () => page.getByLabel('By thread').check(), { groups: true });
  times.ungroup = await inputCost(page, () => page.getByLabel('By thread').uncheck(), {
    groups: false,
    rows: true,
  });
  const row = list.locator('.connection-item').nth(4);
  const rowId = String(await row.getAttribute('data-id'));
  times['select a row'] = await inputCost(page, () => row.click(), { selected: rowId });
  for (const [what, { ms, cpu, slowdown }] of Object.entries(times))
    t.diagnostic(
      `${what}: ${Math.round(ms)} ms, ${Math.round(cpu)} ms of CPU, the page ran ${slowdown.toFixed(2)}× slower`,
    );

  // By keyboard: End takes the cursor to the last (oldest) of the 2 000, scrolled into view; Enter selects it.
  await list.focus();
  await page.keyboard.press('End');
  const last = page.locator(`[id="${await list.getAttribute('aria-activedescendant')}"]`);
  assert.equal(await last.getAttribute('aria-posinset'), String(CONNECTIONS));
  const [listBox, lastBox] = [await list.boundingBox(), await last.boundingBox()];
  assert.ok(
    listBox && lastBox && lastBox.y >= listBox.y && lastBox.y + lastBox.height <= listBox.y + listBox.height + 1,
  );
  await page.keyboard.press('Enter');
  await last.and(page.locator('[aria-selected="true"]')).waitFor();
  // Home: back to the newest, at the top.
  await page.keyboard.press('Home');
  await list
    .and(page.locator(`[aria-activedescendant="${await list.locator('.connection-item').first().getAttribute('id')}"]`))
    .waitFor();
  assert.equal(await list.evaluate((element) => element.scrollTop), 0);

  // Idle (the pointer off the list): only the rows on screen count their ages up, each second.
  await page.mouse.move(0, 0);
  const idleFrom = Number(await page.evaluate('performance.now()'));
  const { tasks: idleTasks } = await traced(browser, page, () =>
    page.waitForFunction(
      ({ from, ms }) => performance.now() - from >= ms,
      { from: idleFrom, ms: IDLE_MS },
      {
        polling: 100,
        timeout: WAIT_MS,
      },
    ),
  );
  const longestIdle = Math.max(0, ...idleTasks.map((task) => task.cpu));
  t.diagnostic(`idle ${IDLE_MS} ms: ${idleTasks.length} tasks, the longest ${longestIdle.toFixed(1)} ms of CPU`);

  assert.ok(rendered < 200, `virtualised: ${rendered} rows in the DOM`);
  for (const [what, { ms, cpu, slowdown }] of Object.entries(times)) {
    assert.ok(cpu < INPUT_CPU_MS, `${what}: ${Math.round(cpu)} ms of the page's CPU (bound ${INPUT_CPU_MS} ms)`);
    assert.ok(
      ms < EFFECT_MS * slowdown,
      `${what}: shown after ${Math.round(ms)} ms (bound ${EFFECT_MS} ms × ${slowdown.toFixed(2)}, how much slower the page ran than its CPU time)`,
    );
  }
  assert.ok(
    longestIdle < IDLE_TASK_MS,
    `idle: a task took ${Math.round(longestIdle)} ms of CPU (bound ${IDLE_TASK_MS} ms)`,
  );
  assert.deepEqual(errors, []);
});
