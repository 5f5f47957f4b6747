import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HardenedSession, hardenSession, withConsoleCsp } from '../src/main/session-security';
import { CONSOLE_CSP } from '../src/shared/console-csp';
import { startTestEngine } from './helpers/engine';

const ENGINE = 'http://127.0.0.1:8123';

/** Session as far as the hardening uses it: keeps the handlers so a test can call them as Chromium would. */
function fakeSession() {
  const handlers: {
    request?: Parameters<HardenedSession['setPermissionRequestHandler']>[0];
    check?: Parameters<HardenedSession['setPermissionCheckHandler']>[0];
    headers?: Parameters<HardenedSession['webRequest']['onHeadersReceived']>[0];
  } = {};
  const session: HardenedSession = {
    setPermissionRequestHandler: (handler) => {
      handlers.request = handler;
    },
    setPermissionCheckHandler: (handler) => {
      handlers.check = handler;
    },
    webRequest: {
      onHeadersReceived: (listener) => {
        handlers.headers = listener;
      },
    },
  };
  return { session, handlers };
}

function requested(handlers: ReturnType<typeof fakeSession>['handlers'], permission: string, requestingUrl: string) {
  let granted: boolean | undefined;
  handlers.request?.(
    {},
    permission,
    (answer) => {
      granted = answer;
    },
    { requestingUrl },
  );
  return granted;
}

test('every permission request and check is denied, for the console too', () => {
  const { session, handlers } = fakeSession();
  hardenSession(session, ENGINE);
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'usb']) {
    assert.equal(requested(handlers, permission, `${ENGINE}/__console/`), false, permission);
    assert.equal(handlers.check?.({}, permission, ENGINE), false, permission);
  }
});

test('only the console may write to the clipboard (its Copy buttons); no other page may', () => {
  const { session, handlers } = fakeSession();
  hardenSession(session, ENGINE);
  assert.equal(requested(handlers, 'clipboard-sanitized-write', `${ENGINE}/__console/`), true);
  assert.equal(handlers.check?.({}, 'clipboard-sanitized-write', ENGINE), true);
  assert.equal(requested(handlers, 'clipboard-sanitized-write', `${ENGINE}/health`), false);
  assert.equal(requested(handlers, 'clipboard-sanitized-write', 'https://evil.example/'), false);
  assert.equal(handlers.check?.({}, 'clipboard-sanitized-write', 'https://evil.example'), false);
  assert.equal(handlers.check?.({}, 'clipboard-sanitized-write', 'http://127.0.0.1:9999'), false);
});

test('a console response without a CSP gets the strict one; one that has a CSP keeps it', () => {
  const missing = withConsoleCsp(
    { url: `${ENGINE}/__console/`, responseHeaders: { 'Content-Type': ['text/html'] } },
    ENGINE,
  );
  assert.deepEqual(missing?.['Content-Security-Policy'], [CONSOLE_CSP]);
  assert.deepEqual(missing?.['Content-Type'], ['text/html']);
  const present = { 'content-security-policy': ["default-src 'none'"] };
  assert.deepEqual(withConsoleCsp({ url: `${ENGINE}/__console/app.js`, responseHeaders: present }, ENGINE), present);
});

test('responses that are not the console are passed through untouched', () => {
  const headers = { 'Content-Type': ['application/json'] };
  assert.equal(withConsoleCsp({ url: `${ENGINE}/health`, responseHeaders: headers }, ENGINE), headers);
  assert.equal(withConsoleCsp({ url: 'https://example.com/', responseHeaders: headers }, ENGINE), headers);
});

test('the session hook answers Chromium through its callback', () => {
  const { session, handlers } = fakeSession();
  hardenSession(session, ENGINE);
  const answers: unknown[] = [];
  handlers.headers?.({ url: `${ENGINE}/__console/`, responseHeaders: {} }, (response) => answers.push(response));
  handlers.headers?.({ url: `${ENGINE}/health` }, (response) => answers.push(response));
  assert.deepEqual(answers, [{ responseHeaders: { 'Content-Security-Policy': [CONSOLE_CSP] } }, {}]);
});

test('the policy added here is the one the engine sends, so the window never gets a weaker one', async () => {
  const server = await startTestEngine();
  const response = await fetch(`${server.url}/__console/`);
  assert.equal(response.headers.get('content-security-policy'), CONSOLE_CSP);
});
