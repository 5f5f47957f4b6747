import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import fc from 'fast-check';
import Koa from 'koa';
import { rememberParsedQueries } from '../src/server/http/query-memo';

/** A Koa app on a free port answering with what `ctx.query` gave, then changing it as a handler might. */
async function echoApp(remember: boolean): Promise<string> {
  const app = new Koa();
  if (remember) rememberParsedQueries(app);
  app.use((ctx) => {
    const query = ctx.query;
    const seen = JSON.stringify(Object.entries(query));
    const same = ctx.query === query;
    // Changes that must not reach the next request with the same query string.
    query.changed = 'yes';
    for (const value of Object.values(query)) if (Array.isArray(value)) value.push('pushed');
    if (ctx.path === '/set') ctx.query = { a: '1', b: ['2', '3'] };
    ctx.body = { seen, same, after: Object.entries(ctx.query), querystring: ctx.querystring };
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const plain = await echoApp(false);
const remembering = await echoApp(true);

async function ask(base: string, path: string): Promise<unknown> {
  const response = await fetch(`${base}${path}`);
  assert.equal(response.status, 200);
  return response.json();
}

test("ctx.query, remembered per query string, reads as Koa's own: repeats, escapes, odd keys, changes kept per request", async () => {
  const texts = fc.oneof(
    fc.constantFrom(
      '',
      'user_id=koen',
      'limit=50&offset=0',
      'tag=a&tag=b&tag=c',
      '__proto__=x&constructor=y',
      'a=%E2%82%AC&b=%ZZ&c=%',
      'a+b=c+d&=empty&novalue',
      'x=1;y=2',
    ),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', 'ü', '%41'), fc.string({ maxLength: 6 })), {
        maxLength: 5,
      })
      .map((pairs) => pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')),
  );
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      const path = `/q?${text}`;
      const expected = await ask(plain, path);
      // Twice: the second answer comes from what the first remembered.
      assert.deepEqual(await ask(remembering, path), expected);
      assert.deepEqual(await ask(remembering, path), expected);
    }),
    { numRuns: 60 },
  );
});

test('setting ctx.query still sets the query string, and reading it back gives the new one', async () => {
  const expected = await ask(plain, '/set?a=old');
  assert.deepEqual(await ask(remembering, '/set?a=old'), expected);
  assert.deepEqual(await ask(remembering, '/set?a=old'), expected);
  assert.deepEqual((expected as { after: unknown }).after, [
    ['a', '1'],
    ['b', ['2', '3']],
  ]);
});

test('query strings past the length remembered are parsed every time, the same way', async () => {
  const long = `/q?k=${'v'.repeat(3000)}&k=w`;
  const expected = await ask(plain, long);
  assert.deepEqual(await ask(remembering, long), expected);
  assert.deepEqual(await ask(remembering, long), expected);
});
