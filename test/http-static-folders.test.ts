import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Router from '@koa/router';
import { StaticFolderSchema } from '../src/shared/mounts/static-folder';
import { startMountsApp } from './helpers/http-mounts-app';
import { rawHttp } from './helpers/raw-http';

const dir = mkdtempSync(join(tmpdir(), 'static-'));
mkdirSync(join(dir, 'site', 'docs'), { recursive: true });
mkdirSync(join(dir, 'site', '.git'));
writeFileSync(join(dir, 'site', 'index.html'), '<h1>home</h1>');
writeFileSync(join(dir, 'site', 'app.js'), 'console.log(1)');
writeFileSync(join(dir, 'site', 'data.json'), '{"a":1}');
writeFileSync(join(dir, 'site', 'docs', 'guide.md'), '# guide');
writeFileSync(join(dir, 'site', '.env'), 'SECRET=1');
writeFileSync(join(dir, 'site', '.git', 'config'), '[core]');
writeFileSync(join(dir, 'secret.txt'), 'outside the folder');

// A pack after the mounts still answers what the folder does not have.
const pack = new Router();
pack.get('/health', (ctx) => {
  ctx.body = { status: 'ok' };
});

const app = await startMountsApp(
  {
    staticFolders: [
      StaticFolderSchema.parse({ id: 'site', path: '/site', folder: 'site' }),
      StaticFolderSchema.parse({ id: 'bare', path: '/bare/', folder: join(dir, 'site', 'docs'), index: '' }),
      StaticFolderSchema.parse({ id: 'root', path: '/', folder: 'site' }),
    ],
  },
  { baseDir: dir, after: pack },
);

test('files are served with their content type; a folder serves its index', async () => {
  const cases: [string, string, string][] = [
    ['/site/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/site/data.json', 'application/json; charset=utf-8', '{"a":1}'],
    ['/site/docs/guide.md', 'text/markdown; charset=utf-8', '# guide'],
    ['/site/', 'text/html; charset=utf-8', '<h1>home</h1>'],
    ['/site', 'text/html; charset=utf-8', '<h1>home</h1>'],
    ['/bare/guide.md', 'text/markdown; charset=utf-8', '# guide'],
  ];
  for (const [path, type, body] of cases) {
    const response = await fetch(`${app.base}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), type, path);
    assert.equal(await response.text(), body, path);
  }
  const answer = app.answers.findLast((entry) => entry.path === '/bare/guide.md');
  assert.deepEqual(answer?.ref, { kind: 'static', id: 'bare' });
});

test('missing files, folders without an index and hidden files end in the 404 (or a later mount)', async () => {
  for (const path of ['/site/nothing.txt', '/bare/', '/site/.env', '/site/.git/config', '/sitex/app.js']) {
    const response = await fetch(`${app.base}${path}`);
    assert.equal(response.status, 404, path);
    assert.deepEqual(await response.json(), { detail: 'Not Found' }, path);
  }
  // The folder mounted at / does not hide the pack's routes.
  assert.deepEqual(await (await fetch(`${app.base}/health`)).json(), { status: 'ok' });
  assert.equal(await (await fetch(`${app.base}/app.js`)).text(), 'console.log(1)');
});

test('paths that try to leave the folder are refused', async () => {
  for (const path of [
    '/site/../secret.txt',
    '/site/%2e%2e/secret.txt',
    '/site/..%2fsecret.txt',
    '/site/docs/..%2F..%2Fsecret.txt',
    '/site/..%2f..%2fetc%2fpasswd',
    '/site/%2e%2e/no-such-file',
  ]) {
    const response = await rawHttp(app.port, [`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    // Why, in words, and the same whether or not anything is there: nothing outside the folder is shown or told.
    assert.deepEqual(
      { status: response.status, body: JSON.parse(response.body) },
      {
        status: 403,
        body: {
          detail:
            'Static folder site: the path climbs out of its folder (a ".." segment, written or percent-encoded), so it is not served',
        },
      },
      path,
    );
  }
  const nul = await rawHttp(app.port, ['GET /site/app.js%00.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  assert.equal(nul.status, 400);
  assert.match(JSON.parse(nul.body).detail, /: it holds a NUL character \(%00\)$/);
  const encodedSlashes = await rawHttp(app.port, [
    'GET /site/%2F%2Fapp.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  ]);
  assert.equal(encodedSlashes.status, 400);
  assert.match(JSON.parse(encodedSlashes.body).detail, /begins with a slash \(an encoded %2F\)/);
  const undecodable = await rawHttp(app.port, ['GET /site/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  assert.equal(undecodable.status, 400);
  assert.match(JSON.parse(undecodable.body).detail, /the path does not decode/);
});

test('a doubled slash after the prefix names the same file', async () => {
  for (const path of ['/site//app.js', '/site///docs//guide.md']) {
    const response = await rawHttp(app.port, [`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    assert.equal(response.status, 200, path);
  }
});

test("HEAD answers headers only; other methods are not a static folder's", async () => {
  const head = await fetch(`${app.base}/site/app.js`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '14');
  assert.equal(await head.text(), '');
  const post = await fetch(`${app.base}/site/app.js`, { method: 'POST' });
  assert.equal(post.status, 404);
  assert.deepEqual(app.logged, []);
});
