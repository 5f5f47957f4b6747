import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONSOLE_CSP, type HardenedSession, hardenSession, withConsoleCsp } from '../src/main/session-security';
import { startTestEngine } from './helpers/engine';

const ENGINE = 'http://127.0.0.1:8123';

/** Session as far as the hardening uses it: keeps the handlers so a test can call them as Chromium would. */
function fakeSession() {
  const handlers: {
    request?: Parameters<HardenedSession['setPermissionRequestHandler']>[0];
    check?: () => boolean;
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

test('every permission request and check is denied', () => {
  const { session, handlers } = fakeSession();
  hardenSession(session, ENGINE);
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'usb']) {
    let granted: boolean | undefined;
    handlers.request?.({}, permission, (answer) => {
      granted = answer;
    });
    assert.equal(granted, false, permission);
  }
  assert.equal(handlers.check?.(), false);
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
