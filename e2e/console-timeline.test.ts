import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { AguiSocket } from '../test/helpers/agui-socket';
import { controlClient } from '../test/helpers/control-client';
import { startTestEngine } from '../test/helpers/engine';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, selectFirstConnection, waitUntilLive } from './helpers/console-page';

// The run timeline is scaled to the run: a frame long after it does not shrink it; zoom and a text list of open spans.

const browser = await launchBrowser();
const LONG_WAIT_MS = 20_000;
const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
/**
 * How long after the run the late frame is sent: many times the run's length (~0.3 s), and over the 1 s from which a
 * pause is drawn narrow (timeline-scale.ts). Drawn to the clock, the run would take an eighth of the drawing.
 */
const LATE_BY_MS = 2000;

async function width(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is drawn');
  return box.width;
}

/** Resolves once `condition` holds, polling; fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = LONG_WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function zoomLabel(page: Page): Promise<string> {
  return (await page.getByTestId('timeline-zoom').textContent()) ?? '';
}

test('a frame sent long after the run leaves the run readable (the pause is drawn narrow); zoom by buttons and keys', async () => {
  // Scripted delays at a tenth: the run takes a few hundred milliseconds, its spans apart from one another.
  const server = await startTestEngine({ settings: { speed: 0.1 } });
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser);
  page.setDefaultTimeout(LONG_WAIT_MS);
  await waitUntilLive(page);
  const client = await AguiSocket.open(server.wsUrl);
  client.ask(INSPECTION, { threadId: 'thread-timeline' });
  await client.waitForRuns(1, LONG_WAIT_MS);
  const started = client.events.find((event) => event.type === 'RUN_STARTED')?.timestamp as number | undefined;
  const finished = client.events.find((event) => event.type === 'RUN_FINISHED')?.timestamp as number;
  const list = await api.get<{ items: { id: string }[] }>('/connections');
  const connectionId = list.body.items[0]?.id as string;

  await page.locator('.connection-item', { hasText: 'thread-timeline' }).click();
  const timeline = page.getByTestId('run-timeline');
  const canvas = timeline.getByTestId('timeline-canvas');
  const run = timeline.locator('.timeline-span[data-kind="run"]');
  await timeline.locator('.timeline-span[data-kind="run"][data-open="false"]').waitFor();
  const runShare = async () => (await width(run)) / (await width(canvas));
  /** Each span's width as a share of the run's: what the late frame must not change. */
  const spanShares = async () => {
    const runWidth = await width(run);
    const shares: number[] = [];
    for (const span of await timeline.locator('.timeline-span:not([data-kind="run"])').all())
      shares.push((await width(span)) / runWidth);
    return shares;
  };
  const before = await runShare();
  const sharesBefore = await spanShares();
  assert.equal(await timeline.getByTestId('open-spans').count(), 0, 'nothing is listed open after a finished run');
  assert.ok(before > 0.85, `the run alone fills the drawing: ${before}`);

  // One frame, long after the run (judged on the engine's clock: its events' timestamps).
  await until(() => Date.now() >= finished + LATE_BY_MS, 'time to pass after the run');
  const late = await api.post(`/connections/${connectionId}/events`, {
    force: true,
    events: [{ type: 'CUSTOM', name: 'late', value: { sentAfterMs: Date.now() - finished } }],
  });
  assert.equal(late.status, 200, JSON.stringify(late.body));
  const gap = timeline.getByTestId('timeline-gap');
  await gap.waitFor();
  const runMs = finished - (started ?? finished);
  assert.ok(
    runMs / (runMs + LATE_BY_MS) < 0.5,
    `drawn to the clock the run would take under half the drawing, or this test shows nothing (${runMs} ms run)`,
  );
  const after = await runShare();
  // Drawn to the clock the run would take runMs / (runMs + LATE_BY_MS) of the width, a few percent.
  assert.ok(after > 0.7, `the run keeps most of the drawing: ${after} (${runMs} ms run, then ${LATE_BY_MS} ms idle)`);
  assert.ok((await width(gap)) < (await width(canvas)) * 0.1, 'the pause is narrow');
  assert.match((await gap.getAttribute('title')) ?? '', /with nothing sent, drawn narrow/);
  const sharesAfter = await spanShares();
  assert.equal(sharesAfter.length, sharesBefore.length);
  sharesAfter.forEach((share, index) => {
    const was = sharesBefore[index] as number;
    assert.ok(Math.abs(share - was) < 0.02, `span ${index} keeps its share of the run: ${was} → ${share}`);
  });
  await screenshot(page, 'timeline-late-frame');

  // Zoom with the buttons: twice as wide, scrolled; back to fit.
  const runWidth = await width(run);
  const viewWidth = await width(timeline.locator('section.timeline'));
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await until(async () => (await zoomLabel(page)) === '2×', 'zoom 2×');
  await until(async () => Math.abs((await width(canvas)) / viewWidth - 2) < 0.05, 'a drawing twice as wide');
  const zoomed = await width(run);
  assert.ok(Math.abs(zoomed / runWidth - 2) < 0.1, `the run twice as wide: ${runWidth} → ${zoomed}`);
  await page.getByRole('button', { name: 'Fit' }).click();
  await until(async () => (await zoomLabel(page)) === '1×', 'zoom 1×');
  // Fit is off at 1×, yet the focus stays on it (not thrown to the page).
  await page.getByRole('button', { name: 'Fit' }).and(page.locator(':focus')).waitFor();

  // And with keys, on the drawing.
  await timeline.getByRole('region', { name: /Run timeline drawing/ }).focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await until(async () => (await zoomLabel(page)) === '4×', 'zoom 4× by keys');
  await until(async () => Math.abs((await width(canvas)) / viewWidth - 4) < 0.1, 'a drawing four times as wide');
  await page.keyboard.press('-');
  await until(async () => (await zoomLabel(page)) === '2×', 'zoom 2× by keys');
  await page.keyboard.press('0');
  await until(async () => (await zoomLabel(page)) === '1×', 'fit by keys');

  // Spans left open are listed as text too.
  await api.post(`/connections/${connectionId}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 'thread-timeline', runId: 'run-open' },
      { type: 'TEXT_MESSAGE_START', messageId: 'never-ended', role: 'assistant' },
    ],
  });
  const open = timeline.getByTestId('open-spans');
  await open.filter({ hasText: 'Open (2)' }).waitFor();
  await open.getByRole('button', { name: /text never-ended/ }).click();
  await page.getByTestId('frame-inspector').filter({ hasText: 'never-ended' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a run sent within one millisecond (a macro) is drawn across the timeline, readable, and zoom keeps it in view', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: LONG_WAIT_MS,
  });
  await waitUntilLive(page);
  const client = await AguiSocket.open(server.wsUrl);
  const list = await api.get<{ items: { id: string }[] }>('/connections');
  const connectionId = list.body.items[0]?.id as string;
  // The "A full tool call" macro: RUN_STARTED, the call's four events and RUN_FINISHED, all in one millisecond.
  const macro = await api.post(`/connections/${connectionId}/macros/tool-call`, {
    toolCallName: 'get_weather',
    args: { city: 'Paris' },
  });
  assert.equal(macro.status, 200, JSON.stringify(macro.body));
  await client.waitForRuns(1, LONG_WAIT_MS);

  await selectFirstConnection(page);
  const timeline = page.getByTestId('run-timeline');
  const view = timeline.getByRole('region', { name: /Run timeline drawing/ });
  const canvas = timeline.getByTestId('timeline-canvas');
  const run = timeline.locator('.timeline-span[data-kind="run"][data-open="false"]');
  const tool = timeline.locator('.timeline-span[data-kind="tool"]');
  await run.waitFor();
  assert.ok((await width(run)) / (await width(canvas)) > 0.85, 'the run fills the drawing');
  assert.ok((await width(tool)) > 100, `the tool call is wide enough to read: ${await width(tool)} px`);
  const cut = await tool.evaluate((element) => element.scrollWidth > element.clientWidth);
  assert.equal(cut, false, `the tool call's name is not cut: ${await tool.textContent()}`);
  // Stamped all in one millisecond (or across a millisecond's turn, then the axis labels +1 ms), the axis says so.
  type Frames = { items: { at: number }[] };
  const stamps = (await api.get<Frames>(`/connections/${connectionId}/frames?direction=out`)).body.items;
  if (new Set(stamps.map((frame) => frame.at)).size === 1)
    await timeline.locator('.timeline-tick', { hasText: 'sent within 1 ms, drawn in order' }).waitFor();
  await screenshot(page, 'timeline-within-one-ms');

  // Zoomed all the way in, the spans are still in view (and the drawing scrolls to the rest of them).
  for (let press = 0; press < 4; press++) await page.getByRole('button', { name: 'Zoom in' }).click();
  await until(async () => (await zoomLabel(page)) === '16×', 'zoom 16×');
  const shown = await view.boundingBox();
  assert.ok(shown);
  const inView = async (span: Locator) => {
    const box = await span.boundingBox();
    return box !== null && box.x < shown.x + shown.width && box.x + box.width > shown.x;
  };
  assert.ok(await inView(run), `the run is in view at 16×: ${JSON.stringify({ box: await run.boundingBox(), shown })}`);
  // The drawing scrolls to the rest.
  assert.ok(await view.evaluate((element) => element.scrollWidth > element.clientWidth * 10), 'the drawing scrolls');
  await tool.scrollIntoViewIfNeeded();
  assert.ok(await inView(tool), 'the tool call is reached by scrolling');
  await screenshot(page, 'timeline-within-one-ms-zoomed');

  // Another such run, and a frame a moment after it (too short a pause to draw narrow): the run is a sliver at the
  // start, and zoomed in from the middle of the drawing, where nothing is, the view goes to it.
  await page.getByRole('button', { name: 'Fit' }).click();
  await until(async () => (await zoomLabel(page)) === '1×', 'zoom 1×');
  const again = await api.post(`/connections/${connectionId}/macros/tool-call`, { toolCallName: 'get_time', args: {} });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  await new Promise((resolve) => setTimeout(resolve, 400));
  const late = await api.post(`/connections/${connectionId}/events`, {
    force: true,
    events: [{ type: 'CUSTOM', name: 'a-moment-later', value: {} }],
  });
  assert.equal(late.status, 200, JSON.stringify(late.body));
  await timeline.locator('.timeline-span[data-kind="tool"]', { hasText: 'get_time' }).waitFor();
  await until(async () => (await width(run)) / (await width(canvas)) < 0.2, 'the run drawn to the clock');
  for (let press = 0; press < 4; press++) await page.getByRole('button', { name: 'Zoom in' }).click();
  await until(async () => (await zoomLabel(page)) === '16×', 'zoom 16× again');
  assert.ok(await inView(run), `the run is in view at 16×: ${JSON.stringify({ box: await run.boundingBox(), shown })}`);
  await client.close();
  assert.deepEqual(errors, []);
});

