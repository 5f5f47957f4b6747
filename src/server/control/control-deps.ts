import type { ServerInfo } from '../../shared/control-api';
import type { EngineContext } from '../engine-context';
import type { WorkspaceService } from '../workspace/workspace-service';

/** What the console's API needs from the engine beyond the shared context. */
export interface ControlDeps {
  context: EngineContext;
  token: string;
  /** The interface the engine listens on (allowed as a Host besides loopback names). */
  host: string;
  serverInfo(): ServerInfo;
  /** Plays a scenario on a connection now (cancelling its current run); the new runId, or undefined if the
   * connection cannot play scenarios. */
  runScenario(connectionId: string, scenarioId: string): string | undefined;
  /** The workspace file behind the world (status, save, open, import/export). */
  workspace: WorkspaceService;
}
