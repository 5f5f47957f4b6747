import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HttpMountParts, HttpMounts } from '../src/server/routes/http-mounts';
import { compileRoutes } from '../src/server/routes/route-compiler';
import { MountValidationError } from '../src/server/world/mount-validation-error';
import { type CollectionInput, CollectionSchema } from '../src/shared/mounts/collection';
import { type RouteInput, RouteSchema } from '../src/shared/mounts/route';
import { StaticFolderSchema } from '../src/shared/mounts/static-folder';
import { DEFAULT_SETTINGS } from '../src/shared/settings';

const env = { baseDir: '/work/space', settings: () => DEFAULT_SETTINGS };
const route = (input: Partial<RouteInput>) =>
  RouteSchema.parse({ id: 'r', path: '/x', responses: [{ id: 'ok' }], ...input });

/** The issues compiling `parts` reports (and that it reports them all at once, as one error). */
function issuesOf(parts: HttpMountParts): Record<string, string> {
  try {
    HttpMounts.compile(parts, env);
  } catch (error) {
    assert.ok(error instanceof MountValidationError, String(error));
    return Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message]));
  }
  assert.fail('compiled without problems');
}

test('every problem of every route is reported at its path from the workspace root', () => {
  const issues = issuesOf({
    routes: [
      route({ id: 'fine', path: '/fine/:id' }),
      route({ id: 'bad-path', path: '/items/:' }),
      route({
        id: 'bad-response',
        responses: [
          {
            id: 'a',
            when: {
              query: { q: { regex: '(a)\\1' } },
              body: [
                { path: '$.items[?(@.name.repeat(9))]', exists: true },
                { path: 'items', exists: true },
              ],
            },
            headers: { 'Bad Header': 'x', 'Content-Length': '3', Trailer: 'X-Sum', 'X-Ok': 'line\nbreak' },
            body: { json: { name: '{{nope}}', list: ['ok', '{{#if query.a}}unclosed'], helper: '{{shout query.a}}' } },
          },
          { id: 'b', body: { text: '{{> partial}}' } },
          { id: 'c', body: { file: '../outside.json' } },
          { id: 'd', body: { file: '/etc/passwd' } },
          { id: 'e', body: { file: 'data/.hidden.json' } },
        ],
      }),
      route({
        id: 'bad-schemas',
        validate: {
          query: { type: 'integr' },
          headers: { type: 'object', properties: { 'X-Token': { type: 'string' } } },
          body: { type: 'object', properties: { code: { type: 'string', pattern: '(?<=x)y' } } },
        },
      }),
    ],
    collections: [
      CollectionSchema.parse({
        id: 'things',
        path: '/things/:kind',
        schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        records: [{ id: 1, name: 'a' }, { id: 1, name: 'b' }, { id: 'two', name: 'c' }, { name: 'no id' }, { id: 3 }],
      } satisfies CollectionInput),
    ],
    staticFolders: [StaticFolderSchema.parse({ id: 'files', path: '/files/:name', folder: 'files' })],
  });
  assert.deepEqual(Object.keys(issues).sort(), [
    'collections.0.path',
    'collections.0.records.1.id',
    'collections.0.records.2.id',
    'collections.0.records.3.id',
    'collections.0.records.4.name',
    'routes.1.path',
    'routes.2.responses.0.body.json.helper',
    'routes.2.responses.0.body.json.list.1',
    'routes.2.responses.0.body.json.name',
    'routes.2.responses.0.headers.Bad Header',
    'routes.2.responses.0.headers.Content-Length',
    'routes.2.responses.0.headers.Trailer',
    'routes.2.responses.0.headers.X-Ok',
    'routes.2.responses.0.when.body.0.path',
    'routes.2.responses.0.when.body.1.path',
    'routes.2.responses.0.when.query.q',
    'routes.2.responses.1.body.text',
    'routes.2.responses.2.body.file',
    'routes.2.responses.3.body.file',
    'routes.2.responses.4.body.file',
    'routes.3.validate.body',
    'routes.3.validate.headers',
    'routes.3.validate.query',
    'staticFolders.0.path',
  ]);
  assert.match(issues['routes.1.path'] ?? '', /^invalid path pattern: Missing parameter name/);
  assert.match(issues['routes.2.responses.0.when.query.q'] ?? '', /invalid escape sequence.*RE2 syntax/);
  assert.match(issues['routes.2.responses.0.when.body.0.path'] ?? '', /filters cannot call methods/);
  assert.match(issues['routes.2.responses.0.when.body.1.path'] ?? '', /starts with \$/);
  assert.match(issues['routes.2.responses.0.body.json.name'] ?? '', /^template error: unknown name "nope"/);
  assert.match(issues['routes.2.responses.0.body.json.list.1'] ?? '', /^template error: does not parse: line 1/);
  assert.match(issues['routes.2.responses.0.body.json.helper'] ?? '', /^template error: unknown helper "shout"/);
  assert.match(issues['routes.2.responses.1.body.text'] ?? '', /partials .* are not supported/);
  assert.match(issues['routes.2.responses.2.body.file'] ?? '', /outside the workspace folder/);
  assert.match(issues['routes.2.responses.3.body.file'] ?? '', /is absolute/);
  assert.match(issues['routes.2.responses.4.body.file'] ?? '', /hidden/);
  assert.match(issues['routes.2.responses.0.headers.Content-Length'] ?? '', /set by the engine/);
  assert.match(issues['routes.3.validate.query'] ?? '', /^invalid JSON Schema: schema is invalid/);
  assert.match(issues['routes.3.validate.headers'] ?? '', /lower-case: write "x-token"/);
  assert.match(issues['routes.3.validate.body'] ?? '', /not a pattern the engine can run.*RE2 syntax/);
  assert.match(issues['collections.0.path'] ?? '', /literal/);
  assert.equal(issues['collections.0.records.1.id'], 'duplicate id 1');
  assert.equal(issues['collections.0.records.2.id'], 'Input should be a valid integer');
  assert.equal(issues['collections.0.records.3.id'], 'Field required');
  assert.equal(issues['collections.0.records.4.name'], 'Field required');
});

