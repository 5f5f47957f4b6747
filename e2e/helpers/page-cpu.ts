import type { Page } from 'playwright-core';

/**
 * The share of the wall time `action` took that the page's main thread spent on the CPU (Chromium's `ThreadTime`
 * metric over CDP, before and after it): near 1, the page has no time left for the person using it.
 */
export async function mainThreadShareDuring(page: Page, action: () => Promise<void>): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const sample = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
    return { at: value('Timestamp'), cpu: value('ThreadTime') };
  };
  const before = await sample();
  await action();
  const after = await sample();
  await cdp.detach();
  return (after.cpu - before.cpu) / (after.at - before.at);
}
