import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mainWindowOptions, secureWebPreferences } from '../src/main/window-options';
import {
  isOnScreen,
  type PlacedWindow,
  type Rect,
  rememberWindowState,
  restoredPlacement,
  type WindowState,
} from '../src/main/window-state';
import { readWindowState, writeWindowState } from '../src/main/window-state-store';
import { eventually } from './helpers/wait';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agui-window-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const PRIMARY: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const SECOND: Rect = { x: 1920, y: 0, width: 1280, height: 1024 };
const SAVED: WindowState = { x: 100, y: 80, width: 1200, height: 800, maximized: false };

test('web preferences follow the Electron security checklist', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');
  assert.equal(prefs.preload, '/app/out/preload/index.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.experimentalFeatures, false);
});

test('window options carry the secure preferences, start hidden, and take restored bounds', () => {
  const options = mainWindowOptions('/p.cjs', { x: 10, y: 20, width: 1000, height: 700 });
  assert.deepEqual(options.webPreferences, secureWebPreferences('/p.cjs'));
  assert.equal(options.show, false);
  assert.deepEqual([options.x, options.y, options.width, options.height], [10, 20, 1000, 700]);
  assert.equal(mainWindowOptions('/p.cjs', {}, '/icon.png').icon, '/icon.png');
  const fresh = mainWindowOptions('/p.cjs');
  assert.equal(fresh.x, undefined, 'no position: Electron centres the window');
  assert.ok((fresh.width ?? 0) > 0 && (fresh.height ?? 0) > 0);
});

test('the saved place is restored only when the title bar is on a display', () => {
  assert.deepEqual(restoredPlacement(SAVED, [PRIMARY]), {
    bounds: { x: 100, y: 80, width: 1200, height: 800 },
    maximized: false,
  });
  const onSecond = { ...SAVED, x: 2000, maximized: true };
  assert.deepEqual(restoredPlacement(onSecond, [PRIMARY, SECOND]).maximized, true);
  // The second monitor was unplugged since: open at the default place instead.
  assert.deepEqual(restoredPlacement(onSecond, [PRIMARY]), { bounds: {}, maximized: false });
  assert.deepEqual(restoredPlacement(undefined, [PRIMARY]), { bounds: {}, maximized: false });
});

test('on screen means a grabbable strip of the title bar inside a work area', () => {
  assert.equal(isOnScreen({ x: -1100, y: 10, width: 1200, height: 800 }, [PRIMARY]), true, '100 px still showing');
  assert.equal(isOnScreen({ x: -1150, y: 10, width: 1200, height: 800 }, [PRIMARY]), false, 'only 50 px');
  assert.equal(isOnScreen({ x: 100, y: -20, width: 1200, height: 800 }, [PRIMARY]), false, 'title bar above');
  assert.equal(isOnScreen({ x: 100, y: 1030, width: 1200, height: 800 }, [PRIMARY]), false, 'below the bottom');
  assert.equal(isOnScreen({ x: 5000, y: 100, width: 800, height: 600 }, [PRIMARY, SECOND]), false);
  assert.equal(isOnScreen(SAVED, []), false, 'no displays: nowhere is visible');
});

test('window state is written to a temp file and renamed over the target, leaving no temp behind', (t) => {
  const dir = tempDir();
  const file = join(dir, 'window-state.json');
  const renames: [string, string][] = [];
  const rename = fs.renameSync;
  t.mock.method(fs, 'renameSync', (from: string, to: string) => {
    renames.push([from, to]);
    assert.deepEqual(JSON.parse(fs.readFileSync(from, 'utf8')), SAVED, 'the temp file is complete before the rename');
    rename(from, to);
  });
  syncBuiltinESMExports(); // the module under test imports renameSync by name
  try {
    writeWindowState(file, SAVED);
  } finally {
    t.mock.restoreAll();
    syncBuiltinESMExports();
  }
  assert.equal(renames.length, 1);
  assert.match(renames[0]?.[0] ?? '', /window-state\.json\.\d+\.tmp$/);
  assert.equal(renames[0]?.[1], file);
  assert.deepEqual(readdirSync(dir), ['window-state.json']);
  assert.deepEqual(readWindowState(file), SAVED);
});

test('a write that fails leaves the previous file whole and no temp file', () => {
  const dir = tempDir();
  const file = join(dir, 'window-state.json');
  writeWindowState(file, SAVED);
  // A directory where the temp file should go makes the write fail half-way.
  mkdirSync(`${file}.${process.pid}.tmp`);
  assert.throws(() => writeWindowState(file, { ...SAVED, x: 999 }));
  assert.deepEqual(readWindowState(file), SAVED);
  writeWindowState(join(dir, 'nested', 'deeper', 'state.json'), SAVED);
  assert.ok(existsSync(join(dir, 'nested', 'deeper', 'state.json')), 'missing folders are created');
});

test('missing, corrupt or nonsensical state files read as no state', () => {
  const dir = tempDir();
  assert.equal(readWindowState(join(dir, 'none.json')), undefined);
  const corrupt = join(dir, 'corrupt.json');
  writeFileSync(corrupt, '{"x": 1, "y"');
  assert.equal(readWindowState(corrupt), undefined);
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ ...SAVED, width: -5 }));
  assert.equal(readWindowState(wrong), undefined);
});

class FakePlacedWindow extends EventEmitter implements PlacedWindow {
  bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
  maximized = false;
  destroyed = false;
  getNormalBounds = () => ({ ...this.bounds });
  isMaximized = () => this.maximized;
  isDestroyed = () => this.destroyed;
}

test('moves are saved once the window stops moving, and again as it closes', async () => {
  const window = new FakePlacedWindow();
  const saved: WindowState[] = [];
  rememberWindowState(window, (state) => saved.push(state), 20);
  window.emit('move');
  window.bounds = { ...window.bounds, x: 50 };
  window.emit('move');
  window.emit('resize');
  assert.equal(saved.length, 0, 'not while moving');
  await eventually(() => saved.length > 0, 'the save once the window stopped moving');
  assert.deepEqual(saved, [{ x: 50, y: 20, width: 1000, height: 700, maximized: false }]);
  window.maximized = true;
  window.emit('maximize');
  window.emit('close');
  assert.equal(saved.length, 2, 'close saves at once and cancels the pending save');
  assert.equal(saved[1]?.maximized, true);
  // A negative check: the cancelled save (due 20 ms after the last move) does not come, however long one waits.
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(saved.length, 2);
});