test('conditions and schemas may only name parameters the path has', () => {
  const issues = issuesOf({
    routes: [
      route({
        path: '/items/:id',
        validate: { params: { type: 'object', required: ['item_id'] } },
        responses: [{ id: 'a', when: { params: { item_id: 1, id: 2 } } }],
      }),
    ],
  });
  assert.deepEqual(issues, {
    'routes.0.validate.params': 'requires parameter "item_id", but the path /items/:id does not have it (it has :id)',
    'routes.0.responses.0.when.params.item_id': 'the path /items/:id has no parameter "item_id" (it has :id)',
  });
});

test('disabled mounts are checked too: enabling one must not break the world', () => {
  assert.deepEqual(Object.keys(issuesOf({ routes: [route({ enabled: false, path: '/a/(' })] })), ['routes.0.path']);
});

test('compileRoutes compiles a list of routes alone, with the same checks; duplicates of method and path are fine', () => {
  const compiled = compileRoutes([route({ id: 'a' }), route({ id: 'b' })], env);
  assert.deepEqual(
    compiled.map((item) => [item.route.id, item.methods]),
    [
      ['a', ['GET', 'HEAD']],
      ['b', ['GET', 'HEAD']],
    ],
  );
  assert.throws(
    () => compileRoutes([route({ responses: [{ id: 'x', body: { json: '{{body.a b}}' } }] })], env),
    (error: unknown) =>
      error instanceof MountValidationError &&
      error.issues.length === 1 &&
      error.issues[0]?.path === 'routes.0.responses.0.body.json' &&
      /unknown helper "body.a"/.test(error.issues[0]?.message ?? ''),
  );
});

