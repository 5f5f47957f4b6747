import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../support/package-root';
import type { OpenApiInput } from './import-openapi';
import { OpenApiImportError } from './openapi-import-error';
import type { ImportedRoutes, OpenApiRoutesOptions } from './openapi-routes-import';

/** One import: the document and the import's options. */
export interface OpenApiImportJob {
  input: OpenApiInput;
  options: OpenApiRoutesOptions;
}

/** What the worker is sent. */
export interface OpenApiImportRequest {
  id: number;
  job: OpenApiImportJob;
}

/** What the worker answers: the document's routes, its problem, or an engine fault (its stack). */
export type OpenApiImportReply = { id: number } & (
  | { ok: true; result: ImportedRoutes }
  | { ok: false; problem: string; where?: string }
  | { ok: false; internal: string }
);

export interface ImportThreadLimits {
  /** The worker's heap; a document that needs more is refused. */
  maxHeapMb: number;
  /** Longest an import may take; the worker is stopped then and the document refused. */
  timeoutMs: number;
}

/**
 * Generous for any real document (one of 8 MiB with 20,000 operations imports within them in 7 s), and a bound on
 * what a hostile one — schemas that expand exponentially — may take from the engine.
 */
export const IMPORT_THREAD_LIMITS: ImportThreadLimits = { maxHeapMb: 1024, timeoutMs: 120_000 };

/**
 * How long the worker waits for the next import before it ends: the console previews an import, then makes it,
 * and a worker started afresh spends most of a small document's import loading its modules.
 */
const IDLE_MS = 60_000;

const WORKER_NAME = 'openapi-import-worker';

/** An import stopped by its caller's signal (its engine closing) before it was answered: nothing of it is used. */
export class OpenApiImportStopped extends Error {
  override name = 'OpenApiImportStopped';

  constructor() {
    super('the OpenAPI import was stopped before it finished: its engine is closing');
  }
}

interface Waiting {
  job: OpenApiImportJob;
  limits: ImportThreadLimits;
  resolve(result: ImportedRoutes): void;
  reject(error: Error): void;
  /** While it runs on the worker: ends it there (the worker is stopped) and rejects it. */
  stop?(): void;
}

/** The worker, while it lives, with the heap limit it was started with. */
let current: { worker: Worker; maxHeapMb: number } | undefined;
const queue: Waiting[] = [];
let busy = false;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 0;

/**
 * An OpenAPI document as routes (`openApiRoutes`), worked out on a worker thread: validating, dereferencing and
 * converting a large document is seconds of synchronous work, which on the engine's thread would hold every socket,
 * run and request meanwhile; on its own heap, a document that would exhaust memory ends the worker, not the engine.
 * One import at a time (others wait their turn); the worker stays a minute for the next. Problems with the
 * document reject with an OpenApiImportError, as in-thread. `signal` (an engine closing) stops the import: taken out
 * of the queue, or its worker stopped mid-import (the next import, whoever asks, gets a new one), and rejected with
 * OpenApiImportStopped.
 */
export function importOpenApiRoutesInWorker(
  job: OpenApiImportJob,
  limits: ImportThreadLimits = IMPORT_THREAD_LIMITS,
  signal?: AbortSignal,
): Promise<ImportedRoutes> {
  return new Promise<ImportedRoutes>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new OpenApiImportStopped());
      return;
    }
    const stopped = () => stopImport(waiting);
    const waiting: Waiting = {
      job,
      limits,
      resolve: (result) => {
        signal?.removeEventListener('abort', stopped);
        resolve(result);
      },
      reject: (error) => {
        signal?.removeEventListener('abort', stopped);
        reject(error);
      },
    };
    signal?.addEventListener('abort', stopped, { once: true });
    queue.push(waiting);
    startNext();
  });
}

/**
 * What the shared thread is doing, for diagnostics and tests: its worker's `threadId` while one is alive, whether an
 * import is running on it, and how many wait their turn.
 */
export function importThreadState(): { threadId: number | undefined; importing: boolean; waiting: number } {
  return { threadId: current?.worker.threadId, importing: busy, waiting: queue.length };
}

/** An import its caller no longer wants: out of the queue, or ended on the worker. */
function stopImport(waiting: Waiting): void {
  const at = queue.indexOf(waiting);
  if (at === -1) {
    waiting.stop?.();
    return;
  }
  queue.splice(at, 1);
  waiting.reject(new OpenApiImportStopped());
}

