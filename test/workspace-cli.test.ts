import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { agoraSeed } from '../src/server/packs/agora/store/agora-seed';
import { agoraData, agoraStore } from './helpers/agora';
import { buildCli, CLI, type CliResult, type CliRun, runCli, runCommand } from './helpers/cli-process';
import { LARGE_WORLD_LIMITS, recordRuns } from './helpers/large-world';
import { loopHoldUpDuring } from './helpers/loop-delay';
import { RawSocket } from './helpers/raw-socket';
import { inTerminal } from './helpers/terminal-session';
import { readJson, startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// `agui-mock serve --workspace`, `init` and `validate`, run as the real bin file.

const dir = await workspaceDir();
const env = { ...process.env, AGUI_MOCK_CONFIG_DIR: dir };
const running: CliRun[] = [];

before(() => buildCli());
after(() => {
  for (const run of running) run.child.kill('SIGKILL');
});

/** A command run to its end. Awaited, not run with spawnSync: steps that do not depend on each other run at once. */
function cli(args: string[]): Promise<CliResult> {
  return runCli(args, env).finished();
}

/** The CLI with a file size limit (`ulimit -f`), so a write is cut short as a full disk would cut it. */
function cliWithFileLimit(blocks: number, args: string[]): Promise<CliResult> {
  const limited = `ulimit -f ${blocks} && exec "$0" "$@"`;
  return runCommand('bash', ['-c', limited, process.execPath, CLI, ...args], { env }).finished();
}

function serve(args: string[]): CliRun {
  const run = runCli(['serve', '--port', '0', '--quiet', ...args], env);
  running.push(run);
  return run;
}

test('init writes a workspace from a template and never overwrites one', async () => {
  const file = join(dir, 'mock.agui.json');
  const generic = join(dir, 'generic.agui.json');
  const blank = join(dir, 'blank.agui.json');
  // Each into a file of its own (or none): run at once.
  const [created, folder, genericMade, wrong, made] = await Promise.all([
    cli(['init', file]),
    cli(['init', dir]),
    cli(['init', generic, '--template', 'generic']),
    cli(['init', join(dir, 'x.json'), '--template', 'nope']),
    cli(['init', blank, '--template', 'blank']),
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(
    created.stdout,
    /created .*mock\.agui\.json from the agora template: 1 agent, 4 scenarios; pack agora-mock \(3 users, 4 sessions\)/,
  );
  const workspace = await readJson(file);
  assert.equal(workspace.version, 2);

  const before = await readFile(file, 'utf8');
  const again = await cli(['init', file, '--template', 'generic']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists; it was left as it is/);
  assert.equal(await readFile(file, 'utf8'), before);
  // A folder given for the file: said so, with a file to name in it (it was "the file already exists").
  assert.equal(folder.code, 1);
  assert.equal(
    folder.stderr,
    `agui-mock: ${dir}: the path is a folder: name a workspace file, e.g. ${join(dir, 'mock.agui.json')}\n`,
  );

  assert.equal(genericMade.code, 0, genericMade.stderr);
  assert.equal(((await readJson(generic)).scenarios as { id: string }[])[0]?.id, 'demo-tool-call');
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--template must be one of blank, generic, dojo, agora/);

  assert.equal(made.code, 0);
  assert.match(made.stdout, /from the blank template: 1 route, 0 scenarios\n/);
  const document = await readJson(blank);
  assert.deepEqual(document.packs, [], 'no pack: only the routes exist');
});

test("init names the project's installed JSON Schema in $schema, and no path of this machine's anywhere else", async () => {
  // A project with agui-mock installed (its schema is all `$schema` needs); this CLI runs from elsewhere, as a global
  // install, npx's cache or a checkout would.
  const project = join(dir, 'schema-project');
  await mkdir(join(project, 'node_modules/agui-mock/resources'), { recursive: true });
  await writeFile(join(project, 'node_modules/agui-mock/resources/workspace.schema.json'), '{}');
  await mkdir(join(project, 'mocks'));
  // No install at or above the file: no `$schema` (the running copy's is where this machine has it), and one line
  // says how to get completion: the path is from the file to its project's (the folder with package.json) install.
  const other = join(dir, 'schema-elsewhere');
  await mkdir(join(other, 'mocks'), { recursive: true });
  await writeFile(join(other, 'package.json'), '{}');
  const [inProject, outside] = await Promise.all([
    cli(['init', join(project, 'mocks', 'shop.agui.json')]),
    cli(['init', join(other, 'mocks', 'shop.agui.json')]),
  ]);
  assert.equal(inProject.code, 0, inProject.stderr);
  assert.equal(
    (await readJson(join(project, 'mocks', 'shop.agui.json'))).$schema,
    '../node_modules/agui-mock/resources/workspace.schema.json',
  );
  assert.doesNotMatch(inProject.stdout, /editor completion/);

  assert.equal(outside.code, 0, outside.stderr);
  const written = await readFile(join(other, 'mocks', 'shop.agui.json'), 'utf8');
  assert.equal(JSON.parse(written).$schema, undefined);
  assert.doesNotMatch(written, /workspace\.schema\.json/);
  assert.match(
    outside.stdout,
    /^for editor completion, install agui-mock in the project \(npm install --save-dev agui-mock\) and add "\$schema": "\.\.\/node_modules\/agui-mock\/resources\/workspace\.schema\.json" to the file$/m,
  );
});

test('init names the workspace after any file name it can hold, and writes it whole or not at all', async () => {
  // A name is one line of at most 200 characters; a file name may be longer or hold a line break.
  const long = join(dir, `${'b'.repeat(210)}.json`);
  const broken = join(dir, 'two\nlines.agui.json');
  // A write the system cuts short (here a file size limit; a full disk alike) leaves no truncated file behind.
  const cut = join(dir, 'cut.agui.json');
  const [created, brokenMade, limited] = await Promise.all([
    cli(['init', long, '--template', 'blank']),
    cli(['init', broken, '--template', 'blank']),
    cliWithFileLimit(4, ['init', cut]),
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((await readJson(long)).name, 'b'.repeat(200));
  assert.equal(brokenMade.code, 0, brokenMade.stderr);
  assert.equal((await readJson(broken)).name, 'twolines');

  assert.equal(limited.code, 1, limited.stderr);
  assert.match(limited.stderr, /could not create the file \(EFBIG: file too large/);
  await assert.rejects(readFile(cut), { code: 'ENOENT' });
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.startsWith('.cut.agui.json.')),
    [],
    'nor its temp file',
  );
  assert.equal((await cli(['init', cut])).code, 0, 'the name is free for the next try');
});

test('init makes the missing folders of its file, as serve --workspace does, and only those', async () => {
  const file = join(dir, 'made', 'for', 'it', 'mock.agui.json');
  // The write refused after its folders were made (a file size limit; a full disk alike): exactly those go again,
  // and the folder that was there stays.
  await mkdir(join(dir, 'was-there'));
  const refused = join(dir, 'was-there', 'new', 'deeper', 'cut.agui.json');
  const [created, limited] = await Promise.all([
    cli(['init', file, '--template', 'blank']),
    cliWithFileLimit(4, ['init', refused]),
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((await readJson(file)).name, 'mock');

  assert.equal(limited.code, 1, limited.stderr);
  assert.match(limited.stderr, /could not create the file \(EFBIG: file too large/);
  assert.deepEqual(await readdir(join(dir, 'was-there')), []);
});

test('init --template fastapi-tutorial and serve --template echo: the two classic servers, from the bin file', async () => {
  const fastapiTutorial = async () => {
    const file = join(dir, 'tutorial.agui.json');
    const made = await cli(['init', file, '--template', 'fastapi-tutorial']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /from the fastapi-tutorial template: 5 routes, 3 sockets, 0 scenarios\n/);
    const tutorial = serve(['--workspace', file]);
    await tutorial.waitFor(/Console/, 60_000);
    const [, tutorialUrl] = tutorial.stdout().match(/HTTP\s+(\S+)/) ?? [];
    assert.deepEqual(await (await fetch(`${tutorialUrl}/items/1`)).json(), { item_id: 1, name: 'The One Item' });
    const echoed = await RawSocket.open(`${String(tutorialUrl).replace('http', 'ws')}/ws/echo`);
    echoed.send('hi');
    await echoed.waitForFrames(1);
    assert.deepEqual(echoed.texts, ['Echo: hi']);
    await echoed.close();
  };
  const echoTemplate = async () => {
    const echo = serve(['--template', 'echo']);
    await echo.waitFor(/Console/, 60_000);
    const [, echoUrl] = echo.stdout().match(/HTTP\s+(\S+)/) ?? [];
    const client = await RawSocket.open(`${String(echoUrl).replace('http', 'ws')}/`);
    client.send('Hello, world!');
    await client.waitForFrames(1);
    assert.deepEqual(client.texts, ['Server echoes: Hello, world!']);
    await client.close();
  };
  // Two servers on ports of their own: started at once.
  await Promise.all([fastapiTutorial(), echoTemplate()]);
});

test('init without FILE writes mock.agui.json in the current folder', async () => {
  const folder = join(dir, 'project');
  await mkdir(folder);
  const result = await runCommand(process.execPath, [join(process.cwd(), CLI), 'init'], {
    cwd: folder,
    env,
  }).finished();
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^created mock\.agui\.json from the agora template/);
  assert.match(result.stdout, /^run it with: agui-mock serve --workspace mock\.agui\.json$/m);
  assert.equal((await readJson(join(folder, 'mock.agui.json'))).name, 'mock');
});

test("init's command to run it is one a shell reads back: a name with a space or $(…) is quoted", async () => {
  const files = ['my shop.agui.json', '$(id).agui.json', "it's.agui.json"].map((name) => join(dir, name));
  const results = await Promise.all(files.map((file) => cli(['init', file])));
  for (const [index, result] of results.entries()) {
    assert.equal(result.code, 0, result.stderr);
    const [, word = ''] = /^run it with: agui-mock serve --workspace (.+)$/m.exec(result.stdout) ?? [];
    // What sh makes of the printed word is the file's name, nothing run.
    const echoed = spawnSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' });
    assert.equal(echoed.stdout, files[index], word);
  }
});

test('validate: exit 0 with a summary, 1 with line/column or field path', async () => {
  const good = join(dir, 'valid.agui.json');
  const syntax = join(dir, 'syntax.agui.json');
  await writeFile(syntax, '{\n  "version": 1,,\n}');
  // What needs no file the test writes from the first: run at once, with the init that makes it.
  const [init, badSyntax, missing, noFile] = await Promise.all([
    cli(['init', good]),
    cli(['validate', syntax]),
    cli(['validate', join(dir, 'missing.json')]),
    cli(['validate']),
  ]);
  assert.equal(init.code, 0, init.stderr);
  assert.equal(badSyntax.code, 1);
  assert.match(badSyntax.stderr, /syntax\.agui\.json:2:16: invalid JSON: unexpected ",/);

  const schema = join(dir, 'schema.agui.json');
  const workspace = await readJson(good);
  (workspace.settings as { speed: number }).speed = -1;
  await writeFile(schema, JSON.stringify(workspace));
  // Every problem of the file, one per line: a CI run shows all there is to fix.
  const several = join(dir, 'several.agui.json');
  await writeFile(
    several,
    JSON.stringify({ ...workspace, routes: [{ id: 'Bad Id', method: 'GET', path: 'users', responses: [] }] }),
  );
  // What is well formed but would not serve (a path that does not compile, a scenario no one wrote) is listed the
  // same way, one problem per line.
  const unservable = join(dir, 'unservable.agui.json');
  const agents = (workspace.agents as { scenarios: unknown }[]).map((agent) => ({ ...agent, scenarios: ['nope'] }));
  const routes = [{ id: 'items', path: '/items/:', responses: [{ id: 'a' }] }];
  await writeFile(unservable, JSON.stringify({ ...workspace, settings: {}, agents, routes }));
  const [ok, badSchema, badSeveral, badUnservable] = await Promise.all([
    cli(['validate', good]),
    cli(['validate', schema]),
    cli(['validate', several]),
    cli(['validate', unservable]),
  ]);

  assert.equal(ok.code, 0, ok.stderr);
  assert.match(
    ok.stdout,
    /valid\.agui\.json: valid workspace "valid", version 2: 1 agent, 4 scenarios; pack agora-mock \(3 users, 4 sessions\)\n$/,
  );

  assert.equal(badSchema.code, 1);
  assert.match(badSchema.stderr, /schema\.agui\.json: settings\.speed: must be at least 0\n/);

  assert.equal(badSeveral.code, 1);
  const lines = badSeveral.stderr.trim().split('\n');
  assert.equal(lines.length, 4, badSeveral.stderr);
  assert.match(lines[0] ?? '', /\(and 3 more problems\)$/);
  const paths = [
    /several\.agui\.json: ([\w.]+):/.exec(lines[0] ?? '')?.[1],
    ...lines.slice(1).map((line) => /^ {2}([\w.]+): \S/.exec(line)?.[1]),
  ];
  assert.deepEqual(paths.sort(), ['routes.0.id', 'routes.0.path', 'routes.0.responses', 'settings.speed']);

  assert.equal(badUnservable.code, 1);
  const [first, second, ...more] = badUnservable.stderr.trim().split('\n');
  assert.match(
    first ?? '',
    /unservable\.agui\.json: agents\.0\.scenarios\.0: no scenario has the id 'nope' .*\(and 1 more problem\)$/,
  );
  assert.match(second ?? '', /^ {2}routes\.0\.path: /);
  assert.deepEqual(more, []);

  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing\.json: no such file/);
  assert.equal(noFile.code, 2);
});

test('serve --workspace creates a missing file with a notice, then loads it on the next start', async () => {
  const file = join(dir, 'served.agui.json');
  const first = serve(['--workspace', file]);
  await first.waitFor(/Console/);
  assert.match(first.stdout(), /workspace .*served\.agui\.json did not exist: created it from the agora template/);
  const [, httpUrl] = first.stdout().match(/HTTP\s+(\S+)/) ?? [];
  // A REST change, autosaved or saved on shutdown.
  const created = await fetch(`${httpUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ci@example.com', name: 'CI' }),
  });
  assert.equal(created.status, 201);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited()).code, 0);
  assert.match(await readFile(file, 'utf8'), /ci@example\.com/);

  // --template only makes a missing file: given for one that exists, it is said to be unused.
  const second = serve(['--workspace', file, '--template', 'blank']);
  await second.waitFor(/Console/);
  assert.doesNotMatch(second.stdout(), /did not exist/);
  assert.match(
    second.stdout(),
    /^workspace .*served\.agui\.json \(--template blank not used: it only makes a missing file\)$/m,
  );
  const [, url] = second.stdout().match(/HTTP\s+(\S+)/) ?? [];
  const users = (await (await fetch(`${url}/users?limit=100`)).json()) as { users: { email: string }[] };
  assert.ok(users.users.some((user) => user.email === 'ci@example.com'));
  second.child.kill('SIGTERM');
  await second.exited();
});

test('serve stopped by SIGHUP (its terminal closed) saves the change autosave had not written yet, and exits 0', async () => {
  const file = join(dir, 'hangup.agui.json');
  const token = 'hangup-token';
  const run = serve(['--workspace', file, '--template', 'blank', '--token', token]);
  await run.waitFor(/Console/);
  const [, url] = run.stdout().match(/HTTP\s+(\S+)/) ?? [];
  const changed = await fetch(`${url}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ speed: 7 }),
  });
  assert.equal(changed.status, 200);
  // Before, the default action: killed at once, the change (autosaved 500 ms later) lost.
  run.child.kill('SIGHUP');
  assert.deepEqual(await run.exited(), { code: 0, signal: null });
  assert.equal(((await readJson(file)).settings as { speed: number }).speed, 7);
});

test('serve whose terminal hangs up saves the change and exits 0, not aborted by Node restoring the gone terminal', async (t) => {
  const file = join(dir, 'terminal.agui.json');
  const token = 'terminal-token';
  const command = [
    process.execPath,
    CLI,
    'serve',
    '--port',
    '0',
    '--quiet',
    '--workspace',
    file,
    '--template',
    'blank',
  ];
  const session = await inTerminal([...command, '--token', token], env);
  if ('unavailable' in session) {
    t.skip(session.unavailable);
    return;
  }
  const [, url] = session.banner.match(/HTTP\s+(\S+)/) ?? [];
  const changed = await fetch(`${url}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ speed: 5 }),
  });
  assert.equal(changed.status, 200);
  // Before: saved, then SIGABRT and SIGSEGV as Node 20 failed to put the hung-up terminal's modes back.
  assert.deepEqual(await session.hangUp(), { code: 0, signal: null });
  assert.equal(((await readJson(file)).settings as { speed: number }).speed, 5);
});

test('serve stopped with changes it could write nowhere exits 3, saying so (a clean stop exits 0)', async () => {
  const folder = join(dir, 'vanishing');
  await mkdir(folder);
  const file = join(folder, 'vanishing.agui.json');
  const token = 'vanishing-token';
  const run = serve(['--workspace', file, '--template', 'blank', '--token', token]);
  await run.waitFor(/Console/);
  const [, url] = run.stdout().match(/HTTP\s+(\S+)/) ?? [];
  // The folder goes and a file takes its place: neither the workspace nor a copy beside it can be written.
  await rm(folder, { recursive: true });
  await writeFile(folder, 'not a folder');
  const changed = await fetch(`${url}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ speed: 7 }),
  });
  assert.equal(changed.status, 200);
  run.child.kill('SIGTERM');
  // Before, exit 0 whatever the log said: a script or a service manager took the loss for a clean stop.
  assert.deepEqual(await run.exited(), { code: 3, signal: null }, run.stderr());
  assert.match(run.stderr(), /workspace: unsaved changes lost: /);
  assert.match(run.stderr(), /agui-mock: stopped, but unsaved changes were lost \(said above\): exit 3\n$/);
});

