// The desktop app's main process as built (electron-vite's out/main/index.js, what the app and its installers run)
// run for real with a stand-in for the `electron` module (the binary is not needed): checks the composition — the
// pieces unit-tested in the other main-* files are wired to the right Electron objects — and the bundle itself.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions } from 'electron';
import WebSocket from 'ws';
import { secureWebPreferences } from '../src/main/window-options';
import { CONSOLE_CSP } from '../src/shared/console-csp';
import { WAIT_MS } from './helpers/wait';

type Listener = (...args: never[]) => unknown;

/** Electron's app: quit() emits before-quit and exits unless a listener prevents it. */
class FakeApp extends EventEmitter {
  readonly name = 'AG-UI Mock Console';
  readonly isPackaged = false;
  exitCode: number | undefined;
  private exited!: (code: number) => void;
  readonly exitedNow = new Promise<number>((resolve) => {
    this.exited = resolve;
  });
  constructor(private readonly userData: string) {
    super();
  }
  requestSingleInstanceLock = () => true;
  whenReady = () => Promise.resolve();
  getPath = (name: string) => (name === 'userData' ? this.userData : tmpdir());
  getAppPath = () => process.cwd();
  quit = () => {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exit(0);
  };
  exit = (code = 0) => {
    this.exitCode = code;
    this.exited(code);
  };
}

class FakeWebContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler = (handler: (details: { url: string }) => { action: string }) => {
    this.openHandler = handler;
  };
  reload = () => {};
  isDestroyed = () => false;
}

const windows: FakeBrowserWindow[] = [];
let windowLoaded: (url: string) => void;
const loaded = new Promise<string>((resolve) => {
  windowLoaded = resolve;
});

class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  focused = 0;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    windows.push(this);
  }
  loadURL = async (url: string) => windowLoaded(url);
  getNormalBounds = () => ({ x: 40, y: 50, width: 1100, height: 700 });
  isMaximized = () => false;
  isDestroyed = () => false;
  isMinimized = () => false;
  isVisible = () => true;
  maximize = () => {};
  restore = () => {};
  show = () => {};
  focus = () => {
    this.focused++;
  };
}

type Handler = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown;
const ipcHandlers = new Map<string, Handler>();
const session = {
  permissionRequest: undefined as Listener | undefined,
  headers: undefined as
    | ((details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (r: unknown) => void) => void)
    | undefined,
};
let menuTemplate: MenuItemConstructorOptions[] = [];
const errorBoxes: string[] = [];
/** The questions the app asked, and the button the next one is answered with. */
const messageBoxes: MessageBoxOptions[] = [];
let nextResponse = 1;

const userData = mkdtempSync(join(tmpdir(), 'agui-main-composition-'));
after(() => rmSync(userData, { recursive: true, force: true }));
const app = new FakeApp(userData);

(globalThis as Record<string, unknown>).__fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  clipboard: { writeText: () => {} },
  dialog: {
    showMessageBox: async (options: MessageBoxOptions) => {
      messageBoxes.push(options);
      return { response: nextResponse, checkboxChecked: false };
    },
    showErrorBox: (title: string, content: string) => errorBoxes.push(`${title}: ${content}`),
  },
  ipcMain: {
    handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
  },
  Menu: {
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => template,
    setApplicationMenu: (menu: MenuItemConstructorOptions[]) => {
      menuTemplate = menu;
    },
  },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: Listener) => {
        session.permissionRequest = handler;
      },
      setPermissionCheckHandler: () => {},
      webRequest: {
        onHeadersReceived: (listener: typeof session.headers) => {
          session.headers = listener;
        },
      },
    },
  },
  shell: { openExternal: async () => {}, openPath: async () => '' },
};

const FAKE_ELECTRON = `data:text/javascript,${encodeURIComponent(
  'const e = globalThis.__fakeElectron; export const { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, screen, session, shell } = e; export default e;',
)}`;
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(specifier, context, next) {
      return specifier === 'electron' ? { url: ${JSON.stringify(FAKE_ELECTRON)}, shortCircuit: true } : next(specifier, context);
    }`,
  )}`,
);

// Any free port, as `npm start -- --port 0` would ask; the app reads process.argv.
process.argv.push('--port=0');
const MAIN = resolve('out/main/index.js');
assert.ok(existsSync(MAIN), `${MAIN} is missing: build first (npm test does)`);
await import(pathToFileURL(MAIN).href);
const consoleUrl = await Promise.race([
  loaded,
  new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`the window never loaded: ${errorBoxes.join('; ')}`)), WAIT_MS).unref(),
  ),
]);
const origin = new URL(consoleUrl).origin;
const window = windows[0];
// A test that fails before the last one quits must not leave the engine holding the process (and the suite) open:
// quit as a signal does, without a question.
after(() => {
  if (app.exitCode === undefined) process.emit('SIGTERM');
});

