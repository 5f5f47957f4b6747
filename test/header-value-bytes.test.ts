import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTcp } from './helpers/tcp-client';
import { startWorkspaceEngine, workspaceDir } from './helpers/workspace-files';

// A route's header value goes on the wire as the same bytes whatever its body. Node writes the header block together
// with a body given as a string, in the string's encoding: with a text or JSON body a value's bytes used to be
// encoded again as UTF-8 (`✓` sent as C3 A2 C2 9C C2 93, `ü` as C3 BC where a bodiless answer sent FC).

const dir = await workspaceDir();
writeFileSync(join(dir, 'a.txt'), 'file ✓');
const file = join(dir, 'headers.agui.json');
const headers = { 'X-V': '{{query.v}}' };
writeFileSync(
  file,
  JSON.stringify({
    version: 2,
    name: 'headers',
    routes: [
      { id: 'text', path: '/text', responses: [{ id: 'a', headers, body: { text: 'text ✓ {{query.v}}' } }] },
      { id: 'json', path: '/json', responses: [{ id: 'a', headers, body: { json: { v: '{{query.v}}', s: 'ü' } } }] },
      { id: 'file', path: '/file', responses: [{ id: 'a', headers, body: { file: 'a.txt' } }] },
      { id: 'none', path: '/none', responses: [{ id: 'a', headers }] },
      { id: 'own', path: '/own', responses: [{ id: 'a', headers: { 'X-V': 'ünï 😀' }, body: { json: 'ünï' } }] },
    ],
  }),
);
const server = await startWorkspaceEngine(dir, file);
const port = Number(new URL(server.url).port);

/** The bytes of the X-V header's value as the engine sent them, read off a raw connection. */
async function sentValue(method: string, target: string): Promise<Buffer> {
  const client = await openTcp(port);
  client.socket.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  await client.closed;
  const head = client.received.slice(0, client.received.indexOf('\r\n\r\n'));
  assert.match(head, /^HTTP\/1\.1 200 /, `${method} ${target}`);
  const line = head.split('\r\n').find((text) => text.startsWith('X-V: '));
  assert.ok(line, `${method} ${target} sends X-V`);
  // The client's text is its bytes one to a character (latin1): back to those bytes.
  return Buffer.from(line.slice('X-V: '.length), 'latin1');
}

test('a header value beyond Latin-1 is sent as its UTF-8 bytes with any body, and a Latin-1 one a byte a character', async () => {
  const values = [
    { text: '✓', bytes: Buffer.from('✓') },
    { text: 'ünï 😀', bytes: Buffer.from('ünï 😀') },
    { text: 'ü', bytes: Buffer.from([0xfc]) },
  ];
  for (const path of ['/text', '/json', '/file', '/none']) {
    for (const method of ['GET', 'HEAD']) {
      for (const { text, bytes } of values) {
        const sent = await sentValue(method, `${path}?v=${encodeURIComponent(text)}`);
        assert.equal(sent.toString('hex'), bytes.toString('hex'), `${method} ${path} with ${text}`);
      }
    }
  }
  // A route's own text, not the request's, goes the same way.
  assert.equal((await sentValue('GET', '/own')).toString('hex'), Buffer.from('ünï 😀').toString('hex'));
});
