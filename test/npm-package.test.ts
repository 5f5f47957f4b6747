// The npm package as a frontend project gets it: `npm pack`, then the Dockerfile's own steps on this machine — the
// tarball installed into an empty project with `npm install --omit=dev`, `agui-mock serve --host 0.0.0.0` from its
// PATH — then the CLI through `npx`, and the programmatic API from a test file (docs/testing-with-agui-mock.md's).
// The install is offline: the project gets a lockfile made from this repository's (the package's dependencies at
// the versions `npm ci` put in the npm cache), so it needs the cache `npm ci` filled and no registry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { networkInterfaces, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WORKSPACE_TEMPLATES } from '../src/shared/workspace';
import { buildCli, type CliRun, runCommand } from './helpers/cli-process';

const REPO = resolve('.');
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** What the package may contain: the built engine, CLI, console and resources (npm adds README and LICENSE). */
const PACKAGE_FILES =
  /^(out\/cli\/agui-mock\.js|out\/lib\/[^/]+\.js|out\/lib\/types\/.+\.d\.ts|out\/renderer\/.+|resources\/workspace\.schema\.json|resources\/mock-documents\/.+|package\.json|README\.md|LICENSE)$/;
/**
 * What the package cannot work without: the bin, the library, its worker and types, the console, the schema, and the
 * licence text its manifest's MIT licence requires to ship with it.
 */
