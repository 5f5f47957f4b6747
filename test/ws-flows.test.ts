import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AguiSocket, assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';

// The four AGORA demo flows over a real WebSocket, at speed 0: order of events, tools, args, results, texts.

const server = await startTestEngine();

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';

function toolCalls(events: readonly ReceivedEvent[]) {
  return events
    .filter((event) => event.type === 'TOOL_CALL_START')
    .map((start) => {
      const args = events.find((event) => event.type === 'TOOL_CALL_ARGS' && event.toolCallId === start.toolCallId);
      const result = events.find((event) => event.type === 'TOOL_CALL_RESULT' && event.toolCallId === start.toolCallId);
      return {
        name: start.toolCallName as string,
        displayName: start.toolDisplayName as string | undefined,
        description: start.toolDescription as string | undefined,
        args: JSON.parse(args?.delta),
        result: JSON.parse(result?.content),
        resultMessageId: result?.messageId as string,
        start,
      };
    });
}

function answerText(events: readonly ReceivedEvent[]): string {
  return events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
}

function spokenText(events: readonly ReceivedEvent[]): string {
  return events
    .filter((event) => event.type === 'CUSTOM' && event.name === 'agora:spoken_text_content')
    .map((event) => event.value.delta)
    .join('');
}

function agents(events: readonly ReceivedEvent[]): string[] {
  return events
    .filter((event) => event.type === 'STATE_SNAPSHOT')
    .map((event) => `${event.snapshot.currentAgent}:${event.snapshot.status}`);
}

/** The events of the last run only. */
function lastRun(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  const start = events.findLastIndex((event) => event.type === 'RUN_STARTED');
  return events.slice(start);
}

async function runOnce(message: string): Promise<{ ws: AguiSocket; events: ReceivedEvent[] }> {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(message);
  await ws.waitForRuns(1);
  return { ws, events: ws.events };
}

/** Collapses the streamed text part of an outline so order assertions stay readable. */
function shape(events: readonly ReceivedEvent[]): string[] {
  return outline(events).filter(
    (line, index, all) =>
      !(
        (line === 'TEXT_MESSAGE_CONTENT' || line === 'CUSTOM agora:spoken_text_content') &&
        (all[index - 2] === line || all[index - 1] === line)
      ),
  );
}

