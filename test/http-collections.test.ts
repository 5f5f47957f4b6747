import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectionBudget, recordFileBytes } from '../src/server/routes/collections/collection-budget';
import { CollectionStore } from '../src/server/routes/collections/collection-store';
import { CollectionSchema } from '../src/shared/mounts/collection';
import type { CollectionChange } from '../src/shared/mounts/collection-change';
import { startMountsApp } from './helpers/http-mounts-app';

const books = [
  { id: 1, title: 'Dune', author: { name: 'Herbert' }, year: 1965, tags: ['sf'] },
  { id: 2, title: 'Emma', author: { name: 'Austen' }, year: 1815 },
  { id: 3, title: 'Ubik', author: { name: 'Dick' }, year: 1969 },
  { id: 4, title: 'Solaris', author: { name: 'Lem' }, year: 1961 },
  { id: 5, title: 'Hyperion', author: { name: 'Simmons' }, year: 1989 },
];
/** Numbers, numeric text, text in both cases, null, ties and a record without the field. */
const mixed = [
  { id: 1, v: 'b' },
  { id: 2, v: 10 },
  { id: 3, v: 'B' },
  { id: 4 },
  { id: 5, v: 9 },
  { id: 6, v: '10a' },
  { id: 7, v: '2' },
  { id: 8, v: null },
  { id: 9, v: 'b' },
  { id: 10, v: 9 },
];
/** 400 records of few distinct values (many ties), some without them, in no order. */
let seed = 7;
const draw = (range: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % range;
};
const shuffled = Array.from({ length: 400 }, (_, index) => {
  const kind = draw(10);
  return {
    id: index + 1,
    ...(kind === 0 ? {} : { v: kind < 6 ? draw(20) : ['x', 'X', 'y', '7'][draw(4)] }),
    w: draw(3),
  };
});
const app = await startMountsApp(
  {
    collections: [
      CollectionSchema.parse({
        id: 'books',
        path: '/books',
        schema: {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 1 },
            year: { type: 'integer' },
            pages: { type: 'integer', minimum: 1 },
            status: { enum: ['draft', 'published'], default: 'draft' },
          },
          required: ['title'],
        },
        records: books,
      }),
      CollectionSchema.parse({ id: 'notes', path: '/notes/', idType: 'uuid', idField: 'uuid' }),
      CollectionSchema.parse({ id: 'tags', path: '/api/tags', idType: 'string', idField: 'slug' }),
      CollectionSchema.parse({
        id: 'documents',
        path: '/documents',
        idType: 'string',
        idField: '_id',
        records: [{ _id: 'a1' }, { _id: 'b2' }],
      }),
      CollectionSchema.parse({ id: 'counters', path: '/counters', records: [{ id: Number.MAX_SAFE_INTEGER }] }),
      // A path outside Latin-1, and a record with an array longer than a call's arguments may be.
      CollectionSchema.parse({
        id: 'marks',
        path: '/✓ marks',
        records: [{ id: 1, readings: new Array(200_000).fill(0), label: 'needle' }],
      }),
      // Already escaped, and with a character a path may carry as it is: its Location must lead back here.
      CollectionSchema.parse({ id: 'escaped', path: '/a%20b@c' }),
      CollectionSchema.parse({ id: 'mixed', path: '/mixed', records: mixed }),
      CollectionSchema.parse({ id: 'shuffled', path: '/shuffled', records: shuffled }),
    ],
  },
  { limits: { maxBodyBytes: 2048, maxJsonDepth: 8 } },
);
const changes: CollectionChange[] = [];
app.mounts.onCollectionChange((change) => changes.push(change));

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${app.base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
  });
const list = async (query: string) => {
  const response = await fetch(`${app.base}/books${query}`);
  assert.equal(response.status, 200);
  const items = (await response.json()) as { id: number }[];
  return { ids: items.map((item) => item.id), total: response.headers.get('x-total-count'), response };
};
const detail = async (response: Response) => ((await response.json()) as { detail: unknown }).detail;

