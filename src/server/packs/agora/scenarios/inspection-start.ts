import type { ScenarioInput } from '../../../../shared/scenario';
import { AgoraAgent, answer, handoff, routing, tool } from './agora-building-blocks';
import { DEMO_COMPANY, DEMO_VIOLATION } from './agora-demo-data';

/** Flow 1: the inspector starts an inspection; the history agent looks the company up. */
export const inspectionStart: ScenarioInput = {
  id: 'agora-inspection-start',
  name: 'Inspectie starten',
  description:
    'Handoff to history-agent; get_company_info and get_inspection_history for Restaurant Bella Rosa; ' +
    'a company summary with 1 open violation.',
  triggers: ['start inspectie', 'inspectie bij', 'bella rosa', '92251854'].map((value) => ({
    match: 'substring' as const,
    value,
  })),
  steps: [
    ...routing,
    ...handoff(AgoraAgent.history),
    { type: 'setContext', values: { inspectionStarted: true, companyName: DEMO_COMPANY.name } },
    {
      type: 'step',
      name: 'executing_tools',
      steps: [
        tool('get_company_info', { kvk_number: DEMO_COMPANY.kvk_number }, DEMO_COMPANY),
        tool(
          'get_inspection_history',
          { kvk_number: DEMO_COMPANY.kvk_number },
          {
            total_inspections: 2,
            last_inspection: '15 mei 2022',
            violations: [DEMO_VIOLATION],
            status: 'Onder toezicht',
          },
        ),
      ],
    },
    ...answer(AgoraAgent.history, [
      `Inspectie gestart voor **${DEMO_COMPANY.name}**.\n\n`,
      '**Bedrijfsgegevens:**\n',
      `- KVK: ${DEMO_COMPANY.kvk_number}\n`,
      `- Rechtsvorm: ${DEMO_COMPANY.legal_form}\n`,
      `- Adres: ${DEMO_COMPANY.address}\n`,
      `- Status: ${DEMO_COMPANY.status}\n`,
      `- Sector: ${DEMO_COMPANY.sbi_codes[0]}\n\n`,
      '**Inspectiehistorie:**\n',
      `⚠️ Er is **1 openstaande overtreding** uit ${DEMO_VIOLATION.date}:\n`,
      `- ${DEMO_VIOLATION.type}\n`,
      `- Ernst: ${DEMO_VIOLATION.severity}\n`,
      `- Status: ${DEMO_VIOLATION.status}\n`,
      '- Follow-up vereist maar nog niet uitgevoerd\n\n',
      'U kunt nu uw bevindingen doorgeven.',
    ]),
  ],
};
