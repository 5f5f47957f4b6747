import type { ScenarioInput } from '../../../../shared/scenario';
import { AgoraAgent, answer, routing } from './agora-building-blocks';

/** Flow 4: anything else stays with the general agent: how to start, or what next once an inspection runs. */
export const generalWelcome: ScenarioInput = {
  id: 'agora-general',
  name: 'Algemene assistent',
  description:
    'Fallback: a welcome that explains how to start an inspection, or, once one started on this connection, ' +
    'what can be done next.',
  triggers: [{ match: 'always', priority: -100 }],
  steps: [
    ...routing,
    {
      type: 'branch',
      when: { context: 'inspectionStarted' },
      steps: answer(AgoraAgent.general, [
        'Ik help u graag verder met de inspectie. ',
        'U kunt:\n',
        "- Bevindingen doorgeven (bijv. 'Ik zie rauwe vis op kamertemperatuur')\n",
        '- Vragen naar regelgeving\n',
        "- Een rapport genereren met 'Genereer rapport'\n",
      ]),
      otherwise: answer(AgoraAgent.general, [
        'Welkom bij AGORA. ',
        'Start een inspectie door te zeggen:\n\n',
        "**'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854'**\n\n",
        'Ik help u vervolgens met:\n',
        '- Bedrijfsgegevens opzoeken\n',
        '- Inspectiehistorie bekijken\n',
        '- Regelgeving raadplegen\n',
        '- Rapport genereren',
      ]),
    },
  ],
};
