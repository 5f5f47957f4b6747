import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { MockServer } from '../src/server/index';
import { startTestEngine } from '../test/helpers/engine';
import { eventually } from '../test/helpers/wait';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { openConsole, screenshot, waitUntilLive } from './helpers/console-page';

/** One Chromium for the file's tests; each test opens its own page. */
const browser = await launchBrowser();
const viewport = { width: 1280, height: 720 };

/**
 * A path and query of about `length` characters as frontends send them: segments, an id, and tokens with no place to
 * break (a long search term, a cursor) that no word wrap would cut.
 */
function longPath(length: number): string {
  const start = `/api/v1/organisations/550e8400-e29b-41d4-a716-446655440001/reports/${'quarterly-revenue-'.repeat(4)}summary`;
  const query = `?filter=${'region:emea,'.repeat(8)}&cursor=`;
  const cursor = 'eyJvZmZzZXQiOjEyMzQ1Njc4OX0'
    .repeat(Math.ceil(length / 27))
    .slice(0, length - start.length - query.length - 8);
  return `${start}${query}${cursor}&end=yes`;
}

/** Asks the mocked API for `path` (nothing serves it: a 404, logged like any request), opens it in Requests. */
async function openRequest(page: Page, server: MockServer, path: string): Promise<{ row: Locator; heading: Locator }> {
  const response = await fetch(server.url + path);
  await response.arrayBuffer();
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const row = page.getByRole('listbox', { name: 'Requests' }).getByRole('option').first();
  await row.click();
  const detail = page.getByTestId('request-detail');
  await detail.getByText('Request headers').waitFor();
  return { row, heading: detail.locator('.request-path') };
}

/** How the heading's text sits: what it clips either way, and whether each of its lines is in sight and on top. */
function headingFacts(heading: Locator) {
  return heading.evaluate((element) => {
    const { innerHeight, innerWidth } = element.ownerDocument.defaultView as {
      innerHeight: number;
      innerWidth: number;
    };
    const box = element.getBoundingClientRect();
    const lines = [...(element.firstElementChild?.getClientRects() ?? [])];
    return {
      clippedSideways: element.scrollWidth - element.clientWidth,
      clippedBelow: element.scrollHeight - element.clientHeight,
      lines: lines.length,
      // (Inline: a named function here would be renamed by the test's transpiler, with a helper the page lacks.)
      linesSeen: lines.filter((r) => {
        const hit = element.ownerDocument.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        return (
          r.left >= box.left - 0.5 &&
          r.right <= box.right + 0.5 &&
          r.top >= box.top - 0.5 &&
          r.bottom <= box.bottom + 0.5 &&
          r.right <= innerWidth &&
          r.bottom <= innerHeight &&
          element.contains(hit)
        );
      }).length,
      height: box.height,
      tabIndex: element.getAttribute('tabindex'),
    };
  });
}

/** How wide the page is inside: wider than the window means a horizontal scroll. */
const pageWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

test('a request with a 600-character path shows it whole in its heading, wrapped, and whole in its row title', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport });
  await waitUntilLive(page);
  const path = longPath(600);
  assert.ok(path.length >= 590 && path.length <= 610, `a path of ${path.length} characters`);
  const { row, heading } = await openRequest(page, server, path);

  // The heading holds the whole path and query, and shows all of it: wrapped onto lines, none cut off either way.
  assert.equal(await heading.textContent(), path);
  const facts = await headingFacts(heading);
  assert.ok(facts.clippedSideways <= 0, `the heading cuts ${facts.clippedSideways}px off sideways`);
  assert.ok(facts.clippedBelow <= 0, `the heading cuts ${facts.clippedBelow}px off below`);
  assert.ok(facts.lines > 1, `the path wraps (${facts.lines} lines)`);
  assert.equal(facts.linesSeen, facts.lines, 'every line of the path is in sight, on top');
  assert.equal(facts.tabIndex, null, 'a path shown whole is no scrolling stop for the keyboard');
  // What else the heading says is there too, and the request's detail below it.
  const detail = page.getByTestId('request-detail');
  await detail.locator('.method', { hasText: 'GET' }).waitFor();
  await detail.locator('.status-code', { hasText: '404' }).waitFor();
  await detail.getByRole('button', { name: 'Copy as curl' }).waitFor();
  assert.ok(await detail.getByText('Request headers').isVisible());

  // No horizontal scroll at 1280×720.
  assert.ok((await pageWidth(page)) <= viewport.width, `the page is ${await pageWidth(page)}px wide`);
  // The list keeps its rows one line, and says the whole path on the row.
  assert.equal(await row.getByTitle(path, { exact: true }).count(), 1, 'the row has the whole path as a title');
  const rowHeight = (await row.boundingBox())?.height ?? Number.NaN;
  assert.ok(rowHeight <= 30, `the row is ${rowHeight}px tall`);
  await screenshot(page, 'request-long-path');
  assert.deepEqual(await seriousAxeViolations(page), []);
  assert.deepEqual(errors, []);
});

test('a path longer than a third of the window scrolls in its heading, by keyboard too, leaving the detail in sight', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport });
  await waitUntilLive(page);
  const path = longPath(6000);
  const { heading } = await openRequest(page, server, path);

  assert.equal(await heading.textContent(), path);
  const detail = page.getByTestId('request-detail');
  // It takes the focus once it scrolls (the heading learns it overflows after laying out).
  await detail.locator('.request-path[tabindex="0"]').waitFor();
  const facts = await headingFacts(heading);
  assert.ok(facts.clippedSideways <= 0, `the heading cuts ${facts.clippedSideways}px off sideways`);
  assert.ok(facts.clippedBelow > 0, 'the rest of the path is below, to scroll to');
  assert.ok(facts.height <= viewport.height / 3 + 1, `the heading is ${facts.height}px tall`);
  assert.ok(await detail.getByText('Request headers').isVisible(), 'the detail stays in sight');
  assert.ok((await pageWidth(page)) <= viewport.width, `the page is ${await pageWidth(page)}px wide`);

  // The keyboard reaches the path's end.
  await heading.focus();
  await page.keyboard.press('End');
  await eventually(
    () => heading.evaluate((element) => element.scrollTop + element.clientHeight >= element.scrollHeight - 1),
    'End scrolling the heading to the end of the path',
  );
  await screenshot(page, 'request-very-long-path');
  assert.deepEqual(await seriousAxeViolations(page), []);
  assert.deepEqual(errors, []);
});

test('a request the log let go of while shown keeps its whole path in the heading', async () => {
  const server = await startTestEngine({ settings: { requestLogSize: 10 } });
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, { viewport });
  await waitUntilLive(page);
  const path = longPath(600);
  const { heading } = await openRequest(page, server, path);
  // Ten newer requests push it out of the log of 10: the pane says so, and goes on showing it.
  for (let i = 0; i < 10; i++) await (await fetch(`${server.url}/health?n=${i}`)).arrayBuffer();
  await page.getByTestId('request-detail').getByTestId('request-dropped').waitFor();

  assert.equal(await heading.textContent(), path);
  const facts = await headingFacts(heading);
  assert.ok(facts.clippedSideways <= 0, `the heading cuts ${facts.clippedSideways}px off sideways`);
  assert.ok(facts.clippedBelow <= 0, `the heading cuts ${facts.clippedBelow}px off below`);
  assert.equal(facts.linesSeen, facts.lines, 'every line of the path is in sight, on top');
  assert.ok((await pageWidth(page)) <= viewport.width, `the page is ${await pageWidth(page)}px wide`);
  assert.deepEqual(errors, []);
});