test('serve --workspace with a bad file: exit 1, the message names file and place, the file untouched', async () => {
  const file = join(dir, 'bad-serve.agui.json');
  await writeFile(file, '{"version": 1, "name": "x"');
  // Every problem of a file, as validate lists them, not "(and 2 more problems)" with nothing after it.
  const several = join(dir, 'several-serve.agui.json');
  await writeFile(
    several,
    JSON.stringify({ version: 2, name: 'x', routes: [{ id: 'Bad_ID', path: 'nope', responses: [] }] }),
  );
  // Neither starts: both run at once.
  const [bad, refused] = await Promise.all([
    serve(['--workspace', file]).finished(),
    serve(['--workspace', several]).finished(),
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cannot start: .*bad-serve\.agui\.json:1:27: invalid JSON: unexpected end of file/);
  assert.equal(await readFile(file, 'utf8'), '{"version": 1, "name": "x"');

  assert.equal(refused.code, 1);
  const lines = refused.stderr.trim().split('\n');
  assert.match(lines[0] ?? '', /^agui-mock: cannot start: .*\(and 2 more problems\)$/);
  assert.deepEqual(
    lines.slice(1).map((line) => /^ {2}([\w.]+): /.exec(line)?.[1]),
    ['routes.0.path', 'routes.0.responses'],
  );
});

test('import-openapi --into a file in folders that do not exist makes them, as init does, and only those; from a file that does not exist: one line that says so', async () => {
  const spec = join(dir, 'spec.json');
  const paths = { '/greeting': { get: { responses: { '200': { description: 'hi' } } } } };
  await writeFile(spec, JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths }));
  // Before, `cannot write …: the folder does not exist (ENOENT)`, where init and serve --workspace make them.
  const into = join(dir, 'no-such-folder', 'deeper', 'x.agui.json');
  // The write refused after its folders were made (a file size limit; a full disk alike): exactly those go again,
  // and the folder that was there stays.
  await mkdir(join(dir, 'import-was-there'));
  const refused = join(dir, 'import-was-there', 'new', 'deeper', 'x.agui.json');
  // A folder it may not write in is named, with what to do (as root, without the capabilities that pass the check).
  const readOnly = join(dir, 'import-read-only');
  await mkdir(readOnly);
  await chmod(readOnly, 0o555);
  const asRoot = process.getuid?.() === 0;
  const intoClosed = [CLI, 'import-openapi', spec, '--into', join(readOnly, 'x.agui.json')];
  const closedRun = runCommand(
    asRoot ? 'setpriv' : process.execPath,
    asRoot ? ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, ...intoClosed] : intoClosed,
    { env },
  ).finished();
  // Each into a folder of its own: run at once.
  const [made, limited, closed, missing] = await Promise.all([
    cli(['import-openapi', spec, '--into', into]),
    cliWithFileLimit(1, ['import-openapi', spec, '--into', refused]),
    closedRun.finally(() => chmod(readOnly, 0o755)),
    cli(['import-openapi', join(dir, 'no-such-spec.json')]),
  ]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /1 route\(s\) added .*x\.agui\.json \(new file\)\n$/);
  assert.deepEqual(
    ((await readJson(into)).routes as { path: string }[]).map((route) => route.path),
    ['/hello', '/greeting'],
  );

  assert.equal(limited.code, 1, limited.stderr);
  assert.match(limited.stderr, /^agui-mock: cannot write .*x\.agui\.json: .*EFBIG/);
  assert.deepEqual(await readdir(join(dir, 'import-was-there')), []);

  assert.equal(closed.code, 1, closed.stderr);
  assert.match(closed.stderr, new RegExp(`not allowed to write in ${readOnly} \\(EACCES\\); allow the user`));

  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^agui-mock: cannot read .*no-such-spec\.json: no such file\n$/);
});

