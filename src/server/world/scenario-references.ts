import type { ScenarioSelection } from '../../shared/mounts/scenario-selection';
import type { WorldParts } from '../../shared/workspace';
import type { MountIssue } from './mount-validation-error';

/** How many of the ids there are a problem names, so a long catalogue does not flood it. */
const NAMED_IDS = 10;

/**
 * Each scenario id an agent or an AG-UI socket lists that no scenario has. Unchecked, a typo shows only at run
 * time, as "No scenario matches this message"; here it is refused where it is written, naming the ids there are.
 */
export function unknownScenarioIssues(
  parts: Pick<WorldParts, 'agents' | 'sockets'>,
  scenarioIds: ReadonlySet<string>,
): MountIssue[] {
  const issues: MountIssue[] = [];
  const check = (selection: ScenarioSelection, path: string) => {
    if (selection === '*') return;
    selection.forEach((id, index) => {
      if (!scenarioIds.has(id)) issues.push({ path: `${path}.${index}`, message: unknownIdMessage(id, scenarioIds) });
    });
  };
  parts.agents.forEach((agent, index) => {
    check(agent.scenarios, `agents.${index}.scenarios`);
  });
  parts.sockets.forEach((socket, index) => {
    if (socket.behaviour.type === 'agui') check(socket.behaviour.scenarios, `sockets.${index}.behaviour.scenarios`);
  });
  return issues;
}

/** The mounts (`agent 'chat'`, `socket 'live'`) that list `scenarioId`: what a scenario's deletion would break. */
export function mountsPlaying(parts: Pick<WorldParts, 'agents' | 'sockets'>, scenarioId: string): string[] {
  const plays = (selection: ScenarioSelection) => selection !== '*' && selection.includes(scenarioId);
  return [
    ...parts.agents.filter((agent) => plays(agent.scenarios)).map((agent) => `agent '${agent.id}'`),
    ...parts.sockets
      .filter((socket) => socket.behaviour.type === 'agui' && plays(socket.behaviour.scenarios))
      .map((socket) => `socket '${socket.id}'`),
  ];
}

function unknownIdMessage(id: string, scenarioIds: ReadonlySet<string>): string {
  if (scenarioIds.size === 0) return `no scenario has the id '${id}': the workspace has no scenarios`;
  const ids = [...scenarioIds].slice(0, NAMED_IDS).map((known) => `'${known}'`);
  const more = scenarioIds.size > NAMED_IDS ? `, … (${scenarioIds.size} in all)` : '';
  return `no scenario has the id '${id}' (there are ${ids.join(', ')}${more}); or use '*' for every scenario`;
}