/** The boxes of the axis labels, left to right. */
async function tickBoxes(page: Page) {
  const ticks = page.getByTestId('run-timeline').locator('.timeline-tick');
  const boxes: { text: string; left: number; right: number }[] = [];
  for (const tick of await ticks.all()) {
    const box = await tick.boundingBox();
    if (box) boxes.push({ text: (await tick.textContent()) ?? '', left: box.x, right: box.x + box.width });
  }
  return boxes.sort((a, b) => a.left - b.left);
}

test('on a laptop beside the inject drawer: axis labels neither overlap nor repeat, and long open spans keep to their line', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: LONG_WAIT_MS,
  });
  await waitUntilLive(page);
  const client = await AguiSocket.open(server.wsUrl);
  client.ask('hallo', { threadId: 'thread-axis' });
  await client.waitForRuns(1, LONG_WAIT_MS);
  const list = await api.get<{ items: { id: string }[] }>('/connections');
  const connectionId = list.body.items[0]?.id as string;
  await page.locator('.connection-item', { hasText: 'thread-axis' }).click();
  await page.getByRole('button', { name: 'Inject…' }).click();
  const timeline = page.getByTestId('run-timeline');
  await timeline.locator('.timeline-span[data-kind="run"][data-open="false"]').waitFor();

  // A run started, and a text message 1.5 s later, both with ids as long as a UUID: nothing else is sent between,
  // so the whole time shown is a pause drawn narrow, the end just after it.
  const runId = 'e0600fe7-c3ad-4eac-a731-9d80c4487edb';
  const messageId = 'cf817c7f-ea89-430f-82fb-20c8adc65f40';
  await api.post(`/connections/${connectionId}/events`, {
    events: [{ type: 'RUN_STARTED', threadId: 'thread-axis', runId }],
  });
  await new Promise((resolve) => setTimeout(resolve, 1_530));
  await api.post(`/connections/${connectionId}/events`, {
    events: [{ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' }],
  });
  const open = timeline.getByTestId('open-spans');
  await open.filter({ hasText: 'Open (2)' }).waitFor();
  await timeline.getByTestId('timeline-gap').waitFor();

  const boxes = await tickBoxes(page);
  const texts = boxes.map((box) => box.text);
  assert.ok(boxes.length > 0, 'the axis is labelled');
  assert.equal(new Set(texts).size, texts.length, `no label said twice: ${texts.join(' | ')}`);
  boxes.slice(1).forEach((box, index) => {
    const before = boxes[index] as (typeof boxes)[number];
    assert.ok(before.right <= box.left + 0.5, `"${before.text}" is not drawn over "${box.text}"`);
  });
  // The end: the text message's instant on the engine's clock (1.53 s after the run's start, more on a busy machine).
  type Frames = { items: { at: number; eventType: string | null }[] };
  const frames = (await api.get<Frames>(`/connections/${connectionId}/frames?direction=out`)).body.items;
  const at = (type: string) => frames.find((frame) => frame.eventType === type)?.at ?? Number.NaN;
  const gapSeconds = (at('TEXT_MESSAGE_START') - at('RUN_STARTED')) / 1000;
  const end = /^\+(\d+\.\d\d) s$/.exec(texts.at(-1) ?? '');
  assert.ok(end, `the end of the time shown is labelled in seconds: ${texts.join(' | ')}`);
  assert.ok(
    Math.abs(Number(end[1]) - gapSeconds) <= 0.011,
    `the end is labelled +${gapSeconds.toFixed(2)} s: ${end[0]}`,
  );

  // The open spans, named in full on hover, on one line inside the panel: each entry cut to fit, none cut off.
  const panel = await page.locator('.timeline-panel').boundingBox();
  const line = await open.boundingBox();
  assert.ok(panel && line);
  assert.ok(
    line.y + line.height <= panel.y + panel.height,
    `the line ends inside the panel: ${JSON.stringify({ line, panel })}`,
  );
  const heading = await open.getByText('Open (2):').boundingBox();
  assert.ok(heading && heading.height < 20, `"Open (2):" on one line: ${heading?.height} px high`);
  const entries = open.getByRole('button');
  assert.equal(await entries.count(), 2);
  for (const entry of await entries.all()) {
    const box = await entry.boundingBox();
    assert.ok(box && box.x + box.width <= line.x + line.width + 0.5, `${await entry.textContent()} is not cut off`);
    assert.match((await entry.getAttribute('title')) ?? '', new RegExp(`${runId}|${messageId}`));
  }
  await screenshot(page, 'timeline-open-spans-laptop');
  await client.close();
  assert.deepEqual(errors, []);
});