test('the app starts the engine and loads the console from the engine’s own origin', async () => {
  assert.match(consoleUrl, /^http:\/\/127\.0\.0\.1:\d+\/__console\/$/);
  const health = await fetch(`${origin}/health`);
  assert.equal(health.status, 200);
  assert.equal(windows.length, 1);
  assert.deepEqual(errorBoxes, []);
});

test('the window gets the secure web preferences and the bundled preload', () => {
  const prefs = window?.options.webPreferences;
  assert.match(prefs?.preload ?? '', /preload[/\\]index\.cjs$/);
  assert.ok(existsSync(prefs?.preload ?? ''), `the preload is built: ${prefs?.preload}`);
  assert.deepEqual(prefs, secureWebPreferences(prefs?.preload ?? ''));
  assert.equal(window?.options.show, false, 'shown on ready-to-show');
});

test('IPC is registered and answers only the console page', async () => {
  const handler = ipcHandlers.get('desktop:console-connection');
  assert.ok(handler);
  const answer = (await handler({ senderFrame: { url: consoleUrl } })) as { engineUrl: string; token: string };
  assert.equal(answer.engineUrl, origin);
  const control = await fetch(`${origin}/__console/api/server`, {
    headers: { authorization: `Bearer ${answer.token}` },
  });
  assert.notEqual(control.status, 401, 'the token handed over is the engine’s');
  assert.throws(() => handler({ senderFrame: { url: 'https://evil.example/' } }), /refused/);
});

test('navigation is guarded and new windows are denied', () => {
  let prevented = false;
  window?.webContents.emit('will-navigate', { url: 'https://evil.example/', preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);
  assert.deepEqual(window?.webContents.openHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
});

test('the session denies permissions and adds the CSP to console responses', () => {
  let granted: boolean | undefined;
  session.permissionRequest?.(
    ...([{}, 'media', (g: boolean) => (granted = g), { requestingUrl: consoleUrl }] as never[]),
  );
  assert.equal(granted, false);
  let response: unknown;
  session.headers?.({ url: consoleUrl, responseHeaders: {} }, (r) => {
    response = r;
  });
  assert.deepEqual(response, { responseHeaders: { 'Content-Security-Policy': [CONSOLE_CSP] } });
});

test('the menu is set, with the engine’s addresses in Help', () => {
  const help = menuTemplate.find((item) => item.role === 'help');
  const labels = ((help?.submenu ?? []) as MenuItemConstructorOptions[]).map((item) => item.label ?? '');
  assert.ok(labels.some((label) => label.includes(origin)));
  assert.ok(labels.some((label) => label.includes(`${origin.replace('http', 'ws')}/ws`)));
});

test('a second launch focuses the window', () => {
  const before = window?.focused ?? 0;
  app.emit('second-instance', {}, [], '/');
  assert.equal(window?.focused, before + 1);
});

test('closing the window after a change made in the console asks first; Cancel keeps the window and the engine', async () => {
  const connection = ipcHandlers.get('desktop:console-connection');
  assert.ok(connection);
  const { token } = (await connection({ senderFrame: { url: consoleUrl } })) as { token: string };
  const changed = await fetch(`${origin}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ speed: 2 }),
  });
  assert.equal(changed.status, 200);
  nextResponse = 2;
  let prevented = false;
  window?.emit('close', { preventDefault: () => (prevented = true) });
  assert.equal(prevented, true, 'the window stays while the app asks');
  assert.equal(messageBoxes.length, 1);
  assert.match(messageBoxes[0]?.message ?? '', /^Save the workspace “.+” before quitting\?$/);
  assert.deepEqual(messageBoxes[0]?.buttons, ['Save as…', 'Quit without saving', 'Cancel']);
  // The answer comes back through a few promise callbacks.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(app.exitCode, undefined);
  assert.equal((await fetch(`${origin}/health`)).status, 200);
});

test('closing the window saves its place and quits without saving; the engine closes first (clients get 1001)', async () => {
  const client = new WebSocket(`${origin.replace('http', 'ws')}/ws`);
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  nextResponse = 1;
  window?.emit('close', { preventDefault: () => {} });
  assert.equal(messageBoxes.length, 2, 'asked again');
  window?.emit('closed');
  const stateFile = join(userData, 'window-state.json');
  assert.ok(existsSync(stateFile));
  assert.deepEqual(JSON.parse(readFileSync(stateFile, 'utf8')), {
    x: 40,
    y: 50,
    width: 1100,
    height: 700,
    maximized: false,
  });
  app.emit('window-all-closed');
  assert.equal(await closed, 1001);
  assert.equal(await app.exitedNow, 0);
});
