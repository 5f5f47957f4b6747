import type { ServerSettings } from '../shared/settings';
import type { EngineSettings } from './engine-settings';
import type { ApiKeyGate } from './gateway/api-key-gate';
import type { RequestLog } from './http/request-log';
import type { SavedPayloads } from './payloads/saved-payloads';
import type { ScenarioCatalogue } from './scenarios/scenario-catalogue';
import type { Logger } from './support/logger';
import type { RetentionBudget } from './support/retention-budget';
import type { World } from './world/world';
import type { ConnectionRegistry } from './ws/connection-registry';

/** What the engine's parts (mounts, transports, the control API) share, the world aside. Built once per server. */
export interface EngineCore {
  readonly logger: Logger;
  /** Current settings; read them each time, they change at run time. */
  settings(): ServerSettings;
  /** Changes and observation of the settings (the console's settings view, the parts that apply them). */
  readonly liveSettings: EngineSettings;
  /** The server's own origin (`http://127.0.0.1:8000`), known once it listens. */
  origin(): string;
  readonly registry: ConnectionRegistry;
  /** The gateway's API-key check, on the mocked API's requests and sockets (the `gatewayAuth` setting). */
  readonly gateway: ApiKeyGate;
  readonly requestLog: RequestLog;
  /** The one budget the connection registry and the request log keep what they retain within. */
  readonly retention: RetentionBudget;
  /** The scenarios runs play, on every transport; the console and workspaces edit them. */
  readonly scenarios: ScenarioCatalogue;
  /** Named payloads the console's inject drawer saves and loads; a workspace holds them. */
  readonly payloads: SavedPayloads;
}

/** The core and what is mounted on the port: routes, collections, folders, sockets, agents and packs. */
export interface EngineContext extends EngineCore {
  readonly world: World;
}