test('a span still open that starts at the end of the run shows its name and that it runs on, at 1280×720', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: LONG_WAIT_MS,
  });
  await waitUntilLive(page);
  const client = await AguiSocket.open(server.wsUrl);
  const connectionId = await selectFirstConnection(page);
  // All in one millisecond, each drawn in a slot of its own: the text message, opened after the tool call ended, in
  // the same lane as the call and in the run's last slot, where the drawing ends.
  const sent = await api.post(`/connections/${connectionId}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 'thread-open-end', runId: 'run-open' },
      { type: 'TOOL_CALL_START', toolCallId: 'call-1', toolCallName: 'lookup' },
      { type: 'TOOL_CALL_END', toolCallId: 'call-1' },
      { type: 'TEXT_MESSAGE_START', messageId: 'never-ended', role: 'assistant' },
    ],
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const timeline = page.getByTestId('run-timeline');
  const drawing = timeline.getByRole('region', { name: /Run timeline drawing/ });
  const text = drawing.locator('.timeline-span[data-kind="text"][data-open="true"]');
  await text.waitFor();
  await timeline.getByTestId('open-spans').filter({ hasText: 'Open (2)' }).waitFor();

  const assertReadable = async (where: string) => {
    const seen = await text.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const range = element.ownerDocument.createRange();
      range.selectNodeContents(element);
      const label = range.getBoundingClientRect();
      const view = element.closest('.timeline')?.getBoundingClientRect();
      // The same lane: drawn at the same height.
      const sameLane = [...(element.parentElement?.querySelectorAll('.timeline-span') ?? [])]
        .filter((other) => other !== element && other.getBoundingClientRect().top === box.top)
        .map((other) => other.getBoundingClientRect());
      return {
        cut: element.scrollWidth > element.clientWidth,
        runOn: box.right - label.right,
        pastView: box.right - (view?.right ?? 0),
        laneMates: sameLane.length,
        overlapping: sameLane.filter((other) => other.right > box.left + 0.5 && other.left < box.right - 0.5).length,
      };
    });
    assert.equal(seen.cut, false, `${where}: the open text message's name is cut to "${await text.textContent()}"`);
    // Hatched room after the name, so it is seen running on rather than ending there.
    assert.ok(seen.runOn >= 20, `${where}: ${seen.runOn} px of the open span after its name`);
    assert.ok(seen.pastView <= 0.5, `${where}: the open span runs ${seen.pastView} px out of the view`);
    assert.equal(seen.laneMates, 1, `${where}: the tool call is drawn in the open span's lane`);
    assert.equal(seen.overlapping, 0, `${where}: the open span is drawn over the tool call`);
    assert.equal(
      await drawing.evaluate((element) => element.scrollWidth > element.clientWidth),
      false,
      `${where}: the drawing scrolls sideways at 1×`,
    );
  };
  await assertReadable('the connection shown');

  // By keyboard: End goes to the open span, the last in time, in view.
  await page.getByRole('button', { name: 'Fit' }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('End');
  await text.and(page.locator(':focus')).waitFor();
  assert.match((await text.getAttribute('aria-label')) ?? '', /^text never-ended: open/);
  assert.deepEqual(await seriousAxeViolations(page), []);

  // Beside the inject drawer the drawing is narrower: the open span keeps its room.
  await page.getByRole('button', { name: 'Inject…' }).click();
  await page.getByTestId('inject-drawer').waitFor();
  await assertReadable('beside the inject drawer');
  await client.close();
  assert.deepEqual(errors, []);
});

