import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { OpenApiImportError } from '../src/server/openapi/openapi-import-error';
import {
  importOpenApiRoutesInWorker,
  importThreadState,
  OpenApiImportStopped,
} from '../src/server/openapi/openapi-import-thread';
import type { OpenApiImportResult } from '../src/shared/control-api';
import { buildCli } from './helpers/cli-process';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// The console's OpenAPI import runs on a worker thread: a large document does not hold the engine's sockets and
// requests, and one that would take too long or too much memory is refused without touching the engine.

// Built, the engine starts the npm package's build of the worker (out/lib/).
before(() => buildCli());

/**
 * A document of `count` operations, each with a typed path parameter and a response schema behind a `$ref`; its
 * schema has `extraFields` more fields (more work for each operation's sample body).
 */
function document(count: number, extraFields = 0): string {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    paths[`/things${i}/{thing_id}`] = {
      get: {
        operationId: `read-thing-${i}`,
        parameters: [{ name: 'thing_id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
        },
      },
    };
  }
  return JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'Things', version: '1' },
    paths,
    components: {
      schemas: {
        Thing: {
          type: 'object',
          required: ['id', 'name'],
          properties: {
            id: { type: 'integer' },
            name: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
            ...Object.fromEntries(
              Array.from({ length: extraFields }, (_, field) => [`field${field}`, { type: 'string', format: 'date' }]),
            ),
          },
        },
      },
    },
  });
}

const BIG = document(1500);

/**
 * The import thread never keeps a process alive (an engine's server does while it runs): called without an engine,
 * a timer stands in for one until the import is answered.
 */
function withoutEngine<T>(importing: Promise<T>): Promise<T> {
  const alive = setInterval(() => {}, 1000);
  return importing.finally(() => clearInterval(alive));
}

