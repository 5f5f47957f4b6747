import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { RenderProcessGoneDetails } from 'electron';
import { askReloadAfterCrash, type Dialogs, describeError } from '../src/main/dialogs';
import { reportRendererCrash, reportUncaughtErrors } from '../src/main/error-reports';

class FakeContents extends EventEmitter {
  reloads = 0;
  destroyed = false;
  reload() {
    this.reloads++;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

function dialogAnswering(response: number) {
  const asked: string[] = [];
  const dialogs: Dialogs = {
    showMessageBox: async (options) => {
      asked.push(`${options.message} | ${options.detail} | ${options.buttons?.join('/')}`);
      return { response, checkboxChecked: false };
    },
    showErrorBox: () => {},
  };
  return { dialogs, asked };
}

const crashed: RenderProcessGoneDetails = { reason: 'crashed', exitCode: 139 };
const tick = () => new Promise((resolve) => setImmediate(resolve));

function watched(response: number, quitting = false) {
  const contents = new FakeContents();
  const { dialogs, asked } = dialogAnswering(response);
  let quits = 0;
  reportRendererCrash(contents, {
    ask: (details) => askReloadAfterCrash(dialogs, details),
    quit: () => quits++,
    isQuitting: () => quitting,
  });
  return { contents, asked, quits: () => quits };
}

test('a crashed console is reported in a dialog; "Reload" reloads it', async () => {
  const { contents, asked, quits } = watched(0);
  contents.emit('render-process-gone', {}, crashed);
  await tick();
  assert.equal(asked.length, 1);
  assert.match(asked[0] ?? '', /stopped working \| Reason: crashed \(exit code 139\).* \| Reload\/Quit/);
  assert.equal(contents.reloads, 1);
  assert.equal(quits(), 0);
});

test('"Quit" in the crash dialog quits the app', async () => {
  const { contents, quits } = watched(1);
  contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
  await tick();
  assert.equal(contents.reloads, 0);
  assert.equal(quits(), 1);
});

test('a clean exit, or any exit while the app quits, is not a crash', async () => {
  const clean = watched(0);
  clean.contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
  const quitting = watched(0, true);
  quitting.contents.emit('render-process-gone', {}, crashed);
  await tick();
  assert.deepEqual([clean.asked.length, quitting.asked.length], [0, 0]);
});

test('a window destroyed while the dialog was open is not reloaded', async () => {
  const { contents } = watched(0);
  contents.emit('render-process-gone', {}, crashed);
  contents.destroyed = true;
  await tick();
  assert.equal(contents.reloads, 0);
});

test('uncaught exceptions and unhandled rejections in main are reported', () => {
  const fakeProcess = new EventEmitter();
  const reports: string[] = [];
  reportUncaughtErrors(fakeProcess, (title, error) => reports.push(`${title}: ${(error as Error).message ?? error}`));
  fakeProcess.emit('uncaughtException', new Error('kaput'));
  fakeProcess.emit('unhandledRejection', new Error('nobody caught me'));
  assert.deepEqual(reports, [
    'Unexpected error in AG-UI Mock Console: kaput',
    'Unhandled promise rejection in AG-UI Mock Console: nobody caught me',
  ]);
  assert.match(describeError(new Error('x')), /^Error: x\n\s+at /);
  assert.equal(describeError('plain'), 'plain');
});