/** The pixels of an element's width a person sees and clicks: across its middle, where nothing is drawn over it. */
function seenWidth(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const y = box.top + box.height / 2;
    let seen = 0;
    for (let x = Math.ceil(box.left); x < box.right; x += 1)
      if (element.contains(element.ownerDocument.elementFromPoint(x, y))) seen += 1;
    return seen;
  });
}

test('All runs at 1280×720: a run cut off by the next a moment after it started is seen and picked, not drawn under it', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs: LONG_WAIT_MS,
  });
  await waitUntilLive(page);
  const client = await AguiSocket.open(server.wsUrl);
  const connectionId = await selectFirstConnection(page);
  // The first run, with a text message, cut off by the next one in the same millisecond; the next streams 400 chunks,
  // each drawn a millisecond's step at the least (timeline-scale.ts): to the clock, the first is half a percent wide.
  const chunks = Array.from({ length: 400 }, () => ({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-next', delta: 'x' }));
  const sent = await api.post(`/connections/${connectionId}/events`, {
    force: true,
    events: [
      { type: 'RUN_STARTED', threadId: 'thread-cut', runId: 'run-cut' },
      { type: 'TEXT_MESSAGE_START', messageId: 'm-cut', role: 'assistant' },
      { type: 'RUN_STARTED', threadId: 'thread-cut', runId: 'run-next' },
      { type: 'TEXT_MESSAGE_START', messageId: 'm-next', role: 'assistant' },
      ...chunks,
      { type: 'TEXT_MESSAGE_END', messageId: 'm-next' },
      { type: 'RUN_FINISHED', threadId: 'thread-cut', runId: 'run-next' },
    ],
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const timeline = page.getByTestId('run-timeline');
  await page.getByLabel('Timeline scope').selectOption('all');
  const drawing = timeline.getByRole('region', { name: /Run timeline drawing/ });
  const cutRun = drawing.locator('.timeline-span[data-kind="run"]', { hasText: 'run run-cut' });
  const cutText = drawing.locator('.timeline-span[data-kind="text"]', { hasText: 'text m-cut' });
  await drawing.locator('.timeline-span[data-kind="run"][data-open="false"]', { hasText: 'run run-next' }).waitFor();
  await timeline.getByTestId('open-spans').filter({ hasText: 'Open (2)' }).waitFor();

  // A pointer's target (24 px) of each in sight, the next run and its message drawn after them, not over them.
  for (const [span, name] of [
    [cutRun, 'the cut-off run'],
    [cutText, 'its text message'],
  ] as const) {
    const seen = await seenWidth(span);
    assert.ok(seen >= 24, `${name}: ${seen} px of it in sight (${JSON.stringify(await span.boundingBox())})`);
  }
  assert.equal(
    await drawing.evaluate((element) => element.scrollWidth > element.clientWidth),
    false,
    'the drawing scrolls sideways at 1×',
  );
  assert.deepEqual(await seriousAxeViolations(page), []);
  await screenshot(page, 'timeline-cut-run-all-1280x720');
  await cutRun.click();
  await page.getByTestId('frame-inspector').filter({ hasText: 'run-cut' }).waitFor();
  await client.close();
  assert.deepEqual(errors, []);
});

test('the drawing is one Tab stop however many spans it has: the arrow keys move between them, Enter opens one', async () => {
  const server = await startTestEngine();
  const api = controlClient(server);
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { waitMs: LONG_WAIT_MS });
  await waitUntilLive(page);
  const client = await AguiSocket.open(server.wsUrl);
  const connectionId = await selectFirstConnection(page);
  // A run with 40 tool calls, each started and ended: 41 spans.
  const calls = Array.from({ length: 40 }, (_, n) => [
    { type: 'TOOL_CALL_START', toolCallId: `call-${n}`, toolCallName: `tool_${n}` },
    { type: 'TOOL_CALL_END', toolCallId: `call-${n}` },
  ]).flat();
  const sent = await api.post(`/connections/${connectionId}/events`, {
    events: [
      { type: 'RUN_STARTED', threadId: 'thread-keys', runId: 'run-keys' },
      ...calls,
      { type: 'RUN_FINISHED', threadId: 'thread-keys', runId: 'run-keys' },
    ],
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const timeline = page.getByTestId('run-timeline');
  const drawing = timeline.getByRole('region', { name: /Run timeline drawing/ });
  await drawing.locator('.timeline-span[data-kind="tool"]').nth(39).waitFor();

  const tabStops = await drawing.evaluate(
    (element) =>
      [element, ...element.querySelectorAll('button, [tabindex]')].filter(
        (item) => (item as unknown as { tabIndex: number }).tabIndex >= 0,
      ).length,
  );
  assert.equal(tabStops, 1, 'the drawing of 41 spans is one Tab stop');

  // Tab from the zoom buttons goes to the run; the arrows move through the spans, Tab leaves the drawing.
  const focused = page.locator(':focus');
  await page.getByRole('button', { name: 'Fit' }).focus();
  await page.keyboard.press('Tab');
  await drawing.locator('.timeline-span[data-kind="run"]').and(focused).waitFor();
  await page.keyboard.press('ArrowDown');
  await drawing
    .getByRole('button', { name: /^tool call tool_0:/ })
    .and(focused)
    .waitFor();
  await page.keyboard.press('ArrowRight');
  await drawing
    .getByRole('button', { name: /^tool call tool_1:/ })
    .and(focused)
    .waitFor();
  await page.keyboard.press('End');
  await drawing
    .getByRole('button', { name: /^tool call tool_39:/ })
    .and(focused)
    .waitFor();
  await page.keyboard.press('ArrowUp');
  await drawing.locator('.timeline-span[data-kind="run"]').and(focused).waitFor();
  // Down from the run: the span under it nearest its start.
  await page.keyboard.press('ArrowDown');
  await drawing
    .getByRole('button', { name: /^tool call tool_0:/ })
    .and(focused)
    .waitFor();
  await page.keyboard.press('End');
  await drawing
    .getByRole('button', { name: /^tool call tool_39:/ })
    .and(focused)
    .waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('frame-inspector').filter({ hasText: 'call-39' }).waitFor();
  // Zoom keys still work from a span, and the span keeps the focus.
  await page.getByRole('button', { name: /^tool call tool_39:/ }).focus();
  await page.keyboard.press('+');
  await page.getByTestId('timeline-zoom').filter({ hasText: '2×' }).waitFor();
  await drawing
    .getByRole('button', { name: /^tool call tool_39:/ })
    .and(focused)
    .waitFor();
  // Tab leaves the drawing (to what follows it), and Shift+Tab comes back to the span focused last.
  await page.keyboard.press('Tab');
  assert.equal(await drawing.evaluate((element) => element.contains(element.ownerDocument.activeElement)), false);
  await page.keyboard.press('Shift+Tab');
  await drawing
    .getByRole('button', { name: /^tool call tool_39:/ })
    .and(focused)
    .waitFor();
  await client.close();
  assert.deepEqual(errors, []);
});