const HANDOFF = (agent: string) => [
  'RUN_STARTED',
  'STATE_SNAPSHOT',
  'STEP_STARTED routing',
  'STEP_FINISHED routing',
  'STEP_STARTED executing_tools',
  'TOOL_CALL_START transfer_to_agent',
  'TOOL_CALL_ARGS',
  'TOOL_CALL_END',
  'TOOL_CALL_RESULT',
  'STEP_FINISHED executing_tools',
  `STATE_SNAPSHOT:${agent}`,
];
const ANSWER = [
  'STEP_STARTED thinking',
  'TEXT_MESSAGE_START',
  'CUSTOM agora:spoken_text_start',
  'TEXT_MESSAGE_CONTENT',
  'CUSTOM agora:spoken_text_content',
  'TEXT_MESSAGE_END',
  'CUSTOM agora:spoken_text_end',
  'STEP_FINISHED thinking',
  'STATE_SNAPSHOT',
  'RUN_FINISHED',
];
const TOOL = (name: string) => [`TOOL_CALL_START ${name}`, 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT'];

function withAgentSnapshots(events: readonly ReceivedEvent[]): string[] {
  let snapshots = 0;
  return shape(events).map((line) => {
    if (line !== 'STATE_SNAPSHOT') return line;
    snapshots++;
    return snapshots === 2 ? `STATE_SNAPSHOT:${agents(events)[1]?.split(':')[0]}` : line;
  });
}

test('flow 1, inspection start: handoff to history-agent, company and history tools, summary with 1 open violation', async () => {
  const { ws, events } = await runOnce(INSPECTION);
  await assertValidStream(events);
  assert.deepEqual(withAgentSnapshots(events), [
    ...HANDOFF('history-agent'),
    'STEP_STARTED executing_tools',
    ...TOOL('get_company_info'),
    ...TOOL('get_inspection_history'),
    'STEP_FINISHED executing_tools',
    ...ANSWER,
  ]);
  assert.deepEqual(agents(events), ['general-agent:processing', 'history-agent:processing', 'history-agent:completed']);
  const [handoff, company, history] = toolCalls(events);
  assert.deepEqual(handoff?.args, {
    agent_id: 'history-agent',
    reason: 'Specialist voor bedrijfsinformatie en KVK-gegevens',
  });
  assert.equal(handoff?.displayName, 'Overdracht naar specialist');
  assert.equal(handoff?.description, 'Ik schakel de bedrijfsinformatie specialist in');
  assert.equal(handoff?.result.transferred_to, 'history-agent');
  assert.equal(company?.displayName, 'Ophalen bedrijfsgegevens');
  assert.deepEqual(company?.args, { kvk_number: '92251854' });
  assert.equal(company?.result.name, 'Restaurant Bella Rosa');
  assert.equal(company?.result.status, 'Actief');
  assert.match(company?.result.address, /Haagweg 123.*Den Haag/);
  assert.match(company?.result.sbi_codes[0], /^5610/);
  assert.equal(history?.displayName, 'Ophalen inspectiehistorie');
  assert.deepEqual(history?.args, { kvk_number: '92251854' });
  assert.equal(history?.result.total_inspections, 2);
  assert.equal(history?.result.violations[0].date, '15 mei 2022');
  assert.equal(history?.resultMessageId, `tool-result-${history?.start.toolCallId}`);
  assert.equal('parentMessageId' in (company?.start ?? {}), false, 'parentMessageId is omitted, never null');
  assert.match(answerText(events), /1 openstaande overtreding/);
  assert.match(answerText(events), /Restaurant Bella Rosa/);
  const start = events.find((event) => event.type === 'TEXT_MESSAGE_START');
  assert.equal(start?.role, 'assistant');
  for (const event of events) assert.equal(Number.isInteger(event.timestamp), true);
  await ws.close();
});

test('spoken text: markdown stripped, warning emoji and abbreviations spelled out, same messageId', async () => {
  const { ws, events } = await runOnce(INSPECTION);
  const spoken = spokenText(events);
  assert.doesNotMatch(spoken, /\*\*|⚠️|🚨|\bKVK\b/);
  assert.match(spoken, /Let op: Er is 1 openstaande overtreding/);
  assert.match(spoken, /Kamer van Koophandel: 92251854/);
  const messageId = events.find((event) => event.type === 'TEXT_MESSAGE_START')?.messageId;
  for (const event of events.filter((e) => e.type === 'CUSTOM' && e.name.startsWith('agora:spoken_text'))) {
    assert.equal(event.value.messageId, messageId);
  }
  await ws.close();

  const finding = await runOnce('Ik zie een ton met rauwe vis op kamertemperatuur');
  const findingSpoken = spokenText(finding.events);
  assert.match(findingSpoken, /^Waarschuwing: ERNSTIGE OVERTREDING/);
  assert.match(findingSpoken, /7 graden Celsius/);
  assert.match(findingSpoken, /Europese Unie Verordening/);
  await finding.ws.close();
});

test('flow 2, finding: handoff to regulation-agent, 3 regulations, repeat violation, "Zeg \'Genereer rapport\'"', async () => {
  const { ws, events } = await runOnce('Ik zie een geopende ton met rauwe vis naast het afvoerputje');
  await assertValidStream(events);
  assert.deepEqual(withAgentSnapshots(events), [
    ...HANDOFF('regulation-agent'),
    'STEP_STARTED executing_tools',
    ...TOOL('search_regulations'),
    ...TOOL('check_repeat_violation'),
    'STEP_FINISHED executing_tools',
    ...ANSWER,
  ]);
  const [handoff, search, repeat] = toolCalls(events);
  assert.equal(handoff?.args.agent_id, 'regulation-agent');
  assert.equal(search?.displayName, 'Zoeken in regelgeving');
  assert.equal(search?.args.limit, 3);
  assert.equal(typeof search?.args.query, 'string');
  assert.equal(search?.result.regulations.length, 3);
  assert.equal(repeat?.displayName, 'Controleren herhaalde overtredingen');
  assert.equal(repeat?.result.is_repeat, true);
  assert.equal(repeat?.result.enforcement_recommendation, 'IMMEDIATE_ACTION_REQUIRED');
  assert.match(answerText(events), /ERNSTIGE OVERTREDING/);
  assert.match(answerText(events), /Zeg \*\*'Genereer rapport'\*\* om het inspectierapport op te stellen\.$/);
  await ws.close();
});

test('routing follows the order of the spec: inspection before report, report before general', async () => {
  const cases: [string, string][] = [
    ['Inspectie bij de bakker, en daarna een rapport', 'history-agent'],
    ['Wat zijn de regels voor het rapport?', 'regulation-agent'],
    ['Please GENERATE the report', 'reporting-agent'],
  ];
  for (const [message, agent] of cases) {
    const ws = await AguiSocket.open(server.wsUrl);
    ws.ask(message);
    await ws.waitFor((event) => event.type === 'STATE_SNAPSHOT' && event.snapshot.currentAgent !== 'general-agent');
    const snapshot = ws.events.filter((event) => event.type === 'STATE_SNAPSHOT')[1];
    assert.equal(snapshot?.snapshot.currentAgent, agent, message);
    await ws.close();
  }
});

test('flow 3, approved: approval request, then generate_inspection_report with report id and links', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  assert.deepEqual(shape(ws.events), [
    ...HANDOFF('reporting-agent').map((line) => (line.startsWith('STATE_SNAPSHOT:') ? 'STATE_SNAPSHOT' : line)),
    'STEP_STARTED thinking',
    'STEP_FINISHED thinking',
    'STEP_STARTED executing_tools',
    'CUSTOM agora:tool_approval_request',
  ]);
  const value = request.value;
  assert.equal(value.toolName, 'generate_inspection_report');
  assert.equal(value.riskLevel, 'high');
  assert.match(value.approvalId, /^appr-/);
  assert.equal(typeof value.toolDescription, 'string');
  assert.equal(typeof value.reasoning, 'string');
  assert.deepEqual(Object.keys(value.parameters).sort(), [
    'company_name',
    'include_escalation',
    'inspector_name',
    'kvk_number',
    'violations',
  ]);
  const waiting = ws.events.length;
  ws.approve(value.approvalId, true);
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.deepEqual(shape(ws.events.slice(waiting)), [
    ...TOOL('generate_inspection_report'),
    'STEP_FINISHED executing_tools',
    ...ANSWER,
  ]);
  const report = toolCalls(ws.events).at(-1);
  assert.equal(report?.displayName, 'Genereren inspectierapport');
  assert.deepEqual(report?.args, {
    company_name: 'Restaurant Bella Rosa',
    kvk_number: '92251854',
    inspector_name: 'Koen van den Berg',
  });
  assert.match(report?.result.report_id, /^INS-2024-[0-9A-F]{6}$/);
  assert.deepEqual(report?.result.download_urls, {
    json: `${server.url}/mock_documents/report.json`,
    pdf: `${server.url}/mock_documents/report.pdf`,
  });
  const text = answerText(lastRun(ws.events));
  assert.ok(text.includes(report?.result.report_id), 'the answer names the report id');
  assert.ok(text.includes(`](${server.url}/mock_documents/report.pdf)`), 'a markdown link to the PDF');
  assert.ok(text.includes(`](${server.url}/mock_documents/report.json)`), 'a markdown link to the JSON');
  assert.deepEqual(agents(ws.events).at(-1), 'reporting-agent:completed');
  await ws.close();
});

