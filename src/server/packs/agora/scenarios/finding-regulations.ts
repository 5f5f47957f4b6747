import type { ScenarioInput } from '../../../../shared/scenario';
import { AgoraAgent, answer, handoff, routing, tool } from './agora-building-blocks';
import { DEMO_COMPANY, DEMO_REGULATIONS, DEMO_VIOLATION } from './agora-demo-data';

/** Flow 2: the inspector reports a finding; the regulation agent finds the rules and a repeat violation. */
export const findingRegulations: ScenarioInput = {
  id: 'agora-finding-regulations',
  name: 'Bevinding en regelgeving',
  description:
    'Handoff to regulation-agent; search_regulations (3 regulations) and check_repeat_violation (repeat, ' +
    'IMMEDIATE_ACTION_REQUIRED); a serious violation, ending with "Zeg \'Genereer rapport\'".',
  triggers: ['rauwe vis', 'temperatuur', 'afvoerputje', 'schoonmaak', 'overtreden', 'regels'].map((value) => ({
    match: 'substring' as const,
    value,
  })),
  steps: [
    ...routing,
    ...handoff(AgoraAgent.regulation),
    { type: 'setContext', values: { findingsRecorded: true } },
    {
      type: 'step',
      name: 'executing_tools',
      steps: [
        tool(
          'search_regulations',
          { query: 'bewaren rauwe vis temperatuur hygiëne horeca', limit: 3 },
          { regulations: DEMO_REGULATIONS },
        ),
        tool(
          'check_repeat_violation',
          { kvk_number: DEMO_COMPANY.kvk_number, violation_category: 'hygiene_measures' },
          {
            is_repeat: true,
            previous_occurrences: 1,
            enforcement_recommendation: 'IMMEDIATE_ACTION_REQUIRED',
            escalation_reason: 'Herhaalde overtreding met onopgeloste eerdere waarschuwing',
          },
        ),
      ],
    },
    ...answer(AgoraAgent.regulation, [
      '🚨 **ERNSTIGE OVERTREDING GECONSTATEERD**\n\n',
      'Uw bevinding betreft meerdere overtredingen:\n\n',
      '**1. Bewaartemperatuur**\n',
      'Rauwe vis op kamertemperatuur is een direct risico voor voedselvergiftiging. ',
      'Bederfelijke levensmiddelen moeten onder 7°C bewaard worden.\n\n',
      '**2. Hygiëne werkplek**\n',
      'Opslag naast afvoerputje met schoonmaakmiddelresten is een kruisbesmettingsrisico.\n\n',
      '**Toepasselijke regelgeving:**\n',
      ...DEMO_REGULATIONS.map(
        (regulation, index) =>
          `- ${regulation.name}: ${regulation.description}\n${index === DEMO_REGULATIONS.length - 1 ? '\n' : ''}`,
      ),
      '⚠️ **WAARSCHUWING: Dit is een HERHAALDE overtreding!**\n',
      `In ${DEMO_VIOLATION.date} was er een soortgelijk probleem dat nog steeds niet is opgelost.\n\n`,
      '**Aanbeveling:** Directe handhaving met escalatie wegens recidive.\n\n',
      "Zeg **'Genereer rapport'** om het inspectierapport op te stellen.",
    ]),
  ],
};
