import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { trackServerProcess } from '../server-child';
import { withTimeout } from '../with-timeout';
import { messageOf } from './error-message';
import { processTreeCpuMicros } from './proc-cpu';

/** What the peers phase needs of any server it loads: where it answers, its CPU so far, and how to stop it. */
export interface PeerServer {
  url: string;
  /** Cumulative user + system CPU of the serving process, in µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** The last bytes a process wrote to stderr: enough to say why it failed, without holding a chatty log. */
const STDERR_TAIL = 2000;

/**
 * A server that is not one of our Node children (AGORA's Python mock, Mockoon's CLI): spawned as is, ready once
 * `readyPath` answers 2xx, its CPU read from /proc. Its stdout (a line per request for both) is discarded.
 */
export class ExternalServer implements PeerServer {
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
  }

  static async start(
    command: string,
    args: string[],
    port: number,
    readyPath: string,
    timeoutMs = 30_000,
  ): Promise<ExternalServer> {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    trackServerProcess(child);
    const server = new ExternalServer(child, `http://127.0.0.1:${port}`);
    try {
      await server.waitUntilReady(readyPath, timeoutMs);
      return server;
    } catch (error) {
      await server.stop();
      throw new Error(`${messageOf(error)}${server.lastError()}`);
    }
  }

  cpuMicros(): Promise<number> {
    if (this.child.pid === undefined || this.child.exitCode !== null) {
      return Promise.reject(new Error(`the server exited${this.lastError()}`));
    }
    return processTreeCpuMicros(this.child.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await withTimeout(exited, 5_000, 'peer exit').catch(() => this.child.kill('SIGKILL'));
  }

  private lastError(): string {
    const line = this.stderrTail.trim().split('\n').at(-1)?.trim();
    return line ? `: ${line}` : '';
  }

  private async waitUntilReady(readyPath: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode} before answering`);
      const response = await fetch(`${this.url}${readyPath}`, { signal: AbortSignal.timeout(2_000) }).catch(
        () => undefined,
      );
      await response?.body?.cancel();
      if (response?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`not answering ${readyPath} after ${timeoutMs / 1000} s`);
  }
}

/** A port free right now on 127.0.0.1, for servers that cannot listen on port 0 and tell us which they got. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
