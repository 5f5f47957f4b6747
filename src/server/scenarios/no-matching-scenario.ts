import type { ConnectionMount } from '../../shared/connections';

/** The AG-UI endpoint a conversation plays for: the agent or socket (its mount, when it has one) and its path. */
export interface ConversationEndpoint {
  readonly mount: ConnectionMount | null;
  readonly path: string;
}

/** How many scenarios a message names at most; the rest are counted. */
const LISTED_SCENARIOS = 10;

/**
 * The RUN_ERROR message for a run no trigger of `endpoint`'s scenarios matches: where, what it plays (the ids it
 * lists, or how many when it plays every scenario), and what to add so the next one is answered.
 */
export function noMatchingScenarioMessage(
  endpoint: ConversationEndpoint | undefined,
  selection: ReadonlySet<string> | '*',
  scenarioCount: number,
): string {
  const where = endpoint ? ` on ${endpointWords(endpoint)}` : '';
  const fallback = 'a fallback (trigger {"match": "always"}) answers any message';
  if (selection === '*') {
    return scenarioCount === 0
      ? `No scenario matches this message${where}: it plays every scenario, and there are none. Add one whose trigger matches the message; ${fallback}.`
      : `No scenario matches this message${where}, which plays every scenario (${scenarioCount}). Add a trigger that matches the message to one of them, or a scenario that does; ${fallback}.`;
  }
  const ids = [...selection];
  const rest = ids.length - LISTED_SCENARIOS;
  const listed =
    ids
      .slice(0, LISTED_SCENARIOS)
      .map((id) => `'${id}'`)
      .join(', ') + (rest > 0 ? ` and ${rest} more` : '');
  return `No scenario matches this message${where}, which plays only ${listed}. Add a trigger that matches the message to one of them, or add a scenario that does to its scenarios list; ${fallback}.`;
}

function endpointWords({ mount, path }: ConversationEndpoint): string {
  return mount ? `the ${mount.kind} '${mount.id}' at ${path}` : `the endpoint at ${path}`;
}
