import type { EngineCore } from '../engine-context';
import type { RunObserver } from '../scenarios/conversation';

/** What an AG-UI endpoint (an agent on HTTP, an `agui` socket) plays its runs with. */
export interface AguiEndpointEnvironment {
  readonly context: EngineCore;
  /** The scenarios the endpoint plays: all of the catalogue, or the ones it names. */
  readonly scenarios: ReadonlySet<string> | '*';
  /** Told about every run the endpoint plays (the packs that record runs as sessions); one per conversation. */
  runObserver(): RunObserver;
}

/** A mount's scenario selection as the catalogue reads it. */
export function scenarioSelection(selection: '*' | readonly string[]): ReadonlySet<string> | '*' {
  return selection === '*' ? '*' : new Set(selection);
}