test('GET lists the records with X-Total-Count; filters, full text, sorting and paging follow json-server', async () => {
  const all = await list('');
  assert.deepEqual(all.ids, [1, 2, 3, 4, 5]);
  assert.equal(all.total, '5');
  assert.equal(all.response.headers.get('access-control-expose-headers'), 'X-Total-Count, Link');
  assert.deepEqual((await list('?title=Emma')).ids, [2]);
  assert.deepEqual((await list('?id=1&id=3')).ids, [1, 3]);
  assert.deepEqual((await list('?author.name=Lem')).ids, [4]);
  assert.deepEqual((await list('?year_gte=1965&year_lte=1969')).ids, [1, 3]);
  assert.deepEqual((await list('?title_ne=Dune&year_gte=1960')).ids, [3, 4, 5]);
  assert.deepEqual((await list('?title_like=^[dh]')).ids, [1, 5]);
  assert.deepEqual((await list('?q=dick')).ids, [3]);
  assert.deepEqual((await list('?_sort=year')).ids, [2, 4, 1, 3, 5]);
  assert.deepEqual((await list('?_sort=year&_order=desc')).ids, [5, 3, 1, 4, 2]);
  assert.deepEqual((await list('?_sort=-title')).ids, [3, 4, 5, 2, 1]);
  const page = await list('?_sort=year&_page=2&_limit=2');
  assert.deepEqual(page.ids, [1, 3]);
  assert.equal(page.total, '5');
  const links = page.response.headers.get('link') ?? '';
  assert.match(links, /_page=1&_limit=2>; rel="first"/);
  assert.match(links, /_page=1&_limit=2>; rel="prev"/);
  assert.match(links, /_page=3&_limit=2>; rel="next"/);
  assert.match(links, /_page=3&_limit=2>; rel="last"/);
  const own = `<${app.base}/books?_sort=year&_page=1&_limit=2>; rel="first"`;
  assert.ok(links.startsWith(own), `links lead to the mock itself: ${links}`);
  // A browser's Origin is the page that sent the request, not where the links lead.
  const fromPage = await fetch(`${app.base}/books?_page=2&_limit=2`, { headers: { origin: 'http://localhost:3000' } });
  assert.ok(fromPage.headers.get('link')?.startsWith(`<${app.base}/books?`), 'the same links for a browser');
  assert.deepEqual((await list('?_page=1&_per_page=3')).ids, [1, 2, 3]);
  assert.deepEqual((await list('?_start=1&_end=3')).ids, [2, 3]);
  assert.deepEqual((await list('?_start=3&_limit=1')).ids, [4]);
  // A name starting with `_` filters too (a record's `_id`), except the list's own and a cache-buster's (`_`).
  assert.deepEqual((await list('?_=1701000000000&callback=x')).ids, [1, 2, 3, 4, 5]);
  assert.deepEqual((await list('?_rev=1')).ids, []);
  assert.deepEqual((await list('?__proto__=1')).ids, [], 'no record has a key of that name');
  const byId = await (await fetch(`${app.base}/documents?_id=b2`)).json();
  assert.deepEqual(byId, [{ _id: 'b2' }]);
});

test('_sort orders numbers as numbers before text by character code, ties as stored, records without the field last', async () => {
  const ids = async (query: string) => {
    const response = await fetch(`${app.base}/mixed?${query}`);
    assert.equal(response.status, 200);
    return ((await response.json()) as { id: number }[]).map((record) => record.id);
  };
  // '2' reads as a number; '10a' does not, and as text comes before 'B', which comes before 'b'; null as its JSON.
  assert.deepEqual(await ids('_sort=v'), [7, 5, 10, 2, 6, 3, 1, 9, 8, 4]);
  assert.deepEqual(await ids('_sort=-v'), [8, 1, 9, 3, 6, 2, 5, 10, 7, 4], 'reversed, ties as stored, missing last');
  assert.deepEqual(await ids('_sort=v,-id'), [7, 10, 5, 2, 6, 3, 9, 1, 8, 4]);
  // The first few are picked without sorting all: the same records, in the same order.
  assert.deepEqual(await ids('_sort=v&_limit=3'), [7, 5, 10]);
  assert.deepEqual(await ids('_sort=-v&_start=1&_end=3'), [1, 9]);
  // The range filters follow the same order.
  assert.deepEqual(await ids('v_gte=10&_sort=v'), [2, 6, 3, 1, 9, 8]);
  assert.deepEqual(await ids('v_lte=B&_sort=v'), [7, 5, 10, 2, 6, 3]);
});

