import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import WebSocket from 'ws';
import {
  type AppLifecycle,
  claimSingleInstance,
  type FocusableWindow,
  quitGracefully,
  quitOnSignals,
} from '../src/main/lifecycle';
import { silentLogger, startMockServer } from '../src/server/index';

/** Electron's app as far as the lifecycle uses it: quit() emits before-quit, and quits unless a listener prevents it. */
class FakeApp extends EventEmitter implements AppLifecycle {
  lockAvailable = true;
  quitRequests = 0;
  exited = false;
  private resolveExit!: () => void;
  readonly exitedNow = new Promise<void>((resolve) => {
    this.resolveExit = resolve;
  });
  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }
  quit(): void {
    this.quitRequests++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exit(0);
  }
  exit(_code?: number): void {
    this.exited = true;
    this.resolveExit();
  }
}

class FakeWindow implements FocusableWindow {
  minimized = true;
  visible = false;
  focused = false;
  destroyed = false;
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  isVisible = () => this.visible;
  restore = () => {
    this.minimized = false;
  };
  show = () => {
    this.visible = true;
  };
  focus = () => {
    this.focused = true;
  };
}

test('quitting closes the real engine first: an open WebSocket client gets 1001, then the app exits', async () => {
  const server = await startMockServer({ port: 0, logger: silentLogger });
  const app = new FakeApp();
  const lifecycle = quitGracefully(app, {
    closeEngine: () => server.close(),
    onError: (error) => assert.fail(String(error)),
  });
  const client = new WebSocket(server.wsUrl);
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
  assert.equal(lifecycle.isQuitting(), false);

  app.quit();
  assert.equal(app.exited, false, 'the first quit is held until the engine has closed');
  assert.equal(lifecycle.isQuitting(), true);
  app.quit(); // a second Cmd+Q while closing neither closes twice nor exits early
  assert.equal(app.exited, false);

  assert.equal(await closed, 1001);
  await app.exitedNow;
  const refused = await fetch(`${server.url}/health`).then(
    () => false,
    () => true,
  );
  assert.ok(refused, 'the port is no longer served');
});

test('closing the last window quits through the same graceful path', async () => {
  const app = new FakeApp();
  let closes = 0;
  quitGracefully(app, { closeEngine: async () => void closes++, onError: (error) => assert.fail(String(error)) });
  app.emit('window-all-closed');
  await app.exitedNow;
  assert.equal(closes, 1);
});

test('an engine that never finishes closing does not keep the app from exiting', async () => {
  const app = new FakeApp();
  const errors: unknown[] = [];
  quitGracefully(app, { closeEngine: () => new Promise(() => {}), onError: (e) => errors.push(e), timeoutMs: 20 });
  app.quit();
  await app.exitedNow;
  assert.deepEqual(errors, []);
});

test('a failing engine close is reported and the app still exits', async () => {
  const app = new FakeApp();
  const errors: unknown[] = [];
  quitGracefully(app, { closeEngine: () => Promise.reject(new Error('boom')), onError: (e) => errors.push(e) });
  app.quit();
  await app.exitedNow;
  assert.equal((errors[0] as Error).message, 'boom');
});

test('a second instance brings the first window forward: restored, shown and focused', () => {
  const app = new FakeApp();
  const window = new FakeWindow();
  assert.equal(
    claimSingleInstance(app, () => window),
    true,
  );
  app.emit('second-instance', {}, ['electron', '.'], '/');
  assert.deepEqual([window.minimized, window.visible, window.focused], [false, true, true]);
});

test('a second instance before the window exists, or after it closed, does not throw', () => {
  const app = new FakeApp();
  let window: FakeWindow | undefined;
  claimSingleInstance(app, () => window);
  app.emit('second-instance');
  window = new FakeWindow();
  window.destroyed = true;
  app.emit('second-instance');
  assert.equal(window.focused, false);
});

test('the process that does not get the lock quits at once', () => {
  const app = new FakeApp();
  app.lockAvailable = false;
  assert.equal(
    claimSingleInstance(app, () => undefined),
    false,
  );
  assert.equal(app.quitRequests, 1);
  assert.equal(app.listenerCount('second-instance'), 0);
});

test('SIGINT and SIGTERM quit the app the graceful way', async () => {
  const signals = new EventEmitter();
  let quits = 0;
  quitOnSignals(signals, () => quits++);
  signals.emit('SIGTERM');
  assert.equal(quits, 1);
  signals.emit('SIGINT');
  await settled();
  assert.equal(quits, 2);
});

test('Ctrl+C keeps what it must before quitting, once; SIGTERM keeps nothing; a failed keep still quits', async () => {
  const signals = new EventEmitter();
  const events: string[] = [];
  let kept: () => void = () => assert.fail('not keeping');
  quitOnSignals(
    signals,
    () => events.push('quit'),
    () => {
      events.push('keep');
      return new Promise<void>((resolve) => {
        kept = resolve;
      });
    },
  );
  signals.emit('SIGTERM');
  assert.deepEqual(events, ['quit'], 'a service manager stops it without keeping anything');
  signals.emit('SIGINT');
  await settled();
  assert.deepEqual(events, ['quit', 'keep'], 'not quit while keeping');
  kept();
  await settled();
  assert.deepEqual(events, ['quit', 'keep', 'quit']);
  signals.emit('SIGINT');
  assert.deepEqual(events, ['quit', 'keep', 'quit', 'quit'], 'a second Ctrl+C quits at once');

  const failing = new EventEmitter();
  let quits = 0;
  quitOnSignals(
    failing,
    () => quits++,
    () => Promise.reject(new Error('the disk is full')),
  );
  failing.emit('SIGINT');
  await settled();
  assert.equal(quits, 1);
});

/** Lets the promise callbacks queued so far run (the lifecycle's answer to a question is a few of them). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

test('quitting asks first: staying keeps the app and its engine running; asked again and confirmed, it quits', async () => {
  const app = new FakeApp();
  let asked = 0;
  let closes = 0;
  let answer: (quit: boolean) => void = () => assert.fail('not asked yet');
  const lifecycle = quitGracefully(app, {
    confirmQuit: () => {
      asked++;
      return new Promise<boolean>((resolve) => {
        answer = resolve;
      });
    },
    closeEngine: async () => void closes++,
    onError: (error) => assert.fail(String(error)),
  });
  app.quit();
  app.emit('window-all-closed');
  assert.equal(asked, 1, 'asked once while the question is open');
  assert.equal(lifecycle.isQuitting(), false);
  answer(false);
  await settled();
  assert.deepEqual([closes, app.exited, lifecycle.isQuitting()], [0, false, false]);

  app.quit();
  assert.equal(asked, 2);
  answer(true);
  await app.exitedNow;
  assert.equal(closes, 1);
});

test('a signal quits without asking; a question that fails is reported and does not keep the app from quitting', async () => {
  const signalled = new FakeApp();
  let asked = 0;
  const { quitWithoutAsking } = quitGracefully(signalled, {
    confirmQuit: async () => {
      asked++;
      return false;
    },
    closeEngine: async () => {},
    onError: (error) => assert.fail(String(error)),
  });
  quitWithoutAsking();
  await signalled.exitedNow;
  assert.equal(asked, 0);

  const failing = new FakeApp();
  const errors: unknown[] = [];
  quitGracefully(failing, {
    confirmQuit: () => Promise.reject(new Error('no dialog')),
    closeEngine: async () => {},
    onError: (error) => errors.push(error),
  });
  failing.quit();
  await failing.exitedNow;
  assert.equal((errors[0] as Error).message, 'no dialog');
});