const NEEDED_FILES = [
  manifest.bin['agui-mock'],
  'out/lib/index.js',
  'out/lib/openapi-import-worker.js',
  'out/lib/types/lib/index.d.ts',
  'out/renderer/index.html',
  'resources/workspace.schema.json',
  'LICENSE',
];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a generous limit, since the machine may be busy. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<Result>((done, fail) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

async function succeed(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = await run(command, args, options);
  assert.equal(result.code, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The Dockerfile's instructions, in order: `RUN …` with its BuildKit flags left out, the JSON forms parsed. */
function dockerfile() {
  const lines = readFileSync('Dockerfile', 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const all = (keyword: string) =>
    lines.filter((line) => line.startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1).trim());
  const one = (keyword: string) => {
    const found = all(keyword);
    assert.equal(found.length, 1, `the Dockerfile has one ${keyword}`);
    return found[0] as string;
  };
  return {
    from: one('FROM'),
    workdirs: all('WORKDIR'),
    copy: one('COPY').split(/\s+/),
    run: one('RUN').replace(/^(--\S+\s+)+/, ''),
    env: one('ENV'),
    user: one('USER'),
    entrypoint: JSON.parse(one('ENTRYPOINT')) as string[],
    cmd: JSON.parse(one('CMD')) as string[],
  };
}

/** The project's lockfile: the package from its tarball, its dependencies as this repository's lockfile has them. */
function projectLockfile(tarball: string) {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  const packages: Record<string, { hasInstallScript?: boolean; [field: string]: unknown }> = {
    '': { dependencies: { [manifest.name]: tarball } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: tarball,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [path, entry] of Object.entries<{ dev?: boolean; devOptional?: boolean; hasInstallScript?: boolean }>(
    lock.packages,
  )) {
    if (path && !entry.dev && !entry.devOptional) packages[path] = entry;
  }
  return { lockfileVersion: 3, requires: true, packages };
}

const docker = dockerfile();
let root: string;
let project: string; // the Dockerfile's first WORKDIR: where the package is installed
let home: string; // its last WORKDIR: where `agui-mock serve` runs
let packed: { filename: string; size: number; files: { path: string }[] };
let install: Result;
const running: CliRun[] = [];

before(async () => {
  // The bundles are quick to make; the console and the type declarations are made by `npm run build` (and by
  // `npm test` before any test runs).
  buildCli();
  for (const built of ['out/renderer/index.html', 'out/lib/types/lib/index.d.ts'])
    assert.ok(existsSync(built), `${built} is missing: run npm run build first`);
  root = await mkdtemp(join(tmpdir(), 'agui-mock-package-'));
  const inRoot = (path: string) => join(root, path);
  [project, home] = [inRoot(docker.workdirs[0] ?? ''), inRoot(docker.workdirs.at(-1) ?? '')];
  await mkdir(project, { recursive: true });
  await mkdir(home, { recursive: true });

  // The package as this run built it: packing's own build (prepack) would rebuild out/ under the tests that serve
  // it, so it is tested on a copy of the checkout below.
  const pack = await succeed(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', project]);
  [packed] = JSON.parse(pack.stdout);

  // COPY agui-mock-*.tgz ./ — the build context is the packed file alone; then an empty project's package.json
  // and the lockfile that keeps the install offline.
  assert.deepEqual(docker.copy, [`${manifest.name}-*.tgz`, './']);
  const tarball = `file:${packed.filename}`;
  await writeFile(join(project, 'package.json'), JSON.stringify({ dependencies: { [manifest.name]: tarball } }));
  await writeFile(join(project, 'package-lock.json'), JSON.stringify(projectLockfile(tarball)));
  // RUN: npm install of the packed file (what a frontend project does), here from the npm cache alone.
  install = await succeed('sh', ['-c', docker.run], {
    cwd: project,
    env: { ...process.env, npm_config_offline: 'true', npm_config_loglevel: 'warn' },
  });
});

after(async () => {
  for (const cli of running) cli.child.kill('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

// Each test uses the installed project on its own: they run side by side.
describe('the packed package', { concurrency: true }, () => {
  test('the package holds the built engine, CLI, console and resources, and nothing else', () => {
    const paths = packed.files.map((file) => file.path);
    for (const path of paths) assert.match(path, PACKAGE_FILES);
    for (const needed of NEEDED_FILES) assert.ok(paths.includes(needed), `${needed} is in the package`);
    assert.deepEqual(
      Object.keys(manifest.scripts).filter((name) => /^(pre|post)?install$|^prepare$/.test(name)),
      [],
    );
    const withScripts = Object.entries(projectLockfile('file:x.tgz').packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path);
    assert.deepEqual(withScripts, [], 'no dependency runs an install script');
    for (const name of ['electron', 'electron-vite', 'react', 'react-dom', 'vite', 'esbuild', 'typescript', 'tsx'])
      assert.ok(!(name in manifest.dependencies), `${name} is not a runtime dependency`);

    const [, stated] = readFileSync('README.md', 'utf8').match(/package is (\d+) kB/) ?? [];
    assert.ok(stated, 'the README states the package size ("package is N kB")');
    const actual = packed.size / 1000;
    assert.ok(Math.abs(Number(stated) - actual) <= actual * 0.2, `the README says ${stated} kB; it is ${actual} kB`);
  });

  test('npm pack in a checkout with nothing built builds the package first, and its --json stays JSON', async () => {
    const checkout = join(root, 'checkout');
    const listed = await succeed('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    const sources = listed.stdout.split('\0').filter((path) => path && existsSync(path));
    for (const path of sources) await cp(path, join(checkout, path));
    await symlink(join(REPO, 'node_modules'), join(checkout, 'node_modules'), 'junction');
    assert.ok(!existsSync(join(checkout, 'out')), 'the copy has nothing built');
    const pack = await succeed(npm, ['pack', '--dry-run', '--json'], { cwd: checkout });
    const paths = (JSON.parse(pack.stdout) as (typeof packed)[]).flatMap((made) => made.files.map((file) => file.path));
    for (const path of paths) assert.match(path, PACKAGE_FILES);
    for (const needed of NEEDED_FILES) assert.ok(paths.includes(needed), `${needed} is in the package`);
  });

  test("the Dockerfile's steps install it, offline and without a warning, and serve it as a plain user", async () => {
    assert.match(docker.from, /^node:20[\w.-]*-slim$/);
    assert.notEqual(docker.user, 'root');
    assert.match(docker.run, /^npm install --omit=dev /);
    assert.doesNotMatch(`${install.stdout}${install.stderr}`, /warn|EBADENGINE|deprecated/i);
    assert.deepEqual(
      (await readdir(project)).filter((file) => file.endsWith('.tgz')),
      [],
      'the tarball is gone from the image',
    );
    assert.ok(!existsSync(join(project, 'node_modules', 'electron')), 'no Electron');

    // ENV PATH=…/node_modules/.bin:$PATH, then ENTRYPOINT + CMD from the home folder (on a free port here).
    const [, binFolder] = docker.env.match(/^PATH=([^:]+):\$PATH$/) ?? [];
    assert.ok(binFolder, 'the Dockerfile puts the package on PATH');
    const env = { ...process.env, PATH: `${join(root, binFolder)}${delimiter}${process.env.PATH}` };
    const [command = '', ...args] = [...docker.entrypoint, ...docker.cmd];
    assert.deepEqual(args, ['serve', '--host', '0.0.0.0']);
    const serve = runCommand(command, [...args, '--port', '0', '--token', 'package-test'], { cwd: home, env });
    running.push(serve);
    const [, port] = await serve.waitFor(/HTTP\s+http:\/\/[\d.]+:(\d+)/, 90_000);
    const url = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${url}/health`)).status, 200);
    // The healthcheck docs/docker.md gives.
    assert.deepEqual(await (await fetch(`${url}/__console/health`)).json(), { status: 'ok' });
    // Every interface, as a container needs: reached on this machine's own address too, where it has one.
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === 'IPv4' && !address.internal);
    if (outside) assert.equal((await fetch(`http://${outside.address}:${port}/health`)).status, 200);
    const page = await fetch(`${url}/__console/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const [, script] = html.match(/<script[^>]+src="([^"]+)"/) ?? [];
    assert.ok(script, 'the console page loads its script');
    assert.equal((await fetch(new URL(script, `${url}/__console/`))).status, 200, 'the console script is served');
    // The console's OpenAPI import runs on a worker thread, from the installed package's own script.
    const imported = await fetch(`${url}/__console/api/routes/import-openapi`, {
      method: 'POST',
      headers: { authorization: 'Bearer package-test', 'content-type': 'application/json' },
      body: JSON.stringify({ document: readFileSync(join(REPO, 'test/fixtures/openapi/bookshop-3.0.yaml'), 'utf8') }),
    });
    assert.equal(imported.status, 200, await imported.clone().text());
    assert.ok(((await imported.json()) as { added: string[] }).added.length > 0, 'routes were imported');
    serve.child.kill('SIGTERM');
    assert.deepEqual(await serve.exited(), { code: 0, signal: null });
  });

  test('npx agui-mock --version; the installed bin: init and validate with every template, import-openapi', async () => {
    // npx finds the installed bin; the rest runs that bin as npx would, without npm's start-up for every command.
    assert.equal(
      (await succeed(npx, ['--offline', 'agui-mock', '--version'], { cwd: project })).stdout.trim(),
      manifest.version,
    );
    const bin = join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'agui-mock.cmd' : 'agui-mock');
    const agui = (...args: string[]) => succeed(bin, args, { cwd: project });
    const spec = join(REPO, 'test/fixtures/openapi/bookshop-3.0.yaml');
    await Promise.all(
      WORKSPACE_TEMPLATES.map(async (template) => {
        const file = `${template}.agui.json`;
        assert.match((await agui('init', file, '--template', template)).stdout, new RegExp(`created ${file}`));
        assert.match((await agui('validate', file)).stdout, /valid workspace/);
      }),
    );
    assert.match((await agui('import-openapi', spec, '--into', 'blank.agui.json')).stdout, /route\(s\) added/);
    assert.match((await agui('validate', 'blank.agui.json')).stdout, /valid workspace/);
    // The JSON Schema a workspace names (for editors) is the installed package's.
    const { $schema } = JSON.parse(readFileSync(join(project, 'generic.agui.json'), 'utf8'));
    assert.ok(existsSync(resolve(project, $schema)), `${$schema} exists`);
  });

  test("docs/testing-with-agui-mock.md's test file type-checks and passes against the installed package", async () => {
    const [, example] = readFileSync('docs/testing-with-agui-mock.md', 'utf8').match(/```ts\n([\s\S]*?)```/) ?? [];
    assert.ok(example, 'the doc has a TypeScript example');
    await writeFile(join(project, 'chat.test.ts'), example);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          // The example is checked against the package's types; checking the dependencies' own .d.ts files too
          // would take ten times as long (build-declarations.mjs emits ours from a type-checked program).
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules/@types')],
        },
        files: ['chat.test.ts'],
      }),
    );
    const require = createRequire(import.meta.url);
    const tsc = require.resolve('typescript/bin/tsc');
    const tsx = import.meta.resolve('tsx');
    const [typecheck, testRun] = await Promise.all([
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }),
      // Without this runner's NODE_TEST_CONTEXT, which would make the example report to it instead of printing.
      run(process.execPath, ['--import', tsx, '--test', 'chat.test.ts'], {
        cwd: project,
        env: { ...process.env, NODE_TEST_CONTEXT: undefined },
      }),
    ]);
    assert.equal(typecheck.code, 0, `tsc:\n${typecheck.stdout}${typecheck.stderr}`);
    assert.equal(testRun.code, 0, `the example's tests:\n${testRun.stdout}${testRun.stderr}`);
    assert.match(testRun.stdout, /# pass 3/);
  });
});