test('flow 3, rejected: the step is closed, the answer says the report will not be generated', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Maak het rapport');
  const request = await ws.waitForCustom('agora:tool_approval_request');
  const waiting = ws.events.length;
  ws.approve(request.value.approvalId, false, 'Nog niet');
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  assert.deepEqual(shape(ws.events.slice(waiting)), ['STEP_FINISHED executing_tools', ...ANSWER]);
  assert.match(answerText(ws.events), /het rapport wordt \*\*niet\*\* gegenereerd/);
  assert.equal(
    toolCalls(ws.events).some((call) => call.name === 'generate_inspection_report'),
    false,
  );
  await ws.close();
});

test('flow 4, general: a welcome first, what to do next once an inspection started on the connection', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Hallo');
  await ws.waitForRuns(1);
  assert.deepEqual(shape(ws.events), [
    'RUN_STARTED',
    'STATE_SNAPSHOT',
    'STEP_STARTED routing',
    'STEP_FINISHED routing',
    ...ANSWER,
  ]);
  assert.deepEqual(agents(ws.events), ['general-agent:processing', 'general-agent:completed']);
  assert.match(answerText(ws.events), /Welkom bij AGORA.*Start inspectie bij Restaurant Bella Rosa/s);

  ws.ask(INSPECTION);
  await ws.waitForRuns(2);
  ws.ask('Hallo');
  await ws.waitForRuns(3);
  const third = lastRun(ws.events);
  assert.match(answerText(third), /Ik help u graag verder met de inspectie/);
  assert.doesNotMatch(answerText(third), /Welkom/);
  await assertValidStream(ws.events);
  await ws.close();

  // Context belongs to the connection: a new one starts from the welcome again.
  const fresh = await runOnce('Hallo');
  assert.match(answerText(fresh.events), /Welkom bij AGORA/);
  await fresh.ws.close();
});