test('import-openapi of a document in a folder named like "My Project #2 (100%)" follows its $refs to files beside it', async () => {
  const folder = join(dir, 'My Project #2 (100%) ö');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'schemas.yaml'), 'Greeting:\n  type: string\n  example: hi\n');
  const schema = { $ref: 'schemas.yaml#/Greeting' };
  const ok = { description: 'hi', content: { 'application/json': { schema } } };
  const paths = { '/greeting': { get: { operationId: 'greet', responses: { '200': ok } } } };
  const spec = join(folder, 'openapi.json');
  await writeFile(spec, JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths }));
  // As a path, and as the file: URL a browser or a file manager copies.
  const sources = [
    [spec, 'by-path.agui.json'],
    [pathToFileURL(spec).href, 'by-url.agui.json'],
  ] as const;
  const imports = await Promise.all(
    sources.map(([at, into]) => cli(['import-openapi', at, '--into', join(folder, into)])),
  );
  for (const [index, [, into]] of sources.entries()) {
    const imported = imports[index];
    assert.equal(imported?.code, 0, imported?.stderr);
    const routes = (await readJson(join(folder, into))).routes as { id: string; responses: { body: unknown }[] }[];
    assert.deepEqual(routes.find((route) => route.id === 'greet')?.responses[0]?.body, { json: 'hi' });
  }
});

