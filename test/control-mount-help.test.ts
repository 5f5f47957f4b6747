import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestCounts } from '../src/shared/request-log';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// What the console's mount editors ask the engine besides the mounts themselves: each kind's JSON Schema (schema
// help beside the JSON editor) and how many logged requests each mount answered (the "served" counts).

interface JsonSchemaObject {
  $schema: string;
  type: string;
  properties: Record<string, { description?: string }>;
  required?: string[];
}

test('each mount section serves its JSON Schema, as a person writes it (defaults optional), described', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  const expected: Record<string, string[]> = {
    routes: ['id', 'path', 'responses'],
    collections: ['id', 'path'],
    'static-folders': ['id', 'path', 'folder'],
    sockets: ['id', 'path', 'behaviour'],
    agents: ['id', 'path'],
  };
  for (const [section, required] of Object.entries(expected)) {
    const { status, body } = await api.get<JsonSchemaObject>(`/${section}/schema`);
    assert.equal(status, 200, section);
    assert.match(body.$schema, /json-schema\.org/, section);
    assert.equal(body.type, 'object', section);
    assert.deepEqual(body.required?.sort(), [...required].sort(), `${section}: fields with defaults are optional`);
    for (const [field, property] of Object.entries(body.properties))
      assert.ok(property.description, `${section}.${field} has a description`);
  }
  const routes = (await api.get<JsonSchemaObject>('/routes/schema')).body;
  assert.ok('responseMode' in routes.properties && 'validate' in routes.properties);
  // The schema is a section's, not a mount's: a route is still read by its id.
  assert.equal((await api.get<{ id: string }>('/routes/hello')).body.id, 'hello');
  assert.equal((await api.get('/routes/nope')).status, 404);
});

test('request counts: how many logged requests each mount answered, and what nothing answered', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  assert.deepEqual((await api.get<RequestCounts>('/requests/counts')).body, { byMount: {}, total: 0, newestId: 0 });
  for (const path of ['/hello', '/hello?name=Ada', '/nothing-here']) await (await fetch(`${server.url}${path}`)).text();
  const counts = await api.get<RequestCounts>('/requests/counts');
  assert.equal(counts.status, 200);
  assert.deepEqual(counts.body, { byMount: { 'route:hello': 2, none: 1 }, total: 3, newestId: 3 });
  // The same key the log's filter takes.
  const served = await api.get<{ total: number }>('/requests?mount=route:hello&view=summary');
  assert.equal(served.body.total, 2);
  assert.equal((await api.delete('/requests')).status, 204);
  assert.deepEqual((await api.get<RequestCounts>('/requests/counts')).body.byMount, {});
  assert.equal((await api.get('/requests/123')).status, 404, 'a request id is still a request id');
});
