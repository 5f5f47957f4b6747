// startMockServer's public face, as types only: what the npm package's library (`import … from 'agui-mock'`)
// promises test runners. It names nothing of the engine's insides (Koa, ws, the world), so the package's
// declarations stand alone; mock-server.ts extends both interfaces with what the CLI and the desktop app use.
import type { TlsInfo } from '../shared/control-api';
import type { ServerSettings } from '../shared/settings';
import type { WorkspaceTemplate } from '../shared/workspace';
import type { Logger } from './support/logger';

export interface MockServerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Console token; random per launch when omitted. */
  token?: string;
  /**
   * Launch settings, over the workspace file's. Among them `tls` (HTTPS and WSS: `'self-signed'` or
   * `{ cert, key }` files), read once at start: a certificate that cannot be served fails the start with a
   * `TlsError`.
   */
  settings?: Partial<ServerSettings>;
  /** Where the engine reports requests, connections and errors; `silentLogger` keeps a test's output quiet. */
  logger?: Logger;
  /**
   * A workspace file to load before listening (created from `template` when missing), autosaved after changes and
   * on close. `settings` above then override the file's settings without being written into it. A file that
   * cannot be read or validated makes the start fail with a `WorkspaceError`.
   */
  workspace?: string;
  /** The world to start with when there is no workspace file (or to create a missing one from). Default `agora`. */
  template?: WorkspaceTemplate;
  /**
   * Adds the workspace file (and every file opened or saved as later) to the user's recent-workspaces list
   * (`recent.json` in the config folder, as the desktop app and `agui-mock serve` do), and shows that list in the
   * console. Default false: a test run neither writes its temp files into the list nor reads other projects' paths.
   */
  recentWorkspaces?: boolean;
}

export interface MockServer {
  /** `http://host:port` (`https://` with TLS) */
  readonly url: string;
  /**
   * The first WebSocket endpoint with a plain path (`ws://host:port/ws` for AGORA), else `ws://host:port`
   * (`wss://` with TLS).
   */
  readonly wsUrl: string;
  /** The console with its token in the fragment (never sent to the server in a request line). */
  readonly consoleUrl: string;
  readonly host: string;
  readonly port: number;
  /** The control API's bearer token: `Authorization: Bearer <token>` on `/__console/api/…`. */
  readonly token: string;
  /** The certificate served, or null for plain HTTP and WS. */
  readonly tls: TlsInfo | null;
  /** The settings in force (after `close()`, the last ones it ran with). */
  settings(): ServerSettings;
  /**
   * Changes some settings at once and returns them all; throws `MockServerOptionsError` for ones it cannot take, and
   * an `Error` ("the server is closed") once `close()` was called.
   */
  updateSettings(patch: Partial<ServerSettings>): ServerSettings;
  /** Closes every socket with 1001, stops every timer and the listener. Safe to call twice. */
  close(): Promise<void>;
}