test('import-openapi into an older file: the original kept as .bak, or one line and the file untouched when it cannot be', async () => {
  const spec = join(dir, 'bak-spec.json');
  const paths = { '/greeting': { get: { responses: { '200': { description: 'hi' } } } } };
  await writeFile(spec, JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths }));
  const v1 = `${JSON.stringify({ version: 1, name: 'old', profile: 'agora-mock', settings: {}, agora: agoraSeed(0), scenarios: [] })}\n`;
  const old = join(dir, 'old.agui.json');
  await writeFile(old, v1);
  // A name the file system takes, but not with ".bak" after it (255 bytes at most): before, a stack trace.
  const long = join(dir, `${'x'.repeat(250)}.json`);
  await writeFile(long, v1);
  const [imported, refused] = await Promise.all([
    cli(['import-openapi', spec, '--into', old]),
    cli(['import-openapi', spec, '--into', long]),
  ]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(await readFile(`${old}.bak`, 'utf8'), v1);
  assert.equal((await readJson(old)).version, 2);

  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^agui-mock: .*x\.json: cannot keep the original before migrating \(.*\(ENAMETOOLONG\)\); nothing was changed\n$/,
  );
  assert.equal(await readFile(long, 'utf8'), v1, 'the file is left as it was');
});

test('import-openapi that would make the file larger than the engine opens: one line, the file left as it was', async () => {
  // Each route within its limits, and the routes the import makes within theirs: together past 64 MiB.
  const into = join(dir, 'nearly-full.agui.json');
  const text = 'y'.repeat(9_900_000);
  const routes = [0, 1, 2, 3, 4, 5].map((n) => ({
    id: `t${n}`,
    path: `/t${n}`,
    responses: [{ id: 'a', body: { text } }],
  }));
  await writeFile(into, JSON.stringify({ version: 2, name: 'nearly full', routes }));
  const before = await readFile(into, 'utf8');
  // One example of 1 MB that 16 operations refer to: a small document, 16 MB of routes.
  const schema = { $ref: '#/components/schemas/Big' };
  const paths = Object.fromEntries(
    Array.from({ length: 16 }, (_, n) => [
      `/p${n}`,
      { get: { responses: { 200: { description: 'ok', content: { 'application/json': { schema } } } } } },
    ]),
  );
  const components = { schemas: { Big: { type: 'object', example: { data: 'x'.repeat(1_000_000) } } } };
  const spec = join(dir, 'wide-spec.json');
  await writeFile(spec, JSON.stringify({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components }));

  // The file opens as it is (validate, at once with the import: seconds each for 60 MB): the import alone is too big.
  // An import that wrote it anyway fails the check of its text below.
  const [refused, validated] = await Promise.all([
    cli(['import-openapi', spec, '--into', into]),
    cli(['validate', into]),
  ]);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(
    refused.stderr,
    /^agui-mock: .*nearly-full\.agui\.json: written as a file, the workspace would be larger than 64 MiB, the largest file the engine opens, .*nothing was changed/,
  );
  assert.equal(await readFile(into, 'utf8'), before, 'the file is left as it was');
  assert.equal(validated.code, 0, validated.stderr);
});

