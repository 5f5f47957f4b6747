import type { AgoraData, HistoryMessage, StoredSession, User } from '../../../../shared/agora-model';
import { toSpokenText } from '../../../scenarios/spoken-text';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const KOEN_ID = '550e8400-e29b-41d4-a716-446655440001';
export const FATIMA_ID = '550e8400-e29b-41d4-a716-446655440002';
export const JAN_ID = '550e8400-e29b-41d4-a716-446655440003';

/**
 * AGORA's seed: three NVWA inspectors (Koen is "me") and four sessions keyed by the legacy ids the
 * Python mock used (`koen`, `fatima`, `jan`). Times are relative to `startedAt` so the data looks fresh.
 */
export function agoraSeed(startedAt: number): AgoraData {
  const ago = (ms: number) => new Date(startedAt - ms).toISOString();
  const users: User[] = [
    {
      id: KOEN_ID,
      email: 'koen.vandenberg@nvwa.nl',
      name: 'Koen van den Berg',
      preferences: preferences('light', 'summarize'),
      createdAt: '2024-06-15T09:00:00Z',
      lastActivity: ago(30 * MINUTE),
    },
    {
      id: FATIMA_ID,
      email: 'fatima.el-amrani@nvwa.nl',
      name: 'Fatima El-Amrani',
      preferences: preferences('dark', 'dictate'),
      createdAt: '2024-08-20T14:30:00Z',
      lastActivity: ago(DAY),
    },
    {
      id: JAN_ID,
      email: 'jan.devries@nvwa.nl',
      name: 'Jan de Vries',
      preferences: preferences('system', 'summarize'),
      createdAt: '2024-01-10T08:00:00Z',
      lastActivity: ago(3 * DAY),
    },
  ];
  return {
    users,
    currentUserId: KOEN_ID,
    userAliases: { koen: KOEN_ID, fatima: FATIMA_ID, jan: JAN_ID },
    sessions: [
      session('session-koen-bella-rosa', 'koen', 'Inspectie Restaurant Bella Rosa', ago(2 * HOUR), ago(30 * MINUTE), [
        user('Start inspectie bij Restaurant Bella Rosa, KVK 92251854'),
        toolCall('call-001', 'transfer_to_agent', { agent_id: 'history-agent' }, 'general-agent'),
        toolResult('call-001', 'transfer_to_agent', { success: true, agent_id: 'history-agent' }),
        toolCall('call-002', 'get_company_info', { kvk_number: '92251854' }, 'history-agent'),
        toolResult('call-002', 'get_company_info', BELLA_ROSA_COMPANY),
        toolCall('call-003', 'get_inspection_history', { kvk_number: '92251854' }, 'history-agent'),
        toolResult('call-003', 'get_inspection_history', BELLA_ROSA_HISTORY),
        assistant(
          '**Restaurant Bella Rosa** (BV, KVK 92251854), Haagweg 123 in Den Haag, SBI 5610, status Actief.\n\n' +
            'Er zijn 2 eerdere inspecties. Er is **1 openstaande overtreding**: een waarschuwing voor hygiëne van ' +
            '15 mei 2022. Let bij deze inspectie extra op de schoonmaak van de keuken.',
          'history-agent',
        ),
      ]),
      session('session-koen-hotel-sunset', 'koen', 'Inspectie Hotel Sunset', ago(2 * DAY), ago(2 * DAY - HOUR), [
        user('Start inspectie bij Hotel Sunset in Scheveningen'),
        toolCall('call-101', 'get_company_info', { kvk_number: '68750110' }, 'history-agent'),
        toolResult('call-101', 'get_company_info', {
          name: 'Hotel Sunset',
          kvk_number: '68750110',
          legal_form: 'BV',
          address: 'Strandweg 45, 2586 JK Den Haag',
          sbi_code: '5510',
          status: 'Actief',
        }),
        assistant(
          '**Hotel Sunset** (BV, KVK 68750110), Strandweg 45 in Den Haag, SBI 5510, status Actief. ' +
            'Geen openstaande overtredingen. Wat wil je vastleggen?',
          'history-agent',
        ),
        user('De temperatuur in de koelcel van de keuken is 9 °C'),
        toolCall('call-102', 'search_regulations', { query: 'temperatuur koelcel', limit: 3 }, 'regulation-agent'),
        toolResult('call-102', 'search_regulations', {
          results: [
            { id: 'EU-852-2004-IX-2', title: 'Verordening (EG) 852/2004, bijlage II, hoofdstuk IX', relevance: 0.94 },
            { id: 'HYG-KOEL-7', title: 'Hygiënecode horeca: koelen op maximaal 7 °C', relevance: 0.9 },
            { id: 'WAR-BESL-4', title: 'Warenwetbesluit hygiëne van levensmiddelen, artikel 4', relevance: 0.71 },
          ],
        }),
        toolCall('call-103', 'check_repeat_violation', { kvk_number: '68750110', category: 'temperatuur' }),
        toolResult('call-103', 'check_repeat_violation', { is_repeat: false, recommendation: 'WARNING' }),
        assistant(
          '⚠️ De koelcel is met 9 °C te warm: gekoelde producten moeten op maximaal 7 °C bewaard worden. ' +
            'Dit is geen herhaalde overtreding; een schriftelijke waarschuwing volstaat. Zeg "Genereer rapport" ' +
            'om het rapport op te stellen.',
          'regulation-agent',
        ),
        user('Genereer rapport'),
        assistant('Ik stel het inspectierapport voor Hotel Sunset op. Keur je het genereren goed?', 'reporting-agent'),
        toolCall(
          'call-104',
          'generate_inspection_report',
          {
            company_name: 'Hotel Sunset',
            kvk_number: '68750110',
            inspector_name: 'Koen van den Berg',
            include_escalation: false,
            violations: ['Koelcel 9 °C (maximaal 7 °C)'],
          },
          'reporting-agent',
        ),
        toolResult('call-104', 'generate_inspection_report', {
          report_id: 'INS-2024-104857',
          status: 'generated',
          download_urls: { json: '/mock_documents/report.json', pdf: '/mock_documents/report.pdf' },
        }),
        assistant(
          'Het rapport INS-2024-104857 is klaar: [rapport (pdf)](/mock_documents/report.pdf) en ' +
            '[gegevens (json)](/mock_documents/report.json).',
          'reporting-agent',
        ),
      ]),
      session('session-fatima-bakery', 'fatima', 'Bakkerij De Gouden Korst', ago(DAY + 3 * HOUR), ago(DAY), [
        user('Welke regels gelden voor de schoonmaak van een broodsnijmachine?'),
        toolCall('call-201', 'search_regulations', { query: 'schoonmaak snijmachine bakkerij', limit: 3 }),
        toolResult('call-201', 'search_regulations', {
          results: [
            { id: 'EU-852-2004-II-5', title: 'Verordening (EG) 852/2004, bijlage II, hoofdstuk V', relevance: 0.88 },
            { id: 'HYG-BAK-3', title: 'Hygiënecode brood en banket: reiniging van apparatuur', relevance: 0.85 },
          ],
        }),
        assistant(
          'Apparatuur die met levensmiddelen in aanraking komt, moet na gebruik en minstens dagelijks gereinigd ' +
            'worden; de hygiënecode voor brood en banket schrijft demontage van het snijblok voor.',
          'regulation-agent',
        ),
        user('En welke temperatuur geldt voor de vitrine met roomgebak?'),
        assistant('Gebak met room of vla moet gekoeld worden bewaard, op maximaal 7 °C.', 'regulation-agent'),
      ]),
      session('session-jan-supermarket', 'jan', 'Supermarkt Buurtwinkel Oost', ago(3 * DAY + HOUR), ago(3 * DAY), [
        user('Inspectie bij Buurtwinkel Oost, wat moet ik controleren?'),
        assistant(
          'Begin bij de koelingen en vriezers, dan houdbaarheidsdata en etikettering, en als laatste de ' +
            'schoonmaak van de versafdeling.',
          'general-agent',
        ),
        user('Alle koelingen zitten onder de 7 graden.'),
        assistant('Goed. Noteer de gemeten temperaturen per koeling in het rapport.', 'general-agent'),
      ]),
    ],
  };
}

