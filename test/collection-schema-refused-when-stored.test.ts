import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ValidationIssue } from '../src/server/http/http-errors';
import { readWorkspaceFile } from '../src/server/workspace/workspace-file';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { workspaceDir } from './helpers/workspace-files';

// Every record of a collection is a JSON object holding its id, which the engine gives a record sent without one: a
// schema that takes no such record would refuse every write, so it is refused when stored — by the control API, by
// `validate` and on loading — saying what to change. No 422 blames a client for the id the engine gave.

const server = await startTestEngine({ template: 'blank' });
const api = controlClient(server);

interface Conflict {
  collection: Record<string, unknown>;
  at: (string | number)[];
  words: RegExp;
}

const CONFLICTS: Conflict[] = [
  {
    collection: {
      id: 'closed',
      path: '/closed',
      schema: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } },
    },
    at: ['schema', 'additionalProperties'],
    words: /does not allow \(additionalProperties is false .*\): add "id": \{"type":"integer"\} to its "properties"$/,
  },
  {
    collection: {
      id: 'sealed',
      path: '/sealed',
      idType: 'uuid',
      schema: { type: 'object', unevaluatedProperties: false, properties: { name: { type: 'string' } } },
    },
    at: ['schema', 'unevaluatedProperties'],
    words: /add "id": \{"type":"string","format":"uuid"\} to its "properties"$/,
  },
  {
    collection: { id: 'words', path: '/words', schema: { type: 'string' } },
    at: ['schema', 'type'],
    words: /^a collection's records are JSON objects, and this schema takes none \(its type is "string"\)/,
  },
  {
    collection: {
      id: 'typed',
      path: '/typed',
      idType: 'integer',
      schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    },
    at: ['schema', 'properties', 'id', 'type'],
    words: /ids are integers \(idType "integer"\), but the schema types "id" as "string": make it \{"type":"integer"\}/,
  },
  {
    // Found where it is, through a $ref.
    collection: {
      id: 'notes',
      path: '/notes',
      idField: 'key',
      idType: 'string',
      schema: { $ref: '#/$defs/note', $defs: { note: { type: 'object', properties: { key: { type: 'integer' } } } } },
    },
    at: ['schema', '$defs', 'note', 'properties', 'key', 'type'],
    words: /ids are strings \(idType "string"\), but the schema types "key" as "integer"/,
  },
];

test('a schema that takes no record the engine makes is refused by the control API, at its field, saying what to change', async () => {
  for (const { collection, at, words } of CONFLICTS) {
    const refused = await api.post<{ detail: ValidationIssue[] }>('/collections', collection);
    assert.equal(refused.status, 422, String(collection.id));
    const [issue, ...others] = refused.body.detail;
    assert.deepEqual([issue?.loc, others], [['body', ...at], []], String(collection.id));
    assert.match(issue?.msg ?? '', words, String(collection.id));
  }
  assert.equal((await api.get<{ total: number }>('/collections')).body.total, 0, 'none was stored');
});

test('validate and loading refuse the same schemas, each at its path in the workspace', async () => {
  const file = join(await workspaceDir(), 'conflicts.agui.json');
  await writeFile(
    file,
    JSON.stringify({ version: 2, name: 'conflicts', collections: CONFLICTS.map((c) => c.collection) }),
  );
  const refusal = await readWorkspaceFile(file).then(
    () => assert.fail('the workspace loaded'),
    (error: { path: string; problem: string; otherProblems: { path: string; problem: string }[] }) => error,
  );
  const problems = [{ path: refusal.path, problem: refusal.problem }, ...refusal.otherProblems];
  assert.deepEqual(
    problems.map(({ path }) => path),
    CONFLICTS.map(({ at }, index) => ['collections', index, ...at].join('.')),
  );
  problems.forEach(({ problem }, index) => {
    assert.match(problem.replace(/ \(and \d+ more problems?\)$/, ''), CONFLICTS[index]?.words ?? /^$/);
  });
});

test('a closed schema that lists the id takes records; a field the client added is the one refused', async () => {
  const closed = {
    id: 'closed',
    path: '/closed',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
    },
  };
  assert.equal((await api.post('/collections', closed)).status, 201);
  const created = await post('/closed', { name: 'x' });
  assert.deepEqual([created.status, created.body], [201, { id: 1, name: 'x' }]);
  const extra = await post('/closed', { name: 'y', colour: 'red' });
  assert.equal(extra.status, 422);
  assert.deepEqual(
    (extra.body as { detail: ValidationIssue[] }).detail.map(({ type, loc, input }) => ({ type, loc, input })),
    [{ type: 'extra_forbidden', loc: ['body', 'colour'], input: 'red' }],
  );
});

test('an id the engine gives that the schema refuses is said to be the engine’s, not blamed on the client', async () => {
  // Ids from 100 up: a record sent with one is taken, and the ids given count up from it.
  const numbered = {
    id: 'numbered',
    path: '/numbered',
    schema: { type: 'object', properties: { id: { type: 'integer', minimum: 100 } } },
  };
  assert.equal((await api.post('/collections', numbered)).status, 201);
  const first = await post('/numbered', { name: 'x' });
  assert.equal(first.status, 422);
  assert.deepEqual((first.body as { detail: ValidationIssue[] }).detail, [
    {
      type: 'value_error',
      loc: ['body', 'id'],
      msg: "Value error, the id 1 this collection gives a record sent without one is refused by its schema (Input should be greater than or equal to 100): send an id the schema takes, or fix the collection's schema",
      input: null,
    },
  ]);
  assert.equal((await post('/numbered', { id: 100 })).status, 201);
  assert.deepEqual(await post('/numbered', { name: 'y' }), { status: 201, body: { id: 101, name: 'y' } });
});

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
