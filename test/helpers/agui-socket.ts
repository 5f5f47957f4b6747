import assert from 'node:assert/strict';
import type { BaseEvent } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import WebSocket from 'ws';
import { WAIT_MS } from './wait';

/** An AG-UI event as received (plain JSON). */
// biome-ignore lint/suspicious/noExplicitAny: assertions read whatever fields an event carries
export type ReceivedEvent = BaseEvent & Record<string, any>;

/**
 * A real `ws` client for the mocked `/ws`: collects every frame (parsed), with waits on what arrived.
 */
export class AguiSocket {
  /** What arrived; judge timing on the events' own timestamps (the engine's clock), not on when they arrived. */
  readonly events: ReceivedEvent[] = [];
  private waiters: (() => void)[] = [];
  private closedPromise: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      assert.equal(isBinary, false, 'the server sends text frames only');
      this.events.push(JSON.parse(data.toString()));
      for (const waiter of this.waiters) waiter();
    });
    socket.on('error', () => {});
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(url: string, protocols: string[] = []): Promise<AguiSocket> {
    const socket = new WebSocket(url, protocols);
    const client = new AguiSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** The subprotocol the server chose ('' for none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  sendBinary(bytes: Buffer): void {
    this.socket.send(bytes, { binary: true });
  }

  /** Sends AGORA's RunAgentInput variant with one user message. */
  ask(content: string, extra: Record<string, unknown> = {}): void {
    this.send({ threadId: 'thread-test', messages: [{ role: 'user', content }], ...extra });
  }

  approve(approvalId: string, approved: boolean, feedback: string | null = null): void {
    this.send({ type: 'CUSTOM', name: 'agora:tool_approval_response', value: { approvalId, approved, feedback } });
  }

  /** Resolves once `condition` holds for what arrived, or fails after `timeoutMs`. */
  waitUntil(condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const onEvent = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out; received ${this.events.map(describe).join(', ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== onEvent);
      };
      this.waiters.push(onEvent);
      onEvent();
    });
  }

  /** The first event (from `fromIndex` on) that matches, once it arrived. */
  async waitFor(match: (event: ReceivedEvent) => boolean, fromIndex = 0, timeoutMs = WAIT_MS): Promise<ReceivedEvent> {
    let found: ReceivedEvent | undefined;
    await this.waitUntil(() => {
      found = this.events.slice(fromIndex).find(match);
      return found !== undefined;
    }, timeoutMs);
    return found as ReceivedEvent;
  }

  /** Waits until `count` runs ended (RUN_FINISHED or RUN_ERROR) in total. */
  waitForRuns(count: number, timeoutMs = WAIT_MS): Promise<void> {
    return this.waitUntil(
      () => this.events.filter((event) => event.type === 'RUN_FINISHED' || event.type === 'RUN_ERROR').length >= count,
      timeoutMs,
    );
  }

  waitForCustom(name: string, fromIndex = 0, timeoutMs = WAIT_MS): Promise<ReceivedEvent> {
    return this.waitFor((event) => event.type === 'CUSTOM' && event.name === name, fromIndex, timeoutMs);
  }

  close(): Promise<void> {
    this.socket.close();
    return this.closedPromise;
  }

  closed(): Promise<void> {
    return this.closedPromise;
  }
}

export function describe(event: ReceivedEvent): string {
  if (event.type === 'CUSTOM') return `CUSTOM ${event.name}`;
  if (event.type === 'STEP_STARTED' || event.type === 'STEP_FINISHED') return `${event.type} ${event.stepName}`;
  if (event.type === 'TOOL_CALL_START') return `${event.type} ${event.toolCallName}`;
  return event.type;
}

/** Every event passes @ag-ui/core's EventSchemas. */
export function assertSchemaValid(events: readonly ReceivedEvent[]): void {
  for (const event of events) {
    const result = EventSchemas.safeParse(event);
    assert.ok(
      result.success,
      `${describe(event)} fails EventSchemas: ${result.error?.message} in ${JSON.stringify(event)}`,
    );
  }
}

/**
 * The sequence passes the official client's verifyEvents (it throws at the first broken rule). The client and rxjs
 * load here, when first used: most files that open an AguiSocket never verify, and loading them costs ~0.1 s of CPU.
 */
export async function assertVerified(events: readonly ReceivedEvent[]): Promise<void> {
  const [{ verifyEvents }, { from, lastValueFrom, toArray }] = await Promise.all([
    import('@ag-ui/client'),
    import('rxjs'),
  ]);
  await lastValueFrom(from(events as BaseEvent[]).pipe(verifyEvents(false), toArray()));
}

/** AGORA's `agora:error` frames sent outside any run are protocol replies, not part of an AG-UI run stream. */
export function runEvents(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  const out: ReceivedEvent[] = [];
  let inRun = false;
  for (const event of events) {
    if (event.type === 'RUN_STARTED') inRun = true;
    if (inRun) out.push(event);
    else assert.equal(event.name, 'agora:error', `only agora:error may arrive outside a run, got ${describe(event)}`);
    if (event.type === 'RUN_FINISHED' || event.type === 'RUN_ERROR') inRun = false;
  }
  return out;
}

/** Schema-valid, and every run verified. */
export async function assertValidStream(events: readonly ReceivedEvent[]): Promise<void> {
  assertSchemaValid(events);
  await assertVerified(runEvents(events));
}

/** Event types in order, with CUSTOM/step/tool details, for order assertions. */
export function outline(events: readonly ReceivedEvent[]): string[] {
  return events.map(describe);
}
