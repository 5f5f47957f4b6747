import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from './helpers/engine';

test('GET /health answers on a free port', async () => {
  const server = await startTestEngine();
  assert.ok(server.port > 0);
  const response = await fetch(`${server.url}/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'healthy', service: 'agora-mock', protocol: 'ag-ui' });
});