test('a page of a sorted list is that page of the whole sorted list', async () => {
  const ids = async (query: string) =>
    ((await (await fetch(`${app.base}/shuffled?${query}`)).json()) as { id: number }[]).map((record) => record.id);
  for (const sort of ['v', '-v', 'v,-w', '-w,v,-id']) {
    const all = await ids(`_sort=${sort}`);
    assert.equal(all.length, shuffled.length);
    for (const limit of [1, 7, 20, 21]) {
      assert.deepEqual(await ids(`_sort=${sort}&_limit=${limit}`), all.slice(0, limit), `${sort}, first ${limit}`);
      assert.deepEqual(await ids(`_sort=${sort}&_page=2&_limit=${limit}`), all.slice(limit, 2 * limit));
    }
  }
});

test('bad list parameters are FastAPI 422s', async () => {
  const response = await fetch(`${app.base}/books?_page=abc&_limit=-1&_order=up&title_like=(a)\\1`);
  assert.equal(response.status, 422);
  const issues = (await detail(response)) as { type: string; loc: unknown[] }[];
  assert.deepEqual(
    issues.map((issue) => [issue.type, issue.loc]),
    [
      ['value_error', ['query', 'title_like']],
      ['int_parsing', ['query', '_page']],
      ['greater_than_equal', ['query', '_limit']],
      ['enum', ['query', '_order']],
    ],
  );
  // The pattern as sent, not as the engine compiles it (case folded).
  const unclosed = await fetch(`${app.base}/books?title_like=(ab`);
  const [issue] = (await detail(unclosed)) as { msg: string }[];
  assert.match(issue?.msg ?? '', /^Value error, not a pattern the engine can run: .*`\(ab`/);
  assert.doesNotMatch(issue?.msg ?? '', /\(\?i\)/);
});

test('GET, POST, PUT, PATCH and DELETE a record; ids are typed', async () => {
  assert.deepEqual(await (await send('GET', '/books/2')).json(), books[1]);
  const missing = await send('GET', '/books/99');
  assert.equal(missing.status, 404);
  assert.deepEqual(await detail(missing), 'No record with id 99 in books');
  const typed = await send('GET', '/books/abc');
  assert.equal(typed.status, 422);
  assert.deepEqual(await typed.json(), {
    detail: [
      {
        type: 'int_parsing',
        loc: ['path', 'id'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: 'abc',
      },
    ],
  });

  const created = await send('POST', '/books', { title: 'Neuromancer', year: 1984 });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), '/books/6');
  assert.deepEqual(await created.json(), { title: 'Neuromancer', year: 1984, id: 6, status: 'draft' });
  const chosen = await send('POST', '/books', { id: 10, title: 'Kindred' });
  assert.equal(chosen.status, 201);
  const taken = await send('POST', '/books', { id: 10, title: 'Again' });
  assert.equal(taken.status, 409);
  assert.deepEqual(await detail(taken), 'A record with id 10 already exists in books');
  assert.deepEqual(((await (await send('POST', '/books', { title: 'Next' })).json()) as { id: number }).id, 11);

  const replaced = await send('PUT', '/books/10', { title: 'Kindred', year: 1979, status: 'published' });
  assert.deepEqual(await replaced.json(), { title: 'Kindred', year: 1979, status: 'published', id: 10 });
  const patched = await send('PATCH', '/books/10', { year: null, note: { short: true } });
  assert.deepEqual(await patched.json(), { title: 'Kindred', status: 'published', id: 10, note: { short: true } });
  const deleted = await send('DELETE', '/books/10');
  assert.equal(deleted.status, 204);
  assert.equal(await deleted.text(), '');
  assert.equal((await send('GET', '/books/10')).status, 404);
  assert.equal((await send('DELETE', '/books/10')).status, 404);
  assert.equal((await send('PUT', '/books/10', { title: 'x' })).status, 404);
});

