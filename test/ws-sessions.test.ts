import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { recordedBytesOf } from '../src/server/packs/agora/store/recorded-history';
import { agoraStore } from './helpers/agora';
import { AguiSocket, assertValidStream } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';
import { FeedClient } from './helpers/feed-client';
import { eventually } from './helpers/wait';

// Runs on /ws become REST sessions (as on AGORA's real servers), and the demo's done-when walk-through.

const server = await startTestEngine();

/** A REST body; the tests check it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Body = any;

async function getJson(path: string): Promise<Body> {
  const response = await fetch(`${server.url}${path}`);
  assert.equal(response.status, 200, `GET ${path}`);
  return response.json();
}

test('done when: inspection, then "Genereer rapport" approved, with working download links', async () => {
  const ws = await AguiSocket.open(server.wsUrl);
  ws.send({
    threadId: 't1',
    messages: [{ role: 'user', content: 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854' }],
  });
  await ws.waitForRuns(1);
  const inspection = ws.events.filter((event) => event.type === 'TOOL_CALL_START').map((event) => event.toolCallName);
  assert.deepEqual(inspection, ['transfer_to_agent', 'get_company_info', 'get_inspection_history']);

  ws.send({ threadId: 't1', messages: [{ role: 'user', content: 'Genereer rapport' }] });
  const request = await ws.waitForCustom('agora:tool_approval_request');
  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(2);
  await assertValidStream(ws.events);

  const text = ws.events
    .slice(ws.events.indexOf(request))
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta)
    .join('');
  const links = [...text.matchAll(/\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1] as string);
  const pdf = links.find((link) => link.includes('pdf'));
  const json = links.find((link) => link.includes('json'));
  assert.ok(pdf && json, `links to a PDF and a JSON document in: ${text}`);
  const pdfResponse = await fetch(pdf);
  assert.equal(pdfResponse.status, 200);
  assert.equal(pdfResponse.headers.get('content-type'), 'application/pdf');
  assert.equal(
    Buffer.from(await pdfResponse.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  const jsonResponse = await fetch(json);
  assert.equal(jsonResponse.status, 200);
  assert.match(jsonResponse.headers.get('content-type') ?? '', /^application\/json/);
  await jsonResponse.json();
  await ws.close();
});

test('a run creates the session for its thread and appends user, tool_call, tool and assistant history', async () => {
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(server.wsUrl);
  ws.send({ threadId, userId: 'koen', messages: [{ role: 'user', content: 'Start inspectie bij Bella Rosa' }] });
  await ws.waitForRuns(1);

  const { session } = await getJson(`/sessions/${threadId}/metadata`);
  assert.equal(session.userId, 'koen');
  assert.equal(session.firstMessagePreview, 'Start inspectie bij Bella Rosa');
  const listed = await getJson('/sessions?user_id=koen');
  assert.equal(listed.sessions[0].sessionId, threadId, 'newest activity first');

  const full = await getJson(`/sessions/${threadId}/history?include_tools=true`);
  assert.deepEqual(
    full.history.map(
      (message: { role: string; tool_name?: string }) =>
        `${message.role}${message.tool_name ? ` ${message.tool_name}` : ''}`,
    ),
    [
      'user',
      'tool_call transfer_to_agent',
      'tool transfer_to_agent',
      'tool_call get_company_info',
      'tool get_company_info',
      'tool_call get_inspection_history',
      'tool get_inspection_history',
      'assistant',
    ],
  );
  const [user, handoffCall, , companyCall, companyResult] = full.history;
  assert.deepEqual(user, { role: 'user', content: 'Start inspectie bij Bella Rosa' });
  assert.equal(handoffCall.agent_id, 'general-agent');
  assert.equal(companyCall.agent_id, 'history-agent');
  assert.deepEqual(JSON.parse(companyCall.content), { kvk_number: '92251854' });
  assert.equal(JSON.parse(companyResult.content).name, 'Restaurant Bella Rosa');
  assert.equal(companyResult.tool_call_id, companyCall.tool_call_id);
  const answer = full.history.at(-1);
  assert.equal(answer.agent_id, 'history-agent');
  assert.match(answer.content, /1 openstaande overtreding/);
  assert.match(answer.spoken_text, /Let op: Er is 1 openstaande overtreding/);

  const plain = await getJson(`/sessions/${threadId}/history`);
  assert.deepEqual(
    plain.history.map((message: { role: string }) => message.role),
    ['user', 'assistant'],
  );

  ws.send({ threadId, userId: 'koen', messages: [{ role: 'user', content: 'Hallo' }] });
  await ws.waitForRuns(2);
  const again = await getJson(`/sessions/${threadId}/history`);
  assert.deepEqual(
    again.history.map((message: { role: string }) => message.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
  assert.equal((await getJson(`/sessions/${threadId}/metadata`)).session.messageCount, 10);
  await ws.close();
});

test('a run stopped mid-answer (its client gone) keeps what it said so far, cut where it stopped', async () => {
  const slow = await startTestEngine({ settings: { speed: 1 } });
  const history = async (threadId: string) => {
    const response = await fetch(`${slow.url}/sessions/${threadId}/history`);
    return response.status === 200 ? ((await response.json()) as Body).history : [];
  };
  const whole = `session_${randomUUID()}`;
  const complete = await AguiSocket.open(slow.wsUrl);
  complete.send({ threadId: whole, messages: [{ role: 'user', content: 'Hallo' }] });
  await complete.waitForRuns(1);
  await complete.close();

  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(slow.wsUrl);
  ws.send({ threadId, messages: [{ role: 'user', content: 'Hallo' }] });
  await ws.waitFor((event) => event.type === 'TEXT_MESSAGE_CONTENT');
  await ws.close();
  await eventually(async () => (await history(threadId)).length >= 2, 'the stopped run to be recorded');
  const cut = await history(threadId);
  assert.deepEqual(
    cut.map((message: { role: string }) => message.role),
    ['user', 'assistant'],
  );
  const [, full] = await history(whole);
  assert.ok(cut[1].content.length > 0, 'what was said is kept');
  assert.ok(cut[1].content.length < full.content.length, 'the answer was cut short');
  assert.ok(full.content.startsWith(cut[1].content));
});

test('recorded history stays within its limits: the least recently active run sessions go, and the console is told', async () => {
  const limited = await startTestEngine({ settings: { maxRecordedSessions: 2, maxRecordedMessagesPerSession: 3 } });
  const feed = await FeedClient.connect(limited);
  await feed.waitFor(() => feed.messages.length > 0);
  const ws = await AguiSocket.open(limited.wsUrl);
  const threads = ['run-1', 'run-2', 'run-3'];
  for (const [index, threadId] of threads.entries()) {
    ws.send({ threadId, userId: 'koen', messages: [{ role: 'user', content: 'Hallo' }] });
    await ws.waitForRuns(index + 1);
  }
  // A second run on run-3 (two messages a run): past three recorded messages its oldest go.
  ws.send({ threadId: 'run-3', userId: 'koen', messages: [{ role: 'user', content: 'Hallo nogmaals' }] });
  await ws.waitForRuns(4);

  assert.equal((await fetch(`${limited.url}/sessions/run-1/metadata`)).status, 404, 'least recently active: evicted');
  const listed = (await (await fetch(`${limited.url}/sessions?user_id=koen`)).json()) as Body;
  assert.deepEqual(
    listed.sessions
      .map((session: { sessionId: string }) => session.sessionId)
      .filter((id: string) => id.startsWith('run-')),
    ['run-3', 'run-2'],
  );
  const history = (await (await fetch(`${limited.url}/sessions/run-3/history?include_tools=true`)).json()) as Body;
  assert.deepEqual(
    history.history.map((message: { role: string }) => message.role),
    ['assistant', 'user', 'assistant'],
  );
  assert.equal(history.history[1].content, 'Hallo nogmaals');
  const metadata = (await (await fetch(`${limited.url}/sessions/run-3/metadata`)).json()) as Body;
  assert.equal(metadata.session.messageCount, 3);

  await feed.waitFor(
    () =>
      feed.items.some(
        (item) =>
          item.type === 'state-changed' &&
          item.change.type === 'history-evicted' &&
          item.change.deletedSessionIds.includes('run-1'),
      ),
    30_000,
  );
  await ws.close();
  feed.close();
});

test('runs sending large messages keep recorded history within maxRecordedBytes: the oldest sessions give way', async () => {
  const limit = 2 * 1024 * 1024;
  const limited = await startTestEngine({ settings: { maxRecordedBytes: limit } });
  const ws = await AguiSocket.open(limited.wsUrl);
  // 8 runs of half a MiB each: twice what the limit keeps.
  const large = (run: number) => `${run} ${'Inspectie. '.repeat(48 * 1024)}`;
  for (let run = 0; run < 8; run++) {
    ws.send({ threadId: `large-${run}`, userId: 'koen', messages: [{ role: 'user', content: large(run) }] });
    await ws.waitForRuns(run + 1);
  }
  await ws.close();

  let recorded = 0;
  for (const session of agoraStore(limited).snapshot().sessions) {
    const count = session.recordedByRun ? session.history.length : (session.recordedMessages ?? 0);
    for (const message of session.history.slice(session.history.length - count)) recorded += recordedBytesOf(message);
  }
  assert.ok(recorded <= limit, `${recorded} bytes recorded, at most ${limit}`);
  assert.equal((await fetch(`${limited.url}/sessions/large-0/metadata`)).status, 404, 'the oldest: evicted');
  const newest = (await (await fetch(`${limited.url}/sessions/large-7/history`)).json()) as Body;
  assert.equal(newest.history[0].content, large(7), 'the newest run is kept whole');
});