function startNext(): void {
  if (busy) return;
  const next = queue.shift();
  if (!next) return;
  busy = true;
  clearTimeout(idleTimer);
  const { job, limits } = next;
  let thread: { worker: Worker; maxHeapMb: number };
  try {
    thread = workerWith(limits.maxHeapMb);
  } catch (error) {
    busy = false;
    next.reject(error as Error);
    startNext();
    return;
  }
  const { worker } = thread;
  const id = nextId++;
  let settled = false;
  const settle = (outcome: () => void, endWorker: boolean) => {
    if (settled) return;
    settled = true;
    next.stop = undefined;
    clearTimeout(timer);
    worker.off('message', answered);
    worker.off('error', failed);
    worker.off('exit', exited);
    if (endWorker) stop(worker);
    outcome();
    busy = false;
    if (queue.length > 0) startNext();
    else if (current) {
      idleTimer = setTimeout(() => current && stop(current.worker), IDLE_MS);
      idleTimer.unref();
    }
  };
  const answered = (reply: OpenApiImportReply) => {
    if (reply.id !== id) return;
    settle(() => {
      if (reply.ok) next.resolve(reply.result);
      else if ('problem' in reply) next.reject(new OpenApiImportError(reply.problem, reply.where));
      else next.reject(new Error(`the OpenAPI import failed: ${reply.internal}`));
    }, false);
  };
  const failed = (error: Error & { code?: string }) =>
    settle(
      () =>
        next.reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new OpenApiImportError(
                `importing the document needs more than ${limits.maxHeapMb} MiB of memory, the limit; ${SMALLER}`,
              )
            : error,
        ),
      true,
    );
  const exited = (code: number) =>
    settle(
      () => next.reject(new Error(`the OpenAPI import's worker ended (exit code ${code}) without an answer`)),
      true,
    );
  const timer = setTimeout(
    () =>
      settle(
        () =>
          next.reject(
            new OpenApiImportError(
              `importing the document took longer than ${limits.timeoutMs / 1000} s, the limit; ${SMALLER}`,
            ),
          ),
        true,
      ),
    limits.timeoutMs,
  );
  timer.unref();
  next.stop = () => settle(() => next.reject(new OpenApiImportStopped()), true);
  worker.on('message', answered);
  worker.once('error', failed);
  worker.once('exit', exited);
  worker.postMessage({ id, job } satisfies OpenApiImportRequest);
}

const SMALLER = 'import it in parts (fewer paths), or with fewer schemas used in many places';

/** The worker to use: the one alive if it has this heap limit, else a new one (the other is stopped). */
function workerWith(maxHeapMb: number): { worker: Worker; maxHeapMb: number } {
  if (current && current.maxHeapMb === maxHeapMb) return current;
  if (current) stop(current.worker);
  const worker = new Worker(workerScript(), {
    name: WORKER_NAME,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
  });
  const thread = { worker, maxHeapMb };
  // It never keeps the process alive: the engine's server does while it runs, and a process whose engine closed
  // mid-import need not wait for an answer no one will read.
  worker.unref();
  // A worker that ends by itself (out of memory, stopped) is not used again; a failure between imports is no one's
  // to report.
  worker.on('exit', () => {
    if (current === thread) current = undefined;
  });
  worker.on('error', () => {});
  current = thread;
  return thread;
}

function stop(worker: Worker): void {
  if (current?.worker === worker) current = undefined;
  void worker.terminate();
}

/**
 * The worker's script. Built, it is the one electron-vite writes beside the desktop app's main process
 * (`out/main/`, all the installed app has), else the npm package's build (`out/lib/`), which the CLI, the library,
 * the tests and the bench run. From the sources under tsx (a module ending in `.ts`), it is the source beside this
 * one, loaded through tsx, which a worker thread does not inherit.
 */
function workerScript(): string | URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const source = pathToFileURL(join(dirname(here), `${WORKER_NAME}.ts`)).href;
    const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(source)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
  }
  const script = join(packageRoot(here), 'out', process.versions.electron ? 'main' : 'lib', `${WORKER_NAME}.js`);
  if (!existsSync(script))
    throw new Error(`the OpenAPI import's worker is not built: ${script} is missing (npm run build)`);
  return script;
}