function preferences(theme: 'light' | 'dark' | 'system', spokenTextType: 'summarize' | 'dictate'): User['preferences'] {
  return {
    theme,
    notifications_enabled: true,
    default_agent_id: 'general-agent',
    language: 'nl-NL',
    spoken_text_type: spokenTextType,
  };
}

function session(
  sessionId: string,
  userId: string,
  title: string,
  createdAt: string,
  lastActivity: string,
  history: HistoryMessage[],
): StoredSession {
  const first = history.find((message) => message.role === 'user');
  return {
    metadata: {
      sessionId,
      userId,
      title,
      firstMessagePreview: first?.content ?? '',
      messageCount: history.length,
      createdAt,
      lastActivity,
    },
    history,
  };
}

const user = (content: string): HistoryMessage => ({ role: 'user', content });

const assistant = (content: string, agentId: string): HistoryMessage => ({
  role: 'assistant',
  content,
  agent_id: agentId,
  spoken_text: toSpokenText(content),
});

const toolCall = (id: string, name: string, args: unknown, agentId = 'regulation-agent'): HistoryMessage => ({
  role: 'tool_call',
  tool_call_id: id,
  tool_name: name,
  content: JSON.stringify(args),
  agent_id: agentId,
});

const toolResult = (id: string, name: string, result: unknown): HistoryMessage => ({
  role: 'tool',
  tool_call_id: id,
  tool_name: name,
  content: JSON.stringify(result),
});

const BELLA_ROSA_COMPANY = {
  name: 'Restaurant Bella Rosa',
  kvk_number: '92251854',
  legal_form: 'BV',
  address: 'Haagweg 123, 2511 AA Den Haag',
  sbi_code: '5610',
  sbi_description: 'Restaurants',
  status: 'Actief',
};

const BELLA_ROSA_HISTORY = {
  kvk_number: '92251854',
  total_inspections: 2,
  inspections: [
    { date: '2023-03-08', type: 'Reguliere inspectie', result: 'Geen overtredingen' },
    {
      date: '2022-05-15',
      type: 'Reguliere inspectie',
      result: 'Waarschuwing',
      violation: 'Hygiëne: vervuilde afvoerputjes in de keuken',
      status: 'Open',
    },
  ],
  open_violations: 1,
};
