import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../support/logger';
import { type RenderSession, renderSession, TemplateRenderError } from '../../templates/template-engine';
import { TemplateCounters } from '../../templates/template-helpers';
import type { Connection } from '../connection';
import type { ClientMessage } from '../message-socket-endpoint';
import { SharedText } from '../shared-text';
import { upgradeQuery } from '../upgrade-path';
import { messageJson, messageText } from './message-match';
import type { CompiledAction, CompiledBroadcast } from './socket-frames';
import type { SocketPeers } from './socket-peers';
import type { SocketTemplateScope } from './socket-template-scope';

/**
 * One client's conversation with an echo, push or rules endpoint: what its templates read (the upgrade request,
 * the flags set so far, counters that count for this connection only), and sending what they render — to its own
 * client, and for a broadcast to the endpoint's other connections (`peers`, this one among them). A template that
 * fails on a message sends nothing of its action: the console shows why on the connection, the engine goes on.
 */
export class SocketConversation {
  private readonly counters = new TemplateCounters();
  private readonly flags = new Set<string>();
  private readonly upgrade: Pick<SocketTemplateScope, 'params' | 'query' | 'headers' | 'path'>;
  private received = 0;
  private hangingUp = false;

  constructor(
    readonly connection: Connection,
    request: IncomingMessage,
    params: Record<string, string>,
    private readonly logger: Logger,
    private readonly peers: SocketPeers = new Set(),
  ) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? (value.at(-1) ?? '') : value;
    this.upgrade = { params, query: Object.fromEntries(upgradeQuery(request)), headers, path: connection.path };
  }

  /** Counts a message in (`connection.messages`). */
  receive(): void {
    this.received++;
  }

  /** Whether an action has closed (or is closing) the connection: later messages are not answered. */
  get closing(): boolean {
    return this.hangingUp || !this.connection.isOpen;
  }

  hasFlag(flag: string): boolean {
    return this.flags.has(flag);
  }

  /** What templates read, answering `message` (none: on connect, or a feed started on connect). */
  scope(message?: ClientMessage): SocketTemplateScope {
    const { connection } = this;
    return {
      message: message ? messageText(message) : '',
      json: message && messageJson(message),
      binary: message?.kind === 'binary',
      size: message ? (message.kind === 'binary' ? message.size : Buffer.byteLength(message.text)) : 0,
      ...this.upgrade,
      connection: {
        id: connection.id,
        openedAt: new Date(connection.openedAt).toISOString(),
        remoteAddress: connection.remoteAddress,
        messages: this.received,
      },
      flags: Object.fromEntries([...this.flags].map((flag) => [flag, true as const])),
    };
  }

  /** A render of one frame or action: `{{counter}}` counts per `counterKey` on this connection. */
  session(counterKey: string): RenderSession {
    return renderSession(counterKey, this.counters);
  }

  /**
   * Renders the action's frames (a broadcast's too), then sends them (each after its delay): the reply, then the
   * broadcast to the peers it reaches once the action's flags have changed; closes after the frames when it says so.
   * Nothing happens when a template fails. Returns whether it acted.
   */
  act(action: CompiledAction, scope: SocketTemplateScope, counterKey: string, where: string): boolean {
    const session = this.session(counterKey);
    const texts = this.render(where, () => action.frames.map((frame) => frame.render(scope, session)));
    if (!texts) return false;
    const { broadcast } = action;
    // One session for the whole action: `{{counter}}` reads the same in the reply and the broadcast, one budget.
    const shared =
      broadcast && this.render(`${where} broadcast`, () => broadcast.frames.map((f) => f.render(scope, session)));
    if (broadcast && !shared) return false;
    action.frames.forEach((frame, index) => {
      this.connection.sendFrame({ text: texts[index] as string, eventType: null, skippable: true }, frame.delayMs);
    });
    for (const flag of action.clearFlags) this.flags.delete(flag);
    for (const flag of action.setFlags) this.flags.add(flag);
    if (broadcast && shared) this.broadcast(broadcast, shared);
    if (action.close) {
      this.hangingUp = true;
      this.connection.closeAfterFrames(action.close.code, action.close.reason);
    }
    return true;
  }

  /**
   * Sends a broadcast's rendered frames to each peer it reaches (this connection too with `to: all`, behind its
   * reply), as skippable as a reply: a receiver that does not read loses them, and holds up nobody else. The others
   * get them after the reply's delays, so the reply goes first in time as well. Each text is encoded once for them
   * all: a megabyte to 200 peers was encoded 400 times (each peer's socket, each peer's frame log).
   */
  private broadcast(broadcast: CompiledBroadcast, texts: readonly string[]): void {
    const encoded = texts.map((text) => new SharedText(text));
    for (const peer of this.peers) {
      const self = peer === this;
      if ((self && !broadcast.includeSender) || !peer.receives(broadcast, this.upgrade.params)) continue;
      let afterMs = self ? 0 : broadcast.afterMs;
      broadcast.frames.forEach((frame, index) => {
        peer.connection.sendFrame(
          { text: texts[index] as string, shared: encoded[index], eventType: null, skippable: true },
          frame.delayMs + afterMs,
        );
        afterMs = 0;
      });
    }
  }

  /** Whether a broadcast from a connection with `params` reaches this one: open, in the same room, with its flags. */
  private receives(broadcast: CompiledBroadcast, params: Record<string, string>): boolean {
    if (this.closing) return false;
    for (const name of broadcast.sameParams) {
      const value = params[name];
      if (value === undefined || this.upgrade.params[name] !== value) return false;
    }
    return broadcast.toFlags.every((flag) => this.flags.has(flag));
  }

  /** Runs a render; a template that fails is reported on the connection and the log, and gives undefined. */
  render<T>(where: string, render: () => T): T | undefined {
    try {
      return render();
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      this.fault(`${where}: template error: ${error.message}`);
      return undefined;
    }
  }

  /** A behaviour's own fault on a message: shown on the connection, logged; the socket stays open. */
  fault(message: string, error?: unknown): void {
    const line = `WebSocket ${this.connection.path}: ${message}`;
    if (error === undefined) this.logger.warn(line);
    else this.logger.error(line, error);
    this.connection.failed(message);
  }
}
