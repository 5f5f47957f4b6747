import type { ServerSettings } from '../shared/settings';
import type { EngineSettings } from './engine-settings';
import type { RequestLog } from './http/request-log';
import type { SavedPayloads } from './payloads/saved-payloads';
import type { ScenarioCatalogue } from './scenarios/scenario-catalogue';
import type { AgoraStore } from './state/agora-store';
import type { Logger } from './support/logger';
import type { RetentionBudget } from './support/retention-budget';
import type { ConnectionRegistry } from './ws/connection-registry';

/** What the engine's parts (profiles, transports, the control API) share. Built once per server. */
export interface EngineContext {
  readonly logger: Logger;
  /** Current settings; read them each time, they change at run time. */
  settings(): ServerSettings;
  /** Changes and observation of the settings (the console's settings view, the parts that apply them). */
  readonly liveSettings: EngineSettings;
  /** The server's own origin (`http://127.0.0.1:8000`), known once it listens. */
  origin(): string;
  readonly registry: ConnectionRegistry;
  readonly requestLog: RequestLog;
  /** The one budget the connection registry and the request log keep what they retain within. */
  readonly retention: RetentionBudget;
  /** Users, sessions and histories the AGORA profile serves and WebSocket runs record into. */
  readonly store: AgoraStore;
  /** The scenarios runs play, on every transport; the console and workspaces edit them. */
  readonly scenarios: ScenarioCatalogue;
  /** Named payloads the console's inject drawer saves and loads; a workspace holds them. */
  readonly payloads: SavedPayloads;
}
