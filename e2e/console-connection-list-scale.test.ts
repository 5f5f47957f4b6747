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
 * traced meanwhile. The CPU time its main thread spent on the input is judged as it is. The time to the effect is
 * judged against the bound scaled by how much slower the page's tasks ran than their CPU time, plus the time this
 * machine takes right then to bring a keystroke into a bare text field to the screen (a probe just before and just
 * after each input): on a busy 2-core machine, other suites running, Chromium's own processes wait for a CPU too —
 * one run's search took 236 ms, of which the page spent 23 ms of CPU. An input passes when one of up to three
 * tries holds both bounds: on an overloaded machine a first selection once took 331 ms of the page's CPU and 55 ms
 * the next time, while a slow console is slow on every try. The design goal is 100 ms and no task over 50 ms; the
 * bounds are twice that, yet far below the 1.1–2 s per input and the half-second task every second that
 * rendering every row cost.
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
 * Rounds of the timed inputs at most: more are played while an input has not yet held its bounds. A slow console
 * is slow on every try; a stall of the shared machine's (or a collection of the page's garbage) seldom lasts three.
 */
const ROUNDS = 3;

/** The bare text field the machine's own input-to-screen time is measured on. */
const PROBE_ID = '__latency-probe';

/**
 * Starts watching for the first input after each `__resetInput()`, and adds the probe's text field, out of sight
 * (a string: no eval in the page's CSP, and nothing of the test's build in it).
 */
const INSTRUMENT = `(() => {
  const probe = document.createElement('input');
  probe.id = '${PROBE_ID}';
  probe.setAttribute('aria-label', 'latency probe');
  probe.style.position = 'fixed';
  probe.style.left = '-200px';
  document.body.append(probe);
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
  /** The probe's text. */
  probe?: string;
}

/**
 * An input's cost: the time to its effect (ms), the page's main-thread CPU time meanwhile, its slowdown, and the
 * probe's time to the screen around it (the longer of the two).
 */
interface InputCost {
  ms: number;
  cpu: number;
  slowdown: number;
  probeMs: number;
}

/**
 * How long `act`'s input took to show its effect — from the input event's time stamp (when the input was made,
 * before it waited for the page's main thread) to the first animation frame in which `effect` holds, both on the
 * page's clock — and what the page's main thread spent meanwhile.
 */
async function inputCost(page: Page, act: () => Promise<unknown>, effect: Effect): Promise<InputCost> {
  const probeBefore = await probeTime(page);
  await page.evaluate('window.__resetInput()');
  const { result: ms, tasks } = await traced(browser, page, async () => {
    await act();
    return effectTime(page, effect);
  });
  const probeMs = Math.max(probeBefore, await probeTime(page));
  return { ms, cpu: tasks.reduce((sum, task) => sum + task.cpu, 0), slowdown: slowdown(tasks), probeMs };
}

/** An input the test times, and what it brings on screen. */
interface TimedInput {
  what: string;
  act: () => Promise<unknown>;
  effect: Effect;
}

/** The time an input may take to show (see the file's comment). */
const timeBound = (cost: InputCost) => EFFECT_MS * cost.slowdown + cost.probeMs;
const withinBounds = (cost: InputCost) => cost.cpu < INPUT_CPU_MS && cost.ms < timeBound(cost);
const described = (cost: InputCost) =>
  `${Math.round(cost.ms)} ms (bound ${Math.round(timeBound(cost))}: ${EFFECT_MS} × ${cost.slowdown.toFixed(2)} + ${Math.round(cost.probeMs)}) and ${Math.round(cost.cpu)} ms of CPU`;

/** How long a keystroke into the probe takes to show, measured as an input is. Leaves the probe focused. */
async function probeTime(page: Page): Promise<number> {
  await page.evaluate(`(() => {
    const probe = document.getElementById('${PROBE_ID}');
    probe.value = '';
    probe.focus();
    window.__resetInput();
  })()`);
  await page.keyboard.press('x');
  return effectTime(page, { probe: 'x' });
}

/** The time from the input to the first animation frame in which `effect` holds. */
async function effectTime(page: Page, effect: Effect): Promise<number> {
  const handle = await page.waitForFunction(
    ({ wanted, probeId }: { wanted: Effect; probeId: string }) => {
      // The page's globals, typed as far as used here (the tests build without the DOM's types).
      const { __inputAt: inputAt, document } = globalThis as unknown as {
        __inputAt: number | null;
        document: {
          querySelector(
            selector: string,
          ): { textContent: string | null; value?: string; getAttribute(name: string): string | null } | null;
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
      if (wanted.probe !== undefined && document.querySelector(`#${probeId}`)?.value !== wanted.probe) return false;
      // Never 0, which would read as "not yet".
      return Math.max(0.01, performance.now() - inputAt);
    },
    { wanted: effect, probeId: PROBE_ID },
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

  const search = page.getByLabel('Search connections');
  // Into the search field, which the probe took the focus from.
  const typeInSearch = (press: string) => async () => {
    await search.focus();
    await page.keyboard.press(press);
  };
  const byState = page.getByLabel('Filter connections by state');
  const byThread = page.getByLabel('By thread');
  // Each round leaves the list as it found it, but for the selection, which takes another row each round.
  const rowIds: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const row = list.locator('.connection-item').nth(4 + round);
    rowIds.push(String(await row.getAttribute('data-id')));
  }
  const inputs = (round: number): TimedInput[] => [
    // No id (hex), path, address, kind, state or thread here has a "z": the list empties, then every row is back.
    {
      what: 'type a search character',
      act: typeInSearch('z'),
      effect: { count: `0 of ${CONNECTIONS.toLocaleString('en')} connections`, rows: false },
    },
    { what: 'clear the search', act: typeInSearch('Backspace'), effect: { count: null, rows: true } },
    {
      what: 'filter by state',
      act: () => byState.selectOption('closed'),
      effect: { count: `0 of ${CONNECTIONS.toLocaleString('en')} connections`, rows: false },
    },
    { what: 'filter by state: any again', act: () => byState.selectOption('all'), effect: { count: null, rows: true } },
    { what: 'group by thread', act: () => byThread.check(), effect: { groups: true } },
    { what: 'ungroup', act: () => byThread.uncheck(), effect: { groups: false, rows: true } },
    {
      what: 'select a row',
      act: () => list.locator(`.connection-item[data-id="${rowIds[round]}"]`).click(),
      effect: { selected: rowIds[round] },
    },
  ];
  // Each input holds both bounds on one of its tries.
  const tries: Record<string, InputCost[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const { what, act, effect } of inputs(round)) {
      const cost = await inputCost(page, act, effect);
      tries[what] = [...(tries[what] ?? []), cost];
      t.diagnostic(
        `${what}: ${Math.round(cost.ms)} ms, ${Math.round(cost.cpu)} ms of CPU, the page ran ${cost.slowdown.toFixed(2)}× slower, the probe took ${Math.round(cost.probeMs)} ms`,
      );
    }
    if (Object.values(tries).every((costs) => costs.some(withinBounds))) break;
  }

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
  for (const [what, costs] of Object.entries(tries))
    assert.ok(
      costs.some(withinBounds),
      `${what}: no try shown within ${EFFECT_MS} ms × the page's slowdown + the probe's time with under ${INPUT_CPU_MS} ms of the page's CPU: ${costs.map(described).join('; ')}`,
    );
  assert.ok(
    longestIdle < IDLE_TASK_MS,
    `idle: a task took ${Math.round(longestIdle)} ms of CPU (bound ${IDLE_TASK_MS} ms)`,
  );
  assert.deepEqual(errors, []);
});
