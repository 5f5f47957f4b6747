import type { StopReason } from '../scenarios/scenario-player';

/**
 * Why the engine ends a run's stream before the run ends (an agent's SSE response, an AG-UI socket): the
 * `RUN_ERROR` its client gets, so it shows a reason instead of a network error.
 */
export interface StreamsEnd {
  /** The `RUN_ERROR`'s message: what a client's user may be shown. */
  message: string;
  /** The `RUN_ERROR`'s code, and the reason a tool call the run leaves open is answered with. */
  code: Extract<StopReason, 'server_shutdown' | 'agent_changed' | 'stream_error' | 'console'>;
}

/** The console closed the stream's connection (`reason`: what it gave, if anything). */
export function closedFromConsole(reason: string): StreamsEnd {
  const message = `The mock console closed this connection${reason ? `: ${reason}` : ''}`;
  return { message, code: 'console' };
}

/** The engine is closing: every open stream ends with this. */
export const SHUTTING_DOWN: StreamsEnd = { message: 'The mock server is shutting down', code: 'server_shutdown' };