/** `serve --workspace file`, once a client has made a change autosave has not written yet (a user, `email`). */
async function servedWithAChange(file: string, email: string): Promise<CliRun> {
  const run = serve(['--workspace', file]);
  // Loading validates every value of a big file: generous on a busy machine.
  await run.waitFor(/Console/, 180_000);
  const [, httpUrl] = run.stdout().match(/HTTP\s+(\S+)/) ?? [];
  const created = await fetch(`${httpUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Last Change' }),
  });
  assert.equal(created.status, 201);
  return run;
}

test('serve --workspace with a big unsaved workspace: SIGTERM exits within 2 s and leaves a complete file', async (t) => {
  const file = join(dir, 'big.agui.json');
  // Built through the store as a load test builds it, and saved by the engine.
  const engine = await startWorkspaceEngine(dir, file, { settings: { speed: 0, ...LARGE_WORLD_LIMITS } });
  recordRuns(agoraStore(engine), 30);
  await engine.workspace.save();
  await engine.close();
  const before = await readFile(file, 'utf8');
  assert.ok(before.length > 20 * 1024 * 1024, `a big workspace (${before.length} characters)`);
  const run = await servedWithAChange(file, 'last@example.com');
  let shutdownMs = 0;
  let exit: Awaited<ReturnType<CliRun['exited']>> | undefined;
  // The CLI's shutdown waits on two timers (the save's 1 s deadline, a stopped save's 250 ms grace), each late by
  // as long as the machine kept the process from running; this process's own event-loop hold-ups meanwhile stand
  // for that, so the 2 s bound stays honest on a busy machine and still fails a shutdown that waits for the save.
  const { wallMs } = await loopHoldUpDuring(async () => {
    const started = performance.now();
    run.child.kill('SIGTERM');
    exit = await run.exited();
    shutdownMs = performance.now() - started;
  });
  t.diagnostic(
    `SIGTERM to exit with ${Math.round(before.length / 1024 / 1024)} MB unsaved: ${Math.round(shutdownMs)} ms ` +
      `(event loop here held up at most ${Math.round(wallMs)} ms)`,
  );
  assert.ok(shutdownMs < 2000 + 2 * wallMs, `shutting down took ${Math.round(shutdownMs)} ms`);
  const after = await readFile(file, 'utf8');
  if (exit?.code === 0) assert.match(after, /last@example\.com/);
  else {
    // Stopped at the deadline: the change is lost, and the exit code says so.
    assert.deepEqual(exit, { code: 3, signal: null }, run.stderr());
    assert.match(run.stderr(), /saving .*big\.agui\.json did not finish within \d+ ms of shutting down/);
  }
  assert.ok(agoraData(JSON.parse(after)).sessions.length > 0, 'the file is complete JSON');
});

test('a second Ctrl+C while a big unsaved workspace is saved on stopping quits at once with 130, saying so', async () => {
  const file = join(dir, 'big.agui.json');
  const run = await servedWithAChange(file, 'interrupted@example.com');
  run.child.kill('SIGINT');
  // Stopping saves tens of MB, a chunk a turn: the second Ctrl+C comes while it does.
  await run.waitFor(/SIGINT: closing connections/);
  run.child.kill('SIGINT');
  assert.deepEqual(await run.exited(), { code: 130, signal: null }, run.stderr());
  assert.match(run.stderr(), /agui-mock: stopped at once: changes since the last save were not written: exit 130/);
  assert.ok(agoraData(JSON.parse(await readFile(file, 'utf8'))).sessions.length > 0, 'the file is complete JSON');
});

test('init --template agora-real writes the agora-real pack with roles, and validate accepts it', async () => {
  const file = join(dir, 'real.agui.json');
  const created = await cli(['init', file, '--template', 'agora-real']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(
    created.stdout,
    /from the agora-real template: 1 agent, 4 scenarios; pack agora-real \(3 users, 4 sessions\)/,
  );
  const workspace = (await readJson(file)) as { packs: { pack: string; data: { users: { role?: string }[] } }[] };
  assert.deepEqual(
    workspace.packs.map((pack) => pack.pack),
    ['agora-real'],
  );
  assert.ok(workspace.packs[0]?.data.users.every((user) => user.role === 'inspector'));
  const validated = await cli(['validate', file]);
  assert.equal(validated.code, 0, validated.stderr);
});

test('an internal error (an exception nothing caught) is reported, the workspace saved, and serve exits 1', async () => {
  const file = join(dir, 'crash.agui.json');
  // Stands in for a bug: an exception thrown where nothing catches it, when the test says so.
  const bug = "process.on('SIGUSR2', () => { throw new Error('a bug, thrown for the test'); })";
  const run = runCli(['serve', '--port', '0', '--quiet', '--token', 'crash-token', '--workspace', file], {
    ...env,
    NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(bug)}`,
  });
  running.push(run);
  const [, url] = await run.waitFor(/HTTP\s+(\S+)/);
  const changed = await fetch(`${url}/__console/api/server/settings`, {
    method: 'PATCH',
    headers: { authorization: 'Bearer crash-token', 'content-type': 'application/json' },
    body: JSON.stringify({ approvalTimeoutMs: 4321 }),
  });
  assert.equal(changed.status, 200);
  // At once, well within autosave's half second: the change is saved on the way out, not by autosave.
  run.child.kill('SIGUSR2');
  assert.equal((await run.exited()).code, 1);
  assert.match(
    run.stderr(),
    /agui-mock: internal error \(a bug; please report it with these lines\): Error: a bug, thrown for the test/,
  );
  assert.match(run.stderr(), /agui-mock: saving the workspace and stopping/);
  const saved = (await readJson(file)) as { settings: { approvalTimeoutMs: number } };
  assert.equal(saved.settings.approvalTimeoutMs, 4321);
});