test('every write is checked completely before anything changes', async () => {
  const before = JSON.stringify(app.mounts.collection('books')?.list());
  const refused = [
    await send('POST', '/books', ['not', 'an', 'object']),
    await send('POST', '/books', { title: '', year: 'old', status: 'lost' }),
    await send('POST', '/books', { id: 'seven', title: 'x' }),
    await send('POST', '/books', '{"title": "broken"'),
    await send('POST', '/books'),
    await send('PUT', '/books/1', { id: 2, title: 'Dune' }),
    await send('PUT', '/books/1', { year: 1965 }),
    await send('PATCH', '/books/1', { title: 42 }),
    await send('PATCH', '/books/1', { id: 2 }),
    await send('PATCH', '/books/1', [1]),
  ];
  assert.deepEqual(
    refused.map((response) => response.status),
    [422, 422, 422, 422, 422, 422, 422, 422, 422, 422],
  );
  assert.deepEqual(await detail(refused[0] as Response), [
    {
      type: 'model_attributes_type',
      loc: ['body'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: ['not', 'an', 'object'],
    },
  ]);
  assert.deepEqual(
    ((await detail(refused[1] as Response)) as { type: string; loc: unknown[] }[]).map((issue) => [
      issue.type,
      issue.loc,
    ]),
    [
      ['string_too_short', ['body', 'title']],
      ['int_parsing', ['body', 'year']],
      ['enum', ['body', 'status']],
    ],
  );
  assert.deepEqual(((await detail(refused[2] as Response)) as { type: string }[])[0]?.type, 'int_type');
  assert.equal(JSON.stringify(app.mounts.collection('books')?.list()), before);
  const form = await fetch(`${app.base}/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'title=Form',
  });
  assert.equal(form.status, 422);
  assert.match(String(((await detail(form)) as { msg: string }[])[0]?.msg), /send the body as application\/json/);
  // Text read as a number (FastAPI's lax JSON) that still breaks the schema is echoed as the client sent it.
  const lax = await send('POST', '/books', { title: 'x', pages: '0' });
  assert.equal(lax.status, 422);
  assert.deepEqual(await detail(lax), [
    {
      type: 'greater_than_equal',
      loc: ['body', 'pages'],
      msg: 'Input should be greater than or equal to 1',
      input: '0',
      ctx: { ge: 1 },
    },
  ]);
  // A missing field echoes the record it is missing from, as sent: without the id the engine would give it.
  const missing = await send('POST', '/books', { year: 1999 });
  assert.deepEqual(await detail(missing), [
    { type: 'missing', loc: ['body', 'title'], msg: 'Field required', input: { year: 1999 } },
  ]);
  const deep = await send('POST', '/books', { title: 'x', nested: [[[[[[[[1]]]]]]]] });
  assert.equal(deep.status, 400);
  assert.equal(JSON.stringify(app.mounts.collection('books')?.list()), before);
});

test('an integer id is never generated past the largest a JSON number keeps exactly', async () => {
  const refused = await send('POST', '/counters', { label: 'one more' });
  assert.equal(refused.status, 422);
  const [issue] = (await detail(refused)) as { loc: unknown[]; msg: string }[];
  assert.deepEqual(issue?.loc, ['body', 'id']);
  assert.match(String(issue?.msg), /no integer id is left to give.*give the record an id of its own/);
  assert.equal(app.mounts.collection('counters')?.list().length, 1);
  // An id of its own is still taken, and every record stays servable.
  assert.equal((await send('POST', '/counters', { id: 7, label: 'seven' })).status, 201);
  assert.equal((await fetch(`${app.base}/counters/${Number.MAX_SAFE_INTEGER}`)).status, 200);
});

test('records as a workspace holds them load whatever maxJsonDepth is now: they were checked when written', () => {
  const nested = { id: 99, title: 'Deep', nested: [[[[[[[[[[1]]]]]]]]]] };
  const store = app.mounts.collection('books');
  assert.ok(store);
  // Deeper than this app's maxJsonDepth (8): refused as a new record, loaded as a stored one.
  assert.equal(store.checkAll([nested]).issues.length, 0);
  assert.throws(
    () => store.create(nested),
    (error: { issues?: { msg: string }[] }) => /nested deeper/.test(String(error.issues?.[0]?.msg)),
  );
});

test('uuid and string ids; a trailing slash in the path is the same collection', async () => {
  const note = (await (await send('POST', '/notes', { text: 'hi' })).json()) as { uuid: string };
  assert.match(note.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(await (await send('GET', `/notes/${note.uuid.toUpperCase()}`)).json(), note);
  const bad = await send('GET', '/notes/42');
  assert.equal(bad.status, 422);
  assert.equal(((await detail(bad)) as { type: string }[])[0]?.type, 'uuid_parsing');
  assert.equal((await send('POST', '/notes', { uuid: 'nope' })).status, 422);

  const tag = await send('POST', '/api/tags', { slug: 'sci fi', label: 'SF' });
  assert.equal(tag.headers.get('location'), '/api/tags/sci%20fi');
  assert.deepEqual(await (await send('GET', '/api/tags/sci%20fi')).json(), { slug: 'sci fi', label: 'SF' });
  assert.equal((await send('POST', '/api/tags', { slug: '' })).status, 422);

  // An id must be able to stand in a URL: refused when it could not, and nothing is stored.
  const typeOf = async (response: Response) => ((await detail(response)) as { type: string }[])[0]?.type;
  const lone = await send('POST', '/api/tags', '{"slug":"\\ud800"}');
  assert.equal(lone.status, 422);
  assert.equal(await typeOf(lone), 'string_unicode');
  const long = await send('POST', '/api/tags', { slug: 'x'.repeat(1001) });
  assert.equal(long.status, 422);
  assert.equal(await typeOf(long), 'string_too_long');
  assert.equal((await send('POST', '/api/tags', { slug: 'x'.repeat(1000) })).status, 201);
  const huge = await send('POST', '/books', '{"id":99999999999999999999,"title":"Big"}');
  assert.equal(huge.status, 422);
  assert.match(JSON.stringify(await detail(huge)), /an integer id is at most 9007199254740991/);
  const slugs = ((await (await send('GET', '/api/tags')).json()) as { slug: string }[]).map((tag) => tag.slug.length);
  assert.deepEqual(slugs, [6, 1000], 'only the ids that can be served were stored');
});

test('any path and any record size: Location is percent-encoded, full text searches long arrays', async () => {
  const created = await send('POST', '/%E2%9C%93%20marks', { label: 'second' });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), '/%E2%9C%93%20marks/2');
  assert.deepEqual(await (await send('GET', '/%E2%9C%93%20marks/2')).json(), { label: 'second', id: 2 });
  const escaped = await send('POST', '/a%20b@c', { label: 'third' });
  assert.equal(escaped.headers.get('location'), '/a%20b@c/1');
  assert.deepEqual(await (await send('GET', escaped.headers.get('location') ?? '')).json(), { label: 'third', id: 1 });
  const found = await send('GET', '/%E2%9C%93%20marks?q=NEEDLE');
  assert.equal(found.status, 200);
  assert.deepEqual(
    ((await found.json()) as { id: number }[]).map((record) => record.id),
    [1],
  );
  assert.deepEqual(await (await send('GET', '/%E2%9C%93%20marks?q=nowhere')).json(), []);
});

test('changes are announced in order, for the workspace and the console', async () => {
  changes.length = 0;
  await send('POST', '/books', { id: 50, title: 'Watched' });
  await send('PATCH', '/books/50', { year: 2000 });
  await send('PUT', '/books/50', { title: 'Watched again' });
  await send('DELETE', '/books/50');
  await send('POST', '/books', { title: '' });
  assert.deepEqual(
    changes.map((change) => [change.type, change.collection, 'id' in change ? change.id : undefined]),
    [
      ['created', 'books', 50],
      ['patched', 'books', 50],
      ['replaced', 'books', 50],
      ['deleted', 'books', 50],
    ],
  );
  const store = app.mounts.collection('notes');
  assert.throws(() => store?.reset([{ uuid: 'bad' }]), { name: 'RequestValidationError' });
  store?.reset([{ uuid: '0b7e8b8e-4f5c-4c33-9d2a-9b4f2d3c1a00', text: 'fresh' }]);
  assert.deepEqual(changes.at(-1), {
    type: 'reset',
    collection: 'notes',
    records: [{ uuid: '0b7e8b8e-4f5c-4c33-9d2a-9b4f2d3c1a00', text: 'fresh' }],
  });
});

test('HEAD lists without a body; methods a collection does not serve go on to the 404', async () => {
  const head = await fetch(`${app.base}/books`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.ok(head.headers.get('x-total-count'));
  assert.equal(await head.text(), '');
  const nope = await send('DELETE', '/books');
  assert.equal(nope.status, 404);
  assert.deepEqual(app.logged, []);
});

test('all collections share a bound on what their records take in the workspace file; a write past it is a 413', () => {
  const budget = new CollectionBudget(4000);
  const limits = () => ({ maxJsonDepth: 64 });
  const notes = new CollectionStore(CollectionSchema.parse({ id: 'notes', path: '/notes' }), undefined, limits, budget);
  const logs = new CollectionStore(CollectionSchema.parse({ id: 'logs', path: '/logs' }), undefined, limits, budget);
  // Written out, an array of small values takes far more room than sent: a line per value, indented.
  const zeros = { values: Array.from({ length: 100 }, () => 0) };
  // Its lines indented eight spaces, and the line break and comma that set it apart from the next record.
  assert.equal(recordFileBytes({ id: 1, ...zeros }), JSON.stringify({ id: 1, ...zeros }, null, 2).length + 105 * 8 + 2);
  // In UTF-8 bytes, as the file takes them: a character may take three, and 32 Mi of them would pass 64 MiB.
  assert.equal(
    recordFileBytes({ id: 1, text: '€€' }),
    JSON.stringify({ id: 1, text: '€€' }, null, 2).length + 4 + 4 * 8 + 2,
  );
  notes.create(zeros);
  logs.create(zeros);
  const full = (() => {
    try {
      notes.create(zeros);
      return undefined;
    } catch (error) {
      return error as { status?: number; message: string };
    }
  })();
  assert.equal(full?.status, 413);
  assert.match(String(full?.message), /hold at most .* delete records first/);
  assert.equal(notes.list().length, 1, 'nothing stored');
  // Deleting makes room; a smaller replacement always fits.
  logs.remove(1);
  notes.create(zeros);
  notes.replace(1, { id: 1, values: [] });
  assert.ok(budget.usedBytes <= budget.limit);
  // The console's reset of a whole list is held to it too, checked before anything is stored; a smaller one fits.
  const held = notes.list();
  assert.throws(
    () =>
      logs.reset(
        [1, 2, 3].map((id) => ({ id, ...zeros })),
        ['body', 'items'],
        () => {},
      ),
    (error: { status?: number; message: string }) =>
      error.status === 413 && /this list of 3 records \(\d+ bytes\) does not fit in logs/.test(error.message),
  );
  assert.deepEqual(logs.list(), [], 'nothing stored');
  logs.reset([{ id: 7, values: [] }], ['body', 'items'], () => {});
  assert.deepEqual(notes.list(), held);
  assert.ok(budget.usedBytes <= budget.limit);
});
