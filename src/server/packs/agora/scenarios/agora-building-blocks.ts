import type { JsonObject, JsonValue, ScenarioStep } from '../../../../shared/scenario';

/**
 * The pieces every AGORA flow is made of, as scenario data: the agent snapshots, the routing step, the
 * handoff to a specialist and the streamed answer. Timings are the Python mock's at speed 1.
 */

export const AgoraAgent = {
  general: 'general-agent',
  history: 'history-agent',
  regulation: 'regulation-agent',
  reporting: 'reporting-agent',
} as const;
export type AgoraAgentId = (typeof AgoraAgent)[keyof typeof AgoraAgent];

/** Dutch labels HAI shows on tool cards (`toolDisplayName`). */
export const TOOL_DISPLAY_NAMES: Record<string, string> = {
  get_company_info: 'Ophalen bedrijfsgegevens',
  get_inspection_history: 'Ophalen inspectiehistorie',
  search_regulations: 'Zoeken in regelgeving',
  check_repeat_violation: 'Controleren herhaalde overtredingen',
  generate_inspection_report: 'Genereren inspectierapport',
  transfer_to_agent: 'Overdracht naar specialist',
};

const ROUTING_MS = 500;

const HANDOFF_REASONS: Record<AgoraAgentId, string> = {
  'general-agent': 'Algemene vragen',
  'history-agent': 'Specialist voor bedrijfsinformatie en KVK-gegevens',
  'regulation-agent': 'Specialist voor regelgeving en wetanalyse',
  'reporting-agent': 'Specialist voor het genereren van inspectierapporten',
};

/** What HAI speaks while a handoff card shows (`toolDescription`). */
const HANDOFF_SPOKEN: Record<AgoraAgentId, string> = {
  'general-agent': 'Ik schakel de algemene assistent in',
  'history-agent': 'Ik schakel de bedrijfsinformatie specialist in',
  'regulation-agent': 'Ik schakel de regelgeving specialist in',
  'reporting-agent': 'Ik schakel de rapportage specialist in',
};

/** STATE_SNAPSHOT telling HAI which agent is speaking and whether the run is still busy. */
export function agentSnapshot(agent: AgoraAgentId, status: 'processing' | 'completed'): ScenarioStep {
  return {
    type: 'stateSnapshot',
    snapshot: { threadId: '{{threadId}}', runId: '{{runId}}', currentAgent: agent, status },
  };
}

/** The general agent deciding who answers. */
export const routing: ScenarioStep[] = [
  agentSnapshot(AgoraAgent.general, 'processing'),
  { type: 'step', name: 'routing', steps: [{ type: 'wait', ms: ROUTING_MS }] },
];

/** transfer_to_agent to a specialist, then the snapshot that moves the following cards under it. */
export function handoff(agent: AgoraAgentId): ScenarioStep[] {
  return [
    {
      type: 'step',
      name: 'executing_tools',
      steps: [
        {
          type: 'toolCall',
          name: 'transfer_to_agent',
          displayName: TOOL_DISPLAY_NAMES.transfer_to_agent,
          description: HANDOFF_SPOKEN[agent],
          args: { agent_id: agent, reason: HANDOFF_REASONS[agent] },
          result: { success: true, transferred_to: agent, message: `Overgedragen aan ${agent}` },
        },
      ],
    },
    agentSnapshot(agent, 'processing'),
  ];
}

/** A tool call with its Dutch display name. */
export function tool(name: string, args: JsonObject, result: JsonValue): ScenarioStep {
  return { type: 'toolCall', name, displayName: TOOL_DISPLAY_NAMES[name], args, result };
}

/** The `thinking` step with the streamed (and spoken) answer, then the completed snapshot. */
export function answer(agent: AgoraAgentId, chunks: string[]): ScenarioStep[] {
  return [{ type: 'step', name: 'thinking', steps: [{ type: 'text', chunks }] }, agentSnapshot(agent, 'completed')];
}
