import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { NODE_BUNDLE_OPTIONS } from '../scripts/node-bundle-options.mjs';
import type { BaselineEngine } from './baseline-engine';
import { benchPath } from './bench-dir';
import type { ChildMessage, ParentMessage, UsageSample } from './child-protocol';
import { withTimeout } from './with-timeout';

export type ServerKind = 'engine' | 'bare-koa' | 'bare-node' | 'bare-ws' | 'bare-sse';

export interface ServerChildOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  timeoutMs?: number;
  /** For `engine`: another revision's engine child instead of this tree's (`BENCH_BASELINE`). */
  baseline?: BaselineEngine;
}

const SCRIPTS: Record<ServerKind, string> = {
  engine: 'servers/engine-child.ts',
  'bare-koa': 'servers/bare-koa-child.ts',
  'bare-node': 'servers/bare-node-child.ts',
  'bare-ws': 'servers/bare-ws-child.ts',
  'bare-sse': 'servers/bare-sse-child.ts',
};

/** Where the children are compiled to (gitignored); the engine finds its package root by walking up from here. */
const BUILD_DIR = benchPath('.build');

/**
 * Each child compiled once per bench, as `scripts/build-bundles.mjs` compiles the package (the same esbuild options):
 * the engine is measured as it ships, not through tsx's loader, whose `keepNames`
 * names every closure the engine makes per request (about 5 % of an SSE run).
 */
const compiled = new Map<string, Promise<string>>();
function compiledScript(kind: ServerKind, baseline?: BaselineEngine): Promise<string> {
  if (baseline && kind !== 'engine') throw new Error(`a baseline revision is an engine, not ${kind}`);
  // A baseline's bundle lives beside this tree's, so its dependencies resolve from the same node_modules.
  const name = baseline ? `${kind}-${baseline.commit.slice(0, 12)}` : kind;
  let script = compiled.get(name);
  if (!script) {
    const outfile = join(BUILD_DIR, `${name}-child.mjs`);
    script = build({
      ...NODE_BUNDLE_OPTIONS,
      entryPoints: [baseline ? baseline.entry : benchPath(SCRIPTS[kind])],
      outfile,
    }).then(() => outfile);
    compiled.set(name, script);
  }
  return script;
}

const running = new Set<ChildProcess>();

/** Counts a process the bench started (a child or a peer) among those killed on the deadline or a failure. */
export function trackServerProcess(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Kills every server child still running (the bench's deadline or a failure). */
export function killAllServerChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * A server under test in its own process, so its CPU and memory are its alone (the load generator and the
 * clients stay in the bench's process).
 */
export class ServerChild {
  private nextId = 1;
  private readonly waiting = new Map<number, (sample: UsageSample) => void>();
  private readonly snapshots = new Map<number, (file: string) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'heap-snapshot') {
        this.snapshots.get(message.id)?.(message.file);
        this.snapshots.delete(message.id);
      }
      if (message.type !== 'usage') return;
      this.waiting.get(message.id)?.(message.sample);
      this.waiting.delete(message.id);
    });
  }

  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/ws`;
  }

  static async start(kind: ServerKind, payload: unknown, options: ServerChildOptions = {}): Promise<ServerChild> {
    const script = await compiledScript(kind, options.baseline);
    const child = fork(script, [], {
      execArgv: ['--expose-gc', ...(options.nodeFlags ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    trackServerProcess(child);
    const ready = await withTimeout(
      new Promise<ChildMessage>((resolve, reject) => {
        child.on('message', (message: ChildMessage) => {
          if (message.type === 'ready') resolve(message);
          if (message.type === 'failed') reject(new Error(`${kind} child failed to start: ${message.error}`));
        });
        child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code} before it was ready`)));
        send(child, { type: 'start', payload });
      }),
      options.timeoutMs ?? 30_000,
      `${kind} child start`,
    );
    if (ready.type !== 'ready') throw new Error(`unexpected ${ready.type} from ${kind} child`);
    return new ServerChild(child, ready.url, ready.token);
  }

  /** CPU so far and memory; `gc` forces a full collection first so heap numbers mean retained memory. */
  usage(gc = false): Promise<UsageSample> {
    const id = this.nextId++;
    const answer = new Promise<UsageSample>((resolve) => this.waiting.set(id, resolve));
    send(this.child, { type: 'usage', id, gc });
    return withTimeout(answer, 30_000, 'usage sample');
  }

  /** The child's CPU so far, in µs. */
  async cpuMicros(): Promise<number> {
    return (await this.usage()).cpuMicros;
  }

  /** Has the child write a V8 heap snapshot into `dir`; resolves with its file. */
  heapSnapshot(dir: string): Promise<string> {
    const id = this.nextId++;
    const written = new Promise<string>((resolve) => this.snapshots.set(id, resolve));
    send(this.child, { type: 'heap-snapshot', id, dir });
    return withTimeout(written, 120_000, 'heap snapshot');
  }

  /** Asks the child to close its server and exit (writing its CPU profile if it has one); kills it if it hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    send(this.child, { type: 'exit' });
    await withTimeout(exited, 15_000, 'child exit').catch(() => this.child.kill('SIGKILL'));
  }
}

function send(child: ChildProcess, message: ParentMessage): void {
  child.send(message);
}
