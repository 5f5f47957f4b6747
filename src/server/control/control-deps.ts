import type { ServerInfo } from '../../shared/control-api';
import type { EngineContext } from '../engine-context';

/** What the console's API needs from the engine beyond the shared context. */
export interface ControlDeps {
  context: EngineContext;
  token: string;
  /** The interface the engine listens on (allowed as a Host besides loopback names). */
  host: string;
  serverInfo(): ServerInfo;
}