test('the engine keeps answering while a large document imports', async () => {
  const server = await startTestEngine({ template: 'blank' });
  let imported = false;
  const importing = controlClient(server)
    .post<OpenApiImportResult>('/routes/import-openapi', { document: BIG, dryRun: true })
    .finally(() => {
      imported = true;
    });
  // One request after the other while the import runs, until 200 are answered. On the engine's own thread the
  // import's seconds of validating, dereferencing and converting let one through in each of its pauses between steps
  // (about 30 in all); beside it, they are answered throughout (1,400 on an idle 2-core machine). Past 200 the
  // answer is known: more requests would only take the core the import runs on.
  const ENOUGH = 200;
  let answered = 0;
  while (!imported && answered < ENOUGH) {
    const health = await fetch(`${server.url}/__console/health`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    if (!imported) answered++;
  }
  const result = await importing;
  assert.equal(result.status, 200, JSON.stringify(result.body));
  assert.equal(result.body.added.length, 1500);
  assert.ok(answered >= ENOUGH, `${answered} requests answered while the import ran`);
});

test('a route made while an import is read is kept: the import merges into the routes as they are then', async () => {
  const server = await startTestEngine({ template: 'blank' });
  const api = controlClient(server);
  let imported = false;
  const importing = api.post<OpenApiImportResult>('/routes/import-openapi', { document: BIG }).finally(() => {
    imported = true;
  });
  // Well into the import (it is read for a second or more): the engine has answered others meanwhile.
  for (let answered = 0; answered < 5 && !imported; answered++) {
    await (await fetch(`${server.url}/__console/health`)).arrayBuffer();
  }
  assert.equal(imported, false, 'the import was still being read');
  const made = await api.post('/routes', {
    id: 'made-meanwhile',
    method: 'GET',
    path: '/meanwhile',
    responses: [{ id: 'ok', status: 200, body: { json: { ok: true } } }],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const result = await importing;
  assert.equal(result.status, 200, JSON.stringify(result.body));
  assert.deepEqual(result.body.kept, ['hello', 'made-meanwhile']);
  const routes = await api.get<{ items: { id: string }[] }>('/routes');
  const ids = routes.body.items.map((route) => route.id);
  assert.deepEqual(ids.slice(0, 2), ['hello', 'made-meanwhile']);
  assert.equal(ids.length, 1502);
});

test("a document's problems are refused as before: 422 with what and where", async () => {
  const server = await startTestEngine({ template: 'blank' });
  const broken = JSON.parse(document(1)) as { paths: Record<string, { get: { responses: unknown } }> };
  (broken.paths['/things0/{thing_id}'] as { get: { responses: unknown } }).get.responses = {
    '200': { content: {} },
  };
  const refused = await controlClient(server).post<{ detail: string }>('/routes/import-openapi', {
    document: JSON.stringify(broken),
  });
  assert.equal(refused.status, 422);
  assert.match(
    refused.body.detail,
    /^The document cannot be imported: .*#\/paths\/~1things0~1\{thing_id\}\/get\/responses\/200 must have required property 'description'/,
  );
  const routes = await controlClient(server).get<{ items: { id: string }[] }>('/routes');
  assert.deepEqual(
    routes.body.items.map((route) => route.id),
    ['hello'],
    "nothing was imported: the template's route alone",
  );
});

test('an import that takes longer than its limit is stopped and refused; the next one gets a new thread', async () => {
  // Before the memory limit's test, whose last import starts a worker with the default limits that the tests after it
  // share: each new worker costs most of a second of CPU (loading its modules, warming up).
  // A heap limit of its own, so a thread is started for it: none starts, let alone imports, within a millisecond.
  const limits = { maxHeapMb: 512, timeoutMs: 1 };
  const job = { input: { text: document(2) }, options: { maxJsonDepth: 32 } };
  await assert.rejects(
    withoutEngine(importOpenApiRoutesInWorker(job, limits)),
    (error: unknown) =>
      error instanceof OpenApiImportError &&
      /^importing the document took longer than 0\.001 s, the limit; import it in parts/.test(error.message),
  );
  const next = await withoutEngine(importOpenApiRoutesInWorker(job, { ...limits, timeoutMs: 120_000 }));
  assert.deepEqual(
    next.routes.map((route) => route.id),
    ['read-thing-0', 'read-thing-1'],
  );
});

test('an import that needs more memory than its limit is refused, and the process lives on', async () => {
  await assert.rejects(
    withoutEngine(
      importOpenApiRoutesInWorker(
        { input: { text: BIG }, options: { maxJsonDepth: 32 } },
        { maxHeapMb: 8, timeoutMs: 120_000 },
      ),
    ),
    (error: unknown) =>
      error instanceof OpenApiImportError &&
      /^importing the document needs more than 8 MiB of memory, the limit; import it in parts/.test(error.message),
  );
  // The same thread's import within its limits, after it.
  const small = await withoutEngine(
    importOpenApiRoutesInWorker({ input: { text: document(2) }, options: { maxJsonDepth: 32 } }),
  );
  assert.deepEqual(
    small.routes.map((route) => route.id),
    ['read-thing-0', 'read-thing-1'],
  );
});

test('imports asked for together are made one after the other, each answered with its own routes', async () => {
  const imports = await Promise.all(
    [1, 3, 2].map((count) =>
      withoutEngine(importOpenApiRoutesInWorker({ input: { text: document(count) }, options: { maxJsonDepth: 32 } })),
    ),
  );
  assert.deepEqual(
    imports.map((done) => done.routes.length),
    [1, 3, 2],
  );
});

test("a dozen imports asked of one engine at once are each answered, with no listener-leak warning for its closing's signal", async () => {
  const server = await startTestEngine({ template: 'blank' });
  const warnings: Error[] = [];
  const warned = (warning: Error) => warnings.push(warning);
  process.on('warning', warned);
  try {
    const api = controlClient(server);
    // Each waits its turn on the shared worker, listening for the engine's closing meanwhile: more than the 10
    // listeners after which Node warns of a leak.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        api.post<OpenApiImportResult>('/routes/import-openapi', { document: document(1 + (index % 3)), dryRun: true }),
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      Array(12).fill(200),
    );
    // A warning is emitted on the next tick after the listener that passed the limit was added.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message),
      [],
    );
  } finally {
    process.off('warning', warned);
    await server.close();
  }
});

test('an import its caller stops is ended at once, on the worker too; the imports others asked for go on', async () => {
  const job = (count: number) => ({ input: { text: document(count) }, options: { maxJsonDepth: 32 } });
  const first = new AbortController();
  const second = new AbortController();
  const running = withoutEngine(importOpenApiRoutesInWorker(job(1500), undefined, first.signal));
  const waiting = withoutEngine(importOpenApiRoutesInWorker(job(1), undefined, second.signal));
  const others = withoutEngine(importOpenApiRoutesInWorker(job(2)));
  second.abort();
  await assert.rejects(waiting, OpenApiImportStopped, 'taken out of the queue');
  first.abort();
  await assert.rejects(running, OpenApiImportStopped, 'ended on the worker');
  assert.equal((await others).routes.length, 2, 'the next import is made, on a new worker');
  await assert.rejects(
    importOpenApiRoutesInWorker(job(1), undefined, AbortSignal.abort()),
    OpenApiImportStopped,
    'stopped before it was asked for: never begun',
  );
});

/** The ids of the worker threads alive in this process, as its diagnostic report lists them. */
function workerThreadIds(): Set<number> {
  const { workers } = process.report.getReport() as { workers: { header: { threadId: number } }[] };
  return new Set(workers.map((worker) => worker.header.threadId));
}

test("closing an engine stops its import on the process's shared worker: the thread ended with it, nothing applied", async () => {
  // Thousands of operations: seconds of work for the worker, long enough to close the engine while it reads them.
  const HUGE = document(9000, 40);
  const closing = await startTestEngine({ template: 'blank' });
  let answered = false;
  const importing = controlClient(closing)
    .post<{ detail: string }>('/routes/import-openapi', { document: HUGE })
    .then(
      (answer) => answer,
      (error: Error) => error,
    )
    .finally(() => {
      answered = true;
    });
  // On the worker, and the engine answering others meanwhile.
  await eventually(() => importThreadState().importing || answered, 'the import to be on the worker');
  for (let asked = 0; asked < 5 && !answered; asked++) {
    await (await fetch(`${closing.url}/__console/health`)).arrayBuffer();
  }
  assert.equal(answered, false, 'the import was still being read');
  const { threadId } = importThreadState();
  assert.ok(threadId !== undefined && workerThreadIds().has(threadId), 'the import runs on a thread alive');
  await closing.close();
  const answer = await importing;
  // The engine closes its connections: the 503 that says why reaches the client when it is out before them.
  if (!(answer instanceof Error)) {
    assert.equal(answer.status, 503);
    assert.match(answer.body.detail, /^The engine is closing: the import was stopped, and nothing of it was applied$/);
  }
  // The thread is ended with the import, not left to finish it (seconds) and then wait a minute for the next one.
  await eventually(() => !workerThreadIds().has(threadId), "the import's thread to end");
  assert.deepEqual(importThreadState(), { threadId: undefined, importing: false, waiting: 0 });
  assert.deepEqual(
    closing.context.world.definitions().routes.map((route) => route.id),
    ['hello'],
  );
  // Another engine's import gets a thread of its own.
  const other = await startTestEngine({ template: 'blank' });
  try {
    const small = await controlClient(other).post<OpenApiImportResult>('/routes/import-openapi', {
      document: document(2),
    });
    assert.equal(small.status, 200, JSON.stringify(small.body));
    assert.deepEqual(small.body.added, ['read-thing-0', 'read-thing-1']);
  } finally {
    await other.close();
  }
});
