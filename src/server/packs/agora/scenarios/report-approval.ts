import type { ScenarioInput, ScenarioStep } from '../../../../shared/scenario';
import { AgoraAgent, answer, handoff, routing, TOOL_DISPLAY_NAMES } from './agora-building-blocks';
import { DEMO_COMPANY, DEMO_INSPECTOR } from './agora-demo-data';

const closeExecutingTools: ScenarioStep = {
  type: 'emit',
  event: { type: 'STEP_FINISHED', stepName: 'executing_tools' },
};

/**
 * Flow 3: the reporting agent asks the inspector to approve generate_inspection_report (AGORA's WebSocket
 * human-in-the-loop) and waits. Approved: the report with download links to this server's mock documents;
 * rejected or unanswered: no report. The executing_tools step stays open while waiting, as in AGORA.
 */
export const reportApproval: ScenarioInput = {
  id: 'agora-report-approval',
  name: 'Rapport met goedkeuring',
  description:
    'Handoff to reporting-agent; agora:tool_approval_request for generate_inspection_report; approved → ' +
    'the report (INS-2024-XXXXXX) with PDF and JSON links, rejected → no report.',
  triggers: ['genereer rapport', 'rapport', 'generate', 'report'].map((value) => ({
    match: 'substring' as const,
    value,
  })),
  steps: [
    ...routing,
    ...handoff(AgoraAgent.reporting),
    { type: 'step', name: 'thinking', steps: [{ type: 'wait', ms: 100 }] },
    { type: 'emit', event: { type: 'STEP_STARTED', stepName: 'executing_tools' } },
    {
      type: 'approval',
      id: 'approval',
      request: {
        toolName: 'generate_inspection_report',
        toolDescription:
          'Genereert een officieel inspectierapport (PDF) dat permanent wordt opgeslagen en naar het bedrijf wordt verzonden',
        parameters: {
          company_name: DEMO_COMPANY.name,
          kvk_number: DEMO_COMPANY.kvk_number,
          inspector_name: DEMO_INSPECTOR,
          include_escalation: true,
          violations: ['Bewaartemperatuur overtreding', 'Hygiëne overtreding'],
        },
        reasoning: 'Inspecteur heeft om rapportgeneratie gevraagd na het documenteren van bevindingen',
        riskLevel: 'high',
      },
      approved: [
        { type: 'let', values: { reportId: 'INS-2024-{{randomHex:6}}' } },
        {
          type: 'toolCall',
          name: 'generate_inspection_report',
          displayName: TOOL_DISPLAY_NAMES.generate_inspection_report,
          args: {
            company_name: DEMO_COMPANY.name,
            kvk_number: DEMO_COMPANY.kvk_number,
            inspector_name: DEMO_INSPECTOR,
          },
          result: {
            success: true,
            report_id: '{{vars.reportId}}',
            filename: 'rapport-{{vars.reportId}}.pdf',
            status: 'generated',
            download_urls: {
              json: '{{origin}}/mock_documents/report.json',
              pdf: '{{origin}}/mock_documents/report.pdf',
            },
          },
        },
        closeExecutingTools,
        { type: 'setContext', values: { reportGenerated: true } },
        ...answer(AgoraAgent.reporting, [
          '✅ **Rapport succesvol gegenereerd**\n\n',
          '**Rapport ID:** {{vars.reportId}}\n',
          '**Bestand:** rapport-{{vars.reportId}}.pdf\n\n',
          '**Downloaden:**\n',
          '- [Inspectierapport (PDF)]({{origin}}/mock_documents/report.pdf)\n',
          '- [Rapportgegevens (JSON)]({{origin}}/mock_documents/report.json)\n\n',
          '**Inhoud rapport:**\n',
          `- Bedrijfsgegevens ${DEMO_COMPANY.name}\n`,
          '- Inspectiehistorie met eerdere overtreding\n',
          '- Huidige bevindingen (bewaartemperatuur, hygiëne)\n',
          '- Toepasselijke regelgeving\n',
          '- ⚠️ Escalatie wegens herhaalde overtreding\n\n',
          'Het rapport wordt automatisch naar het bedrijf verzonden. ',
          'De inspectie is afgerond.',
        ]),
      ],
      rejected: [
        closeExecutingTools,
        ...answer(AgoraAgent.reporting, [
          'Begrepen, het rapport wordt **niet** gegenereerd.\n\n',
          'U kunt:\n',
          '- Aanvullende bevindingen documenteren\n',
          "- Later alsnog een rapport genereren met 'Genereer rapport'\n",
          '- De inspectie afsluiten zonder rapport',
        ]),
      ],
      timeout: [
        closeExecutingTools,
        ...answer(AgoraAgent.reporting, [
          'Er is geen antwoord op het goedkeuringsverzoek ontvangen, dus het rapport wordt **niet** gegenereerd.\n\n',
          "Zeg 'Genereer rapport' om het opnieuw te proberen.",
        ]),
      ],
    },
  ],
};