test('templates that read the body make the route read it; others leave it alone', () => {
  const [reads, ignores, validates, conditions] = compileRoutes(
    [
      route({ id: 'reads', responses: [{ id: 'a', headers: { 'X-Name': '{{body.name}}' } }] }),
      route({
        id: 'ignores',
        responses: [{ id: 'a', body: { json: { q: '{{query.q}}', each: '{{#each headers}}{{this}}{{/each}}' } } }],
      }),
      route({ id: 'validates', validate: { body: { type: 'object' } } }),
      route({ id: 'conditions', responses: [{ id: 'a', when: { body: [{ path: '$.a', exists: true }] } }] }),
    ],
    env,
  );
  assert.deepEqual(
    [reads, ignores, validates, conditions].map((item) => item?.needsBody),
    [true, false, true, true],
  );
});

test('a MountValidationError says every problem in its message too', () => {
  const error = new MountValidationError([
    { path: 'routes.0.path', message: 'bad' },
    { path: 'routes.1.path', message: 'worse' },
  ]);
  assert.equal(error.message, '2 problems: routes.0.path: bad; routes.1.path: worse');
});

test('a response status is final: 1xx statuses are refused with a message that says why', () => {
  const refused = RouteSchema.safeParse({ id: 'r', path: '/r', responses: [{ id: 'a', status: 101 }] });
  assert.equal(refused.success, false);
  assert.match(String(refused.error?.issues[0]?.message), /200 to 599.*interim/);
  assert.equal(RouteSchema.safeParse({ id: 'r', path: '/r', responses: [{ id: 'a', status: 599 }] }).success, true);
});

test("a static folder's index is a file name in that folder: no path, NUL or hidden name is stored to fail later", () => {
  const folder = (index: string) => StaticFolderSchema.safeParse({ id: 's', path: '/s', folder: 'public', index });
  for (const index of ['a\u0000b', '/etc/hostname', '../secret.html', 'sub/index.html', '.index.html', 'a\\b']) {
    const parsed = folder(index);
    assert.equal(parsed.success, false, JSON.stringify(index));
    assert.match(String(parsed.error?.issues[0]?.message), /a file name in the folder/);
  }
  for (const index of ['index.html', 'home.htm', '']) assert.equal(folder(index).success, true, JSON.stringify(index));
});

test('an edit serves the routes it left with the entries they had; another environment makes them all again', () => {
  // Making every route's entry again made an edit of one route among 10,000 hold the engine ~130 ms, most of it the
  // garbage of 10,000 entries; observed by identity, as the table hands a request its candidates.
  const entryFor = (mounts: HttpMounts, path: string) =>
    (mounts as unknown as { index: { candidates(method: string, path: string): unknown[] } }).index.candidates(
      'GET',
      path,
    )[0];
  const [a, b] = [route({ id: 'a', path: '/a' }), route({ id: 'b', path: '/b' })];
  const first = HttpMounts.compile({ routes: [a, b] }, env);
  const edited = HttpMounts.compile(
    { routes: [a, route({ id: 'b', path: '/b', responses: [{ id: 'ok', status: 201 }] })] },
    env,
    [],
    first,
  );
  assert.ok(entryFor(first, '/a'));
  assert.equal(entryFor(edited, '/a'), entryFor(first, '/a'), 'route a, left as it was, keeps its entry');
  assert.notEqual(entryFor(edited, '/b'), entryFor(first, '/b'), 'the edited route gets a new one');
  const moved = HttpMounts.compile({ routes: [b, a] }, env, [], edited);
  assert.equal(entryFor(moved, '/a'), entryFor(first, '/a'), 'a route moved keeps its entry too');
  // Entries answer with what they were made with: another environment (another folder, say) makes them again.
  const elsewhere = HttpMounts.compile({ routes: [b, a] }, { ...env }, [], moved);
  assert.notEqual(entryFor(elsewhere, '/a'), entryFor(moved, '/a'));
  // Disabled, a route is in the table no more.
  const disabled = HttpMounts.compile({ routes: [b, { ...a, enabled: false }] }, env, [], moved);
  assert.equal(entryFor(disabled, '/a'), undefined);
});
