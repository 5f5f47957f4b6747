import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { consolePageUrl, externalHttpUrl, isConsolePage } from '../src/main/console-page';
import { type GuardedContents, guardNavigation } from '../src/main/navigation-guard';

const ENGINE = 'http://127.0.0.1:8123';

/** WebContents as far as the guard uses it: events plus the window-open handler. */
class FakeContents extends EventEmitter {
  openHandler?: (details: { url: string }) => { action: 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
  /** Emits a navigation event and says whether it went ahead. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) });
    return !prevented;
  }
}

function guarded() {
  const contents = new FakeContents();
  const opened: string[] = [];
  guardNavigation(contents as GuardedContents, {
    engineUrl: ENGINE,
    openExternal: async (url) => void opened.push(url),
  });
  return { contents, opened };
}

test('the console page is the engine origin under /__console/; anything else is not', () => {
  assert.equal(consolePageUrl(ENGINE), `${ENGINE}/__console/`);
  assert.equal(isConsolePage(`${ENGINE}/__console/`, ENGINE), true);
  assert.equal(isConsolePage(`${ENGINE}/__console/index.html#token=x`, ENGINE), true);
  for (const url of [
    `${ENGINE}/health`, // the mocked API serves user-edited data: not trusted
    'http://127.0.0.1:8124/__console/', // another port is another origin
    'http://localhost:8123/__console/', // same machine, different origin
    'https://127.0.0.1:8123/__console/',
    'file:///__console/index.html',
    'not a url',
  ])
    assert.equal(isConsolePage(url, ENGINE), false, url);
});

test('only plain http(s) URLs are external links; other schemes and credentials are refused', () => {
  assert.equal(externalHttpUrl('https://docs.ag-ui.com/introduction'), 'https://docs.ag-ui.com/introduction');
  assert.equal(externalHttpUrl('http://example.com'), 'http://example.com/');
  for (const url of [
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'mailto:a@b.c',
    'https://user:pass@example.com/',
    '',
  ])
    assert.equal(externalHttpUrl(url), undefined, url);
});

test('navigation inside the console goes ahead', () => {
  const { contents, opened } = guarded();
  assert.equal(contents.navigate('will-navigate', `${ENGINE}/__console/`), true);
  assert.equal(contents.navigate('will-redirect', `${ENGINE}/__console/`), true);
  assert.deepEqual(opened, []);
});

test('navigation to another origin is cancelled; an http(s) link opens in the browser instead', () => {
  const { contents, opened } = guarded();
  assert.equal(contents.navigate('will-navigate', 'https://github.com/ag-ui-protocol/ag-ui'), false);
  assert.equal(contents.navigate('will-navigate', `${ENGINE}/health`), false, 'the mocked API is not the console');
  assert.deepEqual(opened, ['https://github.com/ag-ui-protocol/ag-ui', `${ENGINE}/health`]);
});

test('navigation to other schemes is cancelled and nothing is opened', () => {
  const { contents, opened } = guarded();
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<h1>x</h1>', 'smb://host/share'])
    assert.equal(contents.navigate('will-navigate', url), false, url);
  assert.deepEqual(opened, []);
});

test('a redirect away from the console is cancelled without opening anything', () => {
  const { contents, opened } = guarded();
  assert.equal(contents.navigate('will-redirect', 'https://evil.example/'), false);
  assert.deepEqual(opened, []);
});

test('window.open is always denied; http(s) targets open externally after the check, others not at all', () => {
  const { contents, opened } = guarded();
  assert.ok(contents.openHandler);
  for (const url of ['https://docs.ag-ui.com/', `${ENGINE}/__console/`, 'file:///etc/passwd', 'javascript:1'])
    assert.deepEqual(contents.openHandler({ url }), { action: 'deny' }, url);
  assert.deepEqual(opened, ['https://docs.ag-ui.com/', `${ENGINE}/__console/`]);
});

test('<webview> is never attached', () => {
  const { contents } = guarded();
  let prevented = false;
  contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
  assert.equal(prevented, true);
});

test('a failing openExternal is reported, not thrown into the event loop', async () => {
  const contents = new FakeContents();
  const failures: string[] = [];
  guardNavigation(contents as GuardedContents, {
    engineUrl: ENGINE,
    openExternal: () => Promise.reject(new Error('no browser')),
    onOpenError: (url, error) => failures.push(`${url}: ${(error as Error).message}`),
  });
  contents.navigate('will-navigate', 'https://example.com/');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(failures, ['https://example.com/: no browser']);
});
