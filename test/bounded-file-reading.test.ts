import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { open, readFile, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { OpenApiImportError } from '../src/server/openapi/openapi-import-error';
import { readOpenApiSource } from '../src/server/openapi/read-openapi-source';
import { WorkspaceError } from '../src/server/workspace/workspace-error';
import { createWorkspaceFile, readWorkspaceFile } from '../src/server/workspace/workspace-file';
import { WORKSPACE_MAX_BYTES } from '../src/shared/workspace-max-bytes';
import { runCommand } from './helpers/cli-process';
import { workspaceDir } from './helpers/workspace-files';

// Reading a workspace file or an OpenAPI document is bounded: only regular files, never past a size cap, never
// waiting on a pipe or a device, and a download that does not end is cut at the cap (or the timeout).

/** A guard against a hang, not the assertion: every answer here is expected well within it. */
const GUARD_MS = 15_000;
/** The CLI runs from source through tsx, which takes seconds to start. */
const CLI_GUARD_MS = 60_000;
const SPEC_LIMITS = { maxBytes: 1024 * 1024, timeoutMs: 10_000 };

const dir = await workspaceDir();
const fifo = join(dir, 'pipe.agui.json');
execFileSync('mkfifo', [fifo]);
const hasZero = existsSync('/dev/zero');

/** Resolves with `promise`, or rejects when it takes longer than `ms` (a hang is a failure, not a stuck run). */
async function guarded<T>(promise: Promise<T>, ms = GUARD_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
    // Had a reader blocked on the FIFO, a writer that opens and closes at once sets it free.
    await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then(
      (handle) => handle.close(),
      () => undefined,
    );
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const outcome = await guarded(
    promise.then(
      () => undefined,
      (error: unknown) => error as Error,
    ),
  );
  assert.ok(outcome instanceof Error, 'refused');
  return outcome;
}

/** A server on port 0 whose every answer is JSON that never ends; `sent` counts what it managed to write. */
async function endlessJsonServer(): Promise<{ url: string; sent: () => number; closed: Promise<void> }> {
  let sent = 0;
  let closed!: () => void;
  const closedOnce = new Promise<void>((done) => {
    closed = done;
  });
  const chunk = Buffer.from(`"${'x'.repeat(64 * 1024 - 3)}",`);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"openapi":"3.1.0","info":{"title":"endless","version":"1"},"paths":{},"x-endless":[');
    const pump = () => {
      while (!response.destroyed && response.write(chunk)) sent += chunk.length;
    };
    response.on('drain', pump);
    response.on('close', () => closed());
    pump();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/openapi.json`, sent: () => sent, closed: closedOnce };
}

function runCliFromSource(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const run = runCommand(process.execPath, ['--import', 'tsx', 'src/cli/agui-mock.ts', ...args], {
    env: { ...process.env, AGUI_MOCK_CONFIG_DIR: dir },
  });
  const exited = run.exited().then(({ code }) => ({ code, stderr: run.stderr(), stdout: run.stdout() }));
  return guarded(exited, CLI_GUARD_MS).finally(() => run.child.kill('SIGKILL'));
}

test('the workspace reader refuses a FIFO and a device at once, as not regular files', async () => {
  const piped = await refusal(readWorkspaceFile(fifo));
  assert.ok(piped instanceof WorkspaceError);
  assert.equal(piped.reason, 'invalid');
  assert.match(piped.message, /pipe\.agui\.json: the path is not a regular file \(it is a named pipe \(FIFO\)\)/);
  if (hasZero) {
    const zero = await refusal(readWorkspaceFile('/dev/zero'));
    assert.match(zero.message, /^\/dev\/zero: the path is not a regular file \(it is a character device\)/);
  }
  const folder = await refusal(readWorkspaceFile(dir));
  assert.match(folder.message, /the path is a folder/);
});

test('the workspace reader stops at the workspace size cap', async () => {
  const big = join(dir, 'big.agui.json');
  await writeFile(big, '');
  await truncate(big, WORKSPACE_MAX_BYTES + 1); // sparse: no disk space taken
  const error = await refusal(readWorkspaceFile(big));
  assert.ok(error instanceof WorkspaceError);
  assert.match(error.message, /the file is larger than 64 MiB: no workspace is that big/);
});

test('a workspace file that starts with a byte order mark loads; saved again, it has none', async () => {
  const plain = join(dir, 'plain.agui.json');
  await createWorkspaceFile(plain, 'blank');
  const bytes = await readFile(plain);
  const withBom = join(dir, 'bom.agui.json');
  await writeFile(withBom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
  const read = await guarded(readWorkspaceFile(withBom));
  assert.equal(read.workspace.name, 'plain');
  // The text is the file's exactly (its hash is the hash of the bytes on disk, for the watcher).
  assert.deepEqual(Buffer.from(read.text, 'utf8'), await readFile(withBom));
});

test('a workspace file that is not UTF-8 is refused with the byte offset', async () => {
  const plain = join(dir, 'latin.agui.json');
  await createWorkspaceFile(plain, 'blank');
  const text = await readFile(plain, 'utf8');
  const at = text.indexOf('"name": "') + '"name": "'.length;
  assert.ok(at > 10, 'the template has a name');
  const before = Buffer.from(text.slice(0, at), 'utf8');
  // `é` as Latin-1: a byte that starts no UTF-8 character, inside an otherwise valid string.
  await writeFile(plain, Buffer.concat([before, Buffer.from([0xe9]), Buffer.from(text.slice(at), 'utf8')]));
  const error = await refusal(readWorkspaceFile(plain));
  assert.ok(error instanceof WorkspaceError);
  assert.match(
    error.message,
    new RegExp(`not valid UTF-8: an invalid byte sequence at byte offset ${before.length} \\(0xE9\\)`),
  );
});

test('the OpenAPI reader refuses a FIFO and a device at once, and a file past the cap', async () => {
  const piped = await refusal(readOpenApiSource(fifo, SPEC_LIMITS));
  assert.ok(piped instanceof OpenApiImportError);
  assert.match(
    piped.message,
    /^cannot read .*pipe\.agui\.json: it is not a regular file \(it is a named pipe \(FIFO\)\)$/,
  );
  if (hasZero) {
    const zero = await refusal(readOpenApiSource('/dev/zero', SPEC_LIMITS));
    assert.match(zero.message, /^cannot read \/dev\/zero: it is not a regular file \(it is a character device\)$/);
  }
  const big = join(dir, 'big-spec.json');
  await writeFile(big, '');
  await truncate(big, SPEC_LIMITS.maxBytes + 1);
  const large = await refusal(readOpenApiSource(big, SPEC_LIMITS));
  assert.match(large.message, /big-spec\.json is larger than 1 MiB: not an API description to import$/);
  const ok = join(dir, 'spec.json');
  await writeFile(ok, '\uFEFF{"openapi":"3.1.0"}');
  assert.deepEqual(await guarded(readOpenApiSource(ok, SPEC_LIMITS)), { text: '{"openapi":"3.1.0"}', file: ok });
});

test('the OpenAPI reader reads a file: URL as its file, and refuses other schemes saying what it reads', async () => {
  const ok = join(dir, 'spec via url.json');
  await writeFile(ok, '{"openapi":"3.1.0"}');
  assert.deepEqual(await guarded(readOpenApiSource(pathToFileURL(ok).href, SPEC_LIMITS)), {
    text: '{"openapi":"3.1.0"}',
    file: ok,
  });
  // Read as a relative path before: "cannot read <cwd>/file:/x: no such file".
  const remote = await refusal(readOpenApiSource('file://elsewhere/spec.json', SPEC_LIMITS));
  assert.match(remote.message, /^cannot read file:\/\/elsewhere\/spec\.json: .*host/);
  const ftp = await refusal(readOpenApiSource('ftp://example.test/spec.json', SPEC_LIMITS));
  assert.equal(
    ftp.message,
    'cannot read ftp://example.test/spec.json: ftp URLs are not read; give an http(s) URL or a file',
  );
});

test('a URL that streams JSON without end is cut at the cap, the download aborted', async () => {
  const endless = await endlessJsonServer();
  const error = await refusal(readOpenApiSource(endless.url, SPEC_LIMITS));
  assert.ok(error instanceof OpenApiImportError);
  assert.equal(error.message, `${endless.url} is larger than 1 MiB: not an API description to import`);
  // The connection is closed from our side: the server stops writing.
  await guarded(endless.closed);
  // Bounded: what the server got to write is the cap plus what the sockets buffer, not an ever growing amount.
  assert.ok(endless.sent() < SPEC_LIMITS.maxBytes + 32 * 1024 * 1024, `the server wrote ${endless.sent()} bytes`);
});

test('a URL that does not answer in time: one line that says so', async () => {
  const silent = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"openapi":'); // and nothing more
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  after(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/openapi.json`;
  const error = await refusal(readOpenApiSource(url, { maxBytes: SPEC_LIMITS.maxBytes, timeoutMs: 300 }));
  assert.ok(error instanceof OpenApiImportError);
  assert.equal(error.message, `cannot fetch ${url}: no complete answer within 0.3 s`);
  // A port nothing listens on (any more): the cause, in one line.
  const gone = createServer();
  await new Promise<void>((done) => gone.listen(0, '127.0.0.1', done));
  const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/openapi.json`;
  await new Promise((done) => gone.close(done));
  const refused = await refusal(readOpenApiSource(goneUrl, SPEC_LIMITS));
  assert.equal(refused.message.split('\n').length, 1);
  assert.match(refused.message, /^cannot fetch http:.*: .*ECONNREFUSED/);
  // A port fetch will not connect to (a FastAPI server on 6000, the X11 port browsers block): said, not "bad port".
  const blocked = await refusal(readOpenApiSource('http://127.0.0.1:6000/openapi.json', SPEC_LIMITS));
  assert.equal(
    blocked.message,
    'cannot fetch http://127.0.0.1:6000/openapi.json: fetch refuses its port (or that of a redirect), as browsers do; download the document (curl -o openapi.json …) and import the file',
  );
});

test('a URL with user:password@ is fetched with them as Basic authorization, and no message prints them', async () => {
  const seen: (string | undefined)[] = [];
  const guarded = createServer((request, response) => {
    seen.push(request.headers.authorization);
    const ok = request.headers.authorization === `Basic ${Buffer.from('me:s3cr%t é').toString('base64')}`;
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    response.end(ok ? '{"openapi":"3.1.0"}' : '{"detail":"who are you"}');
  });
  await new Promise<void>((done) => guarded.listen(0, '127.0.0.1', done));
  after(() => guarded.close());
  const origin = `127.0.0.1:${(guarded.address() as AddressInfo).port}`;
  // fetch refuses a URL that holds credentials: before, this was "Request cannot be constructed…" with the URL.
  const read = await readOpenApiSource(`http://me:s3cr%25t%20%C3%A9@${origin}/openapi.json`, SPEC_LIMITS);
  assert.deepEqual(read, { text: '{"openapi":"3.1.0"}' });
  const wrong = await refusal(readOpenApiSource(`http://me:hunter2@${origin}/openapi.json`, SPEC_LIMITS));
  assert.equal(wrong.message, `cannot fetch http://${origin}/openapi.json: the server answered 401`);
  const broken = await refusal(readOpenApiSource('http://me:hunter2@[::1/openapi.json', SPEC_LIMITS));
  assert.equal(broken.message, 'cannot fetch http://[::1/openapi.json: it is not a valid URL');
  assert.equal(seen.length, 2);
});

test('the CLI: import-openapi of an endless URL and validate of a FIFO end with one line', async () => {
  const endless = await endlessJsonServer();
  const [imported, validated] = await Promise.all([
    runCliFromSource(['import-openapi', endless.url]),
    runCliFromSource(['validate', fifo]),
  ]);
  assert.equal(imported.code, 1);
  assert.equal(imported.stderr, `agui-mock: ${endless.url} is larger than 32 MiB: not an API description to import\n`);
  assert.ok(endless.sent() < 32 * 1024 * 1024 + 32 * 1024 * 1024, `the server wrote ${endless.sent()} bytes`);
  assert.equal(validated.code, 1);
  assert.match(validated.stderr, /^agui-mock: .*pipe\.agui\.json: the path is not a regular file .*\n$/);
});
