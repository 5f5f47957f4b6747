import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';

/** Gaps between animation frames longer than this are kept, to be judged by the CPU time in them. */
const LONG_GAP_MS = 100;
/** How often the main thread's CPU time is read. */
const SAMPLE_EVERY_MS = 50;

export interface PageFreeze {
  /** The longest gap between animation frames, whatever the cause. */
  wallMs: number;
  /** The longest gap counted only as far as the page's main thread used CPU in it: what the page's work froze. */
  busyMs: number;
}

/**
 * How long the page froze while `action` ran: the longest gap between animation frames, counted only as far as
 * the renderer's main thread used CPU in that gap (Chromium's `ThreadTime` metric, read over CDP before and
 * after it). On a busy machine the OS may leave the renderer waiting for a core, which is no work of the page's;
 * work that freezes the page keeps its main thread busy, so it counts in full. As `test/helpers/loop-delay.ts`
 * does for the engine's event loop.
 */
export async function pageFreezeDuring(page: Page, action: () => Promise<void>): Promise<PageFreeze> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  /** The main thread's CPU time, at a moment of the renderer's monotonic clock (both in seconds). */
  const sample = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
    return { at: value('Timestamp'), cpu: value('ThreadTime'), navigationStart: value('NavigationStart') };
  };
  await page.evaluate(`(() => {
    window.__frameGaps = [];
    let last = performance.now();
    const tick = (now) => {
      if (now - last > ${LONG_GAP_MS}) window.__frameGaps.push([last, now]);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const samples = [await sample()];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sleep(SAMPLE_EVERY_MS);
      samples.push(await sample());
    }
  })();
  try {
    await action();
    // Two more frames end the last gap; a sample after them brackets it.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  } finally {
    sampling = false;
    await sampler;
  }
  samples.push(await sample());
  const gaps = (await page.evaluate('window.__frameGaps')) as [number, number][];
  await cdp.detach();

  // performance.now() counts from navigation start on the same monotonic clock as the metrics' Timestamp.
  const { navigationStart } = samples[0] as { navigationStart: number };
  let wallMs = 0;
  let busyMs = 0;
  for (const [start, end] of gaps) {
    const gapMs = end - start;
    const before = samples.findLast((s) => s.at <= navigationStart + start / 1000);
    const after = samples.find((s) => s.at >= navigationStart + end / 1000);
    // CPU from the sample before the gap to the one after it: never less than what the gap itself used.
    const cpuMs = before && after ? (after.cpu - before.cpu) * 1000 : gapMs;
    wallMs = Math.max(wallMs, gapMs);
    busyMs = Math.max(busyMs, Math.min(gapMs, cpuMs));
  }
  return { wallMs, busyMs };
}
