import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_PORT, portArgument, readDesktopSettings } from '../src/main/desktop-settings';

function settingsFile(content?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agui-desktop-settings-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'settings.json');
  if (content !== undefined) writeFileSync(file, content);
  return file;
}

test('no settings file: port 8000, no problem to report', () => {
  assert.deepEqual(readDesktopSettings(settingsFile(), ['electron', '.']), { settings: { port: DEFAULT_PORT } });
  assert.deepEqual(readDesktopSettings(settingsFile(), ['electron', '.', '--port']).settings.port, DEFAULT_PORT);
});

test('the port comes from settings.json', () => {
  assert.deepEqual(readDesktopSettings(settingsFile('{"port": 8765}'), []).settings, { port: 8765 });
});

test('an unreadable or invalid settings file falls back to the defaults and says why', () => {
  const corrupt = readDesktopSettings(settingsFile('{"port": '), []);
  assert.equal(corrupt.settings.port, DEFAULT_PORT);
  assert.match(corrupt.problem ?? '', /settings\.json: .*JSON/);
  const outOfRange = readDesktopSettings(settingsFile('{"port": 70000}'), []);
  assert.equal(outOfRange.settings.port, DEFAULT_PORT);
  assert.match(outOfRange.problem ?? '', /port/);
});

test('a workspace comes from settings.json (relative to it) or --workspace (relative to the working folder)', () => {
  const file = settingsFile('{"workspace": "demo.agui.json"}');
  const fromFile = readDesktopSettings(file, [], '/home/dev/project');
  assert.equal(fromFile.settings.workspace, join(dirname(file), 'demo.agui.json'));
  const fromArgs = readDesktopSettings(file, ['electron', '.', '--workspace', 'mock.agui.json'], '/home/dev/project');
  assert.equal(fromArgs.settings.workspace, join('/home/dev/project', 'mock.agui.json'));
  assert.equal(readDesktopSettings(file, ['--workspace=/abs/w.json']).settings.workspace, '/abs/w.json');
  assert.equal(readDesktopSettings(settingsFile(), []).settings.workspace, undefined, 'none: kept in memory');
});

test('--port on the command line wins over the file, in both spellings; 0 means any free port', () => {
  const file = settingsFile('{"port": 8765}');
  assert.equal(readDesktopSettings(file, ['electron', '.', '--port', '9001']).settings.port, 9001);
  assert.equal(readDesktopSettings(file, ['electron', '.', '--port=0']).settings.port, 0);
  assert.equal(portArgument(['--port', 'abc']), undefined);
  assert.equal(portArgument(['--port', '99999']), undefined);
  assert.equal(portArgument(['--port']), undefined);
  assert.equal(portArgument(['--portable']), undefined);
});
