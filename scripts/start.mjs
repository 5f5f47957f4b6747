// `npm start`: build, then open the desktop app — or, where the Electron binary is missing, run the same
// engine headless and print the console URL to open in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { electronBinary } from './electron-binary.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(npx, ['electron-vite', 'build', '--logLevel', 'warn']);
run(process.execPath, ['scripts/build-bundles.mjs']);

// Electron starts what a folder's package.json names in "main". The repository's names the npm package's
// library, so the app gets a manifest of its own (installers get the same from electron-builder.yml's
// extraMetadata); its name keeps the app's settings folder where it has always been.
const APP_DIR = 'out/desktop';
function writeDesktopManifest() {
  const { version, description } = JSON.parse(readFileSync('package.json', 'utf8'));
  const manifest = { name: 'agui-mock-console', version, description, private: true, main: '../main/index.js' };
  mkdirSync(APP_DIR, { recursive: true });
  writeFileSync(`${APP_DIR}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

const binary = electronBinary();
if (binary.found) writeDesktopManifest();
const [command, args] = binary.found
  ? [binary.path, [APP_DIR, ...process.argv.slice(2)]]
  : [process.execPath, ['out/cli/agui-mock.js', 'serve', ...process.argv.slice(2)]];
if (!binary.found)
  console.log(
    `Electron is not available here (${binary.reason}) — starting the engine headless; open the console URL below in a browser.`,
  );

const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
