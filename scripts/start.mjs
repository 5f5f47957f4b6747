// `npm start`: build, then open the desktop app — or, where the Electron binary is missing, run the same
// engine headless and print the console URL to open in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(npx, ['electron-vite', 'build', '--logLevel', 'warn']);
run(process.execPath, ['scripts/build-cli.mjs']);

const binary = electronBinary();
const [command, args] = binary.found
  ? [binary.path, ['.', ...process.argv.slice(2)]]
  : [process.execPath, ['out/cli/agui-mock.js', 'serve', ...process.argv.slice(2)]];
if (!binary.found)
  console.log(
    `Electron is not available here (${binary.reason}) — starting the engine headless; open the console URL below in a browser.`,
  );

const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
