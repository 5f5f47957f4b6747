import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConsolePage } from '../src/main/console-page';
import {
  desktopHandlers,
  type InvokeEvent,
  type IpcMainLike,
  registerDesktopIpc,
  UntrustedSenderError,
} from '../src/main/ipc-handlers';
import { createDesktopApi } from '../src/preload/desktop-bridge';
import { DESKTOP_METHODS, type DesktopChannel } from '../src/shared/desktop-api';

const ENGINE = { url: 'http://127.0.0.1:8123', token: 'secret-token' };

/** ipcMain as far as the handlers use it: remembers listeners so a test can invoke them as a frame would. */
class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown) {
    assert.ok(!this.listeners.has(channel), `${channel} registered twice`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.listeners.delete(channel);
  }
  invoke(channel: string, frameUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    assert.ok(listener, `no handler for ${channel}`);
    return Promise.resolve().then(() =>
      listener({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args),
    );
  }
}

function registered() {
  const ipc = new FakeIpcMain();
  const chosen: [string, string | undefined][] = [];
  const chooseFile = async (mode: 'open' | 'save', name: string | undefined) => {
    chosen.push([mode, name]);
    return mode === 'open' ? '/tmp/picked.agui.json' : null;
  };
  const unregister = registerDesktopIpc(ipc, desktopHandlers(ENGINE, chooseFile), (url) =>
    isConsolePage(url, ENGINE.url),
  );
  return { ipc, unregister, chosen };
}

test('the console can ask for a native workspace file dialog; bad arguments are refused', async () => {
  const { ipc, chosen } = registered();
  const consoleUrl = `${ENGINE.url}/__console/`;
  assert.equal(await ipc.invoke('desktop:choose-workspace-file', consoleUrl, 'open'), '/tmp/picked.agui.json');
  assert.equal(await ipc.invoke('desktop:choose-workspace-file', consoleUrl, 'save', 'Demo'), null);
  assert.deepEqual(chosen, [
    ['open', undefined],
    ['save', 'Demo'],
  ]);
  await assert.rejects(ipc.invoke('desktop:choose-workspace-file', consoleUrl, 'delete'), TypeError);
  await assert.rejects(
    ipc.invoke('desktop:choose-workspace-file', 'https://evil.example/', 'open'),
    UntrustedSenderError,
  );
});

test('every channel of the typed map has exactly one handler, and nothing else is registered', () => {
  const { ipc, unregister } = registered();
  assert.deepEqual([...ipc.listeners.keys()].sort(), Object.values(DESKTOP_METHODS).sort());
  unregister();
  assert.equal(ipc.listeners.size, 0);
});

test('the console loaded from the engine gets the engine URL and token', async () => {
  const { ipc } = registered();
  assert.deepEqual(await ipc.invoke('desktop:console-connection', `${ENGINE.url}/__console/`), {
    engineUrl: ENGINE.url,
    token: ENGINE.token,
  });
});

test('IPC from a foreign frame is refused: other origins, other ports, the mocked API, gone frames', async () => {
  const { ipc } = registered();
  for (const url of [
    'https://evil.example/__console/',
    'http://127.0.0.1:9999/__console/',
    'http://localhost:8123/__console/',
    `${ENGINE.url}/health`,
    'file:///tmp/index.html',
    'about:blank',
    null,
  ])
    await assert.rejects(ipc.invoke('desktop:console-connection', url), UntrustedSenderError, String(url));
});

test('the preload exposes one method per channel, each sending only on its own channel', async () => {
  const sent: [DesktopChannel, unknown[]][] = [];
  const api = createDesktopApi(async (channel, ...args) => {
    sent.push([channel, args]);
    return { engineUrl: ENGINE.url, token: ENGINE.token };
  });
  assert.deepEqual(Object.keys(api).sort(), Object.keys(DESKTOP_METHODS).sort());
  assert.ok(Object.isFrozen(api));
  for (const [method, channel] of Object.entries(DESKTOP_METHODS)) {
    sent.length = 0;
    await (api[method as keyof typeof api] as () => Promise<unknown>)();
    assert.deepEqual(sent, [[channel, []]], method);
  }
  assert.equal(new Set(Object.values(DESKTOP_METHODS)).size, Object.keys(DESKTOP_METHODS).length, 'no shared channel');
});

test('preload and main end to end: window.desktop.consoleConnection() reaches the checked handler', async () => {
  const { ipc } = registered();
  const fromConsole = createDesktopApi((channel, ...args) => ipc.invoke(channel, `${ENGINE.url}/__console/`, ...args));
  assert.deepEqual(await fromConsole.consoleConnection(), { engineUrl: ENGINE.url, token: ENGINE.token });
  const fromElsewhere = createDesktopApi((channel, ...args) => ipc.invoke(channel, 'https://evil.example/', ...args));
  await assert.rejects(fromElsewhere.consoleConnection(), /refused desktop:console-connection/);
});
