import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildCli, CLI, type CliRun, runCommand } from './helpers/cli-process';
import { parseRawResponse, type RawResponse } from './helpers/raw-http';
import { eventually } from './helpers/wait';
import { workspaceDir } from './helpers/workspace-files';

// An engine out of file descriptors (its limit reached by connections, a load test's say) cannot open the file a
// request needs: that was an "Internal Server Error" logged as the engine's own bug. It is a 503 saying why and what
// to do, with Retry-After, and the engine answers again as soon as descriptors are free. Run as the real CLI under a
// low limit (`ulimit -n`, which Node cannot raise past: the hard limit is lowered too).

const LIMIT = 128;
/** Bound for one answer on loopback; a connection the engine could not accept gets none. */
const ANSWER_MS = 3_000;

const dir = await workspaceDir();
let run: CliRun;
let port: number;

before(async () => {
  buildCli();
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'hello.txt'), 'hello');
  const file = join(dir, 'files.agui.json');
  await writeFile(
    file,
    JSON.stringify({
      version: 2,
      name: 'files',
      routes: [{ id: 'file', path: '/file', responses: [{ id: 'file', body: { file: 'site/hello.txt' } }] }],
      staticFolders: [{ id: 'site', path: '/site', folder: 'site' }],
    }),
  );
  const serve = [process.execPath, CLI, 'serve', '--port', '0', '--workspace', file, '--token', 'limit-token'];
  run = runCommand('sh', ['-c', `ulimit -n ${LIMIT} && exec "$@"`, 'sh', ...serve], {
    env: { ...process.env, AGUI_MOCK_CONFIG_DIR: dir },
  });
  const [, url] = await run.waitFor(/HTTP\s+(\S+)/);
  port = Number(new URL(url ?? '').port);
});

after(() => run?.child.kill('SIGKILL'));

/** A keep-alive connection asking for one thing at a time. */
class Connection {
  private received = Buffer.alloc(0);
  private closed = false;
  private readonly waiting = new Set<() => void>();

  constructor(readonly socket: Socket) {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const wake of this.waiting) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiting) wake();
    });
  }

  /** The answer to `GET path`, or undefined when the connection closes or none comes within ANSWER_MS. */
  get(path: string): Promise<RawResponse | undefined> {
    this.received = Buffer.alloc(0);
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    return new Promise((resolve) => {
      const done = (answer: RawResponse | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve(answer);
      };
      const check = () => {
        const answer = parseRawResponse(this.received, this.closed);
        if (answer || this.closed) done(answer);
      };
      const timer = setTimeout(() => done(undefined), ANSWER_MS);
      this.waiting.add(check);
      check();
    });
  }
}

function open(): Connection {
  return new Connection(connect(port, '127.0.0.1'));
}

test('out of file descriptors, a file is answered 503 saying why, with Retry-After; freed, it is served again', async () => {
  const held: Connection[] = [];
  let refused: RawResponse | undefined;
  // Each connection held open takes one of the engine's descriptors, until it has none left for the file.
  for (let n = 0; n < 2 * LIMIT && !refused; n++) {
    const connection = open();
    const answer = await connection.get('/site/hello.txt');
    if (answer?.status === 200) {
      assert.equal(answer.body, 'hello');
      held.push(connection);
      continue;
    }
    if (answer) {
      refused = answer;
      break;
    }
    // Not accepted (no descriptor for the connection itself), or slow: a connection it holds asks instead. The
    // descriptor of the file just sent may have been closing meanwhile: then that one is served, and more follow.
    connection.socket.destroy();
    const last = held.at(-1);
    assert.ok(last, 'the engine accepted no connection at all');
    const again = await last.get('/site/hello.txt');
    if (again?.status !== 200) refused = again;
  }
  assert.ok(refused, `every one of ${held.length} connections was served`);
  assert.equal(refused.status, 503, refused.body);
  assert.equal(refused.headers['retry-after'], '1');
  assert.match(
    JSON.parse(refused.body).detail,
    /^Service Unavailable: the engine has as many files and connections open as its limit allows \(EMFILE\), so the file this request needs cannot be opened now; try again in a moment, or raise the limit on open files \(ulimit -n\) where the engine runs$/,
  );
  // A route's file too, on a connection the engine holds.
  const route = await held.at(-1)?.get('/file');
  assert.equal(route?.status, 503, route?.body);

  for (const connection of held) connection.socket.destroy();
  await eventually(async () => {
    const connection = open();
    try {
      const answers = [await connection.get('/site/hello.txt'), await connection.get('/file')];
      return answers.every((answer) => answer?.status === 200 && answer.body === 'hello');
    } finally {
      connection.socket.destroy();
    }
  }, 'both files served again');
  assert.doesNotMatch(run.stderr(), /Unhandled error|Internal Server Error/);
  assert.match(run.stderr(), /GET \/site\/hello\.txt: answered 503: .* \(EMFILE\)/);
  assert.equal(run.child.exitCode, null, 'the engine is still running');
});
