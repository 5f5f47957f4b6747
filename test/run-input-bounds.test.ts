import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { OutgoingEvent } from '../src/server/agui/events';
import { parseClientRequest, type RunRequest } from '../src/server/agui/run-input';
import { MAX_ID_LENGTH, MAX_RUN_LIST_ITEMS, MAX_RUN_MESSAGES } from '../src/server/agui/run-input-limits';
import { MAX_LISTED_ISSUES } from '../src/server/http/http-errors';
import {
  Conversation,
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_MAX_QUEUED_RUNS,
  type QueuedRun,
} from '../src/server/scenarios/conversation';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';
import { eventually } from './helpers/wait';

// What one RunAgentInput may hold (id lengths, a message count) and what a connection's queue may hold (requests
// and their bytes), on AGORA's /ws and the HTTP binding; and that a request holds its frame, not copies of it.

const server = await startTestEngine();

const long = (length: number) => 'i'.repeat(length);

function errors(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  return events.filter((event) => event.type === 'CUSTOM' && event.name === 'agora:error');
}

/** Sends each frame and waits for the one reply (a refusal, or a run to its end) each gets; returns the refusals. */
async function replies(frames: unknown[]): Promise<{ errors: ReceivedEvent[]; runs: number }> {
  const ws = await AguiSocket.open(server.wsUrl);
  for (const frame of frames) ws.send(frame);
  const done = () => errors(ws.events).length + ws.events.filter((event) => event.type === 'RUN_FINISHED').length;
  await ws.waitUntil(() => done() >= frames.length);
  await assertValidStream(ws.events);
  await ws.close();
  return { errors: errors(ws.events), runs: ws.events.filter((event) => event.type === 'RUN_STARTED').length };
}

function post(body: unknown) {
  return fetch(`${server.url}/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
}

function runInput(extra: Record<string, unknown> = {}) {
  return {
    threadId: `thread-${randomUUID()}`,
    runId: randomUUID(),
    messages: [{ id: randomUUID(), role: 'user', content: 'Hallo' }],
    tools: [],
    context: [],
    ...extra,
  };
}

test(`/ws: an id of more than ${MAX_ID_LENGTH} characters is refused with invalid_run_input naming the field`, async () => {
  const user = (extra: Record<string, unknown> = {}) => [{ role: 'user', content: 'Hallo', ...extra }];
  const { errors: refused, runs } = await replies([
    { threadId: long(MAX_ID_LENGTH + 1), messages: user() },
    { thread_id: long(1_000_000), messages: user() },
    { threadId: 't', runId: long(MAX_ID_LENGTH + 1), messages: user() },
    { threadId: 't', userId: long(MAX_ID_LENGTH + 1), messages: user() },
    { threadId: 't', messages: [...user(), ...user({ id: long(MAX_ID_LENGTH + 1) })] },
    { threadId: 't', messages: [...user(), { role: 'tool', content: '{}', tool_call_id: long(MAX_ID_LENGTH + 1) }] },
    // The official shape too.
    { threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: 'Hallo' }], parentRunId: long(300) },
    // At the limit: a run.
    { threadId: long(MAX_ID_LENGTH), runId: long(MAX_ID_LENGTH), messages: user({ id: long(MAX_ID_LENGTH) }) },
  ]);
  assert.equal(runs, 1, 'only the input at the limit ran');
  assert.deepEqual(
    refused.map((error) => [error.value.errorCode, error.value.details?.[0]?.path]),
    [
      ['invalid_run_input', 'threadId'],
      ['invalid_run_input', 'thread_id'],
      ['invalid_run_input', 'runId'],
      ['invalid_run_input', 'userId'],
      ['invalid_run_input', 'messages.1.id'],
      ['invalid_run_input', 'messages.1.tool_call_id'],
      ['invalid_run_input', 'parentRunId'],
    ],
  );
  assert.match(refused[0]?.value.message, /threadId has 257 characters; ids of at most 256 characters are accepted/);
  // The reply does not echo the megabyte back.
  assert.ok(JSON.stringify(refused[1]).length < 2_000);

  const approval = await replies([
    { type: 'CUSTOM', name: 'agora:tool_approval_response', value: { approvalId: long(300), approved: true } },
  ]);
  assert.equal(approval.errors[0]?.value.errorCode, 'invalid_approval_response');
});

test(`/ws: more than ${MAX_RUN_MESSAGES} messages are refused; ${MAX_RUN_MESSAGES} run`, async () => {
  const messages = (count: number) => Array.from({ length: count }, () => ({ role: 'user', content: 'Hallo' }));
  const { errors: refused, runs } = await replies([
    { threadId: 't', messages: messages(MAX_RUN_MESSAGES + 1) },
    { threadId: 't', messages: messages(MAX_RUN_MESSAGES) },
  ]);
  assert.equal(runs, 1);
  assert.equal(refused.length, 1);
  assert.equal(refused[0]?.value.errorCode, 'invalid_run_input');
  assert.equal(refused[0]?.value.details?.[0]?.path, 'messages');
  assert.match(refused[0]?.value.message, /has 10001 messages; at most 10000/);
});

test('/agent: ids too long and too many messages are a 422 at the field; at the limits the run streams', async () => {
  const cases: [Record<string, unknown>, (string | number)[], string][] = [
    [{ threadId: long(MAX_ID_LENGTH + 1) }, ['body', 'threadId'], 'string_too_long'],
    [{ runId: long(1_000_000) }, ['body', 'runId'], 'string_too_long'],
    [
      { messages: [{ id: long(MAX_ID_LENGTH + 1), role: 'user', content: 'Hallo' }] },
      ['body', 'messages', 0, 'id'],
      'string_too_long',
    ],
    [
      { messages: [{ id: 'a', role: 'assistant', toolCalls: [{ id: long(300), type: 'function' }] }] },
      ['body', 'messages', 0, 'toolCalls', 0, 'id'],
      'string_too_long',
    ],
    [{ forwardedProps: { userId: long(300) } }, ['body', 'forwardedProps', 'userId'], 'string_too_long'],
    [
      { resume: [{ interruptId: long(300), status: 'resolved' }] },
      ['body', 'resume', 0, 'interruptId'],
      'string_too_long',
    ],
    [
      {
        messages: Array.from({ length: MAX_RUN_MESSAGES + 1 }, (_, i) => ({ id: `m${i}`, role: 'user', content: 'a' })),
      },
      ['body', 'messages'],
      'too_long',
    ],
  ];
  for (const [extra, loc, type] of cases) {
    const response = await post(runInput(extra));
    assert.equal(response.status, 422, JSON.stringify(loc));
    const text = await response.text();
    assert.ok(text.length < 4_000, 'the 422 does not echo the input whole');
    const [issue] = (JSON.parse(text) as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail;
    assert.deepEqual(issue?.loc, loc);
    assert.equal(issue?.type, type);
  }
  const atLimits = await post(
    runInput({
      threadId: long(MAX_ID_LENGTH),
      messages: Array.from({ length: MAX_RUN_MESSAGES }, (_, i) => ({ id: `m${i}`, role: 'user', content: 'Hallo' })),
    }),
  );
  assert.equal(atLimits.status, 200);
  assert.match(await atLimits.text(), /"type":"RUN_FINISHED"/);
});

test('a threadId or userId with a lone surrogate, which no URL can carry, is refused on /agent and /ws', async () => {
  const lone = 'x\ud800y';
  for (const [extra, loc] of [
    [{ threadId: lone }, ['body', 'threadId']],
    [{ forwardedProps: { userId: lone } }, ['body', 'forwardedProps', 'userId']],
  ] as const) {
    const response = await post(runInput(extra));
    assert.equal(response.status, 422, JSON.stringify(loc));
    const [issue] = ((await response.json()) as { detail: { type: string; loc: unknown[]; input: unknown }[] }).detail;
    assert.deepEqual([issue?.type, issue?.loc, issue?.input], ['string_unicode', loc, 'x\uFFFDy']);
  }
  // A surrogate pair is well-formed text, which a URL carries (percent-encoded): its session is reachable.
  const paired = `thread-\u{1F600}-${randomUUID()}`;
  const streamed = await post(runInput({ threadId: paired, forwardedProps: { userId: 'koen' } }));
  assert.match(await streamed.text(), /"type":"RUN_FINISHED"/);
  const history = await fetch(`${server.url}/sessions/${encodeURIComponent(paired)}/history`);
  assert.equal(history.status, 200);

  const refused = await replies([{ ...runInput({ threadId: lone }) }]);
  assert.equal(refused.runs, 0);
  assert.match(refused.errors[0]?.value.message, /threadId holds a lone surrogate/);
  // Nothing was kept: no session no URL could reach.
  const sessions = await (await fetch(`${server.url}/sessions?user_id=koen`)).text();
  assert.ok(!sessions.includes('\\ud800'), sessions);
});

test(`the input's lists hold at most ${MAX_RUN_LIST_ITEMS} items together, before any schema reports each bad one`, async () => {
  const tool = { name: 'weather', description: 'Weather', parameters: { type: 'object' } };
  // Half a million bad tools: refused at the list, not worded half a million times.
  const crowded = await post(runInput({ tools: Array(520_000).fill(1) }));
  assert.equal(crowded.status, 422);
  const text = await crowded.text();
  assert.ok(text.length < 4_000, `a short 422 (${text.length} characters)`);
  const [issue] = (JSON.parse(text) as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail;
  assert.deepEqual(issue?.loc, ['body', 'tools']);
  assert.equal(issue?.type, 'too_long');
  assert.match(String(issue?.msg), new RegExp(`List has 520000 items, .* past ${MAX_RUN_LIST_ITEMS} together`));
  // Counted together: content parts and tool calls of the messages too.
  const parts = Array(MAX_RUN_LIST_ITEMS).fill({ type: 'text', text: 'a' });
  const together = await post(runInput({ tools: [tool], messages: [{ id: 'm1', role: 'user', content: parts }] }));
  assert.equal(together.status, 422);
  const [first] = ((await together.json()) as { detail: { loc: unknown[] }[] }).detail;
  assert.deepEqual(first?.loc, ['body', 'messages', 0, 'content']);
  // Under the limit, bad items are each a problem; the 422 lists the first and counts the rest.
  const bad = await post(runInput({ tools: Array(5_000).fill(1) }));
  assert.equal(bad.status, 422);
  const detail = ((await bad.json()) as { detail: { type: string; loc: unknown[]; ctx?: { unlisted?: number } }[] })
    .detail;
  assert.equal(detail.length, MAX_LISTED_ISSUES + 1);
  assert.deepEqual(detail[0]?.loc, ['body', 'tools', 0]);
  assert.equal(detail.at(-1)?.type, 'too_many_errors');
  assert.equal(detail.at(-1)?.ctx?.unlisted, 5_000 - MAX_LISTED_ISSUES);
  // At the limit the run streams.
  const atLimit = await post(runInput({ tools: Array(MAX_RUN_LIST_ITEMS).fill(tool) }));
  assert.equal(atLimit.status, 200);
  assert.match(await atLimit.text(), /"type":"RUN_FINISHED"/);
  // On /ws the same limit is an invalid_run_input refusal naming the list.
  const { errors: refused, runs } = await replies([
    { threadId: 't', messages: [{ role: 'user', content: 'Hallo' }], tools: Array(20_000).fill(1) },
  ]);
  assert.equal(runs, 0);
  assert.match(JSON.stringify(refused[0]?.value), /tools has 20000 items/);
});

/** A frame of about `bytes` bytes: one user message padded. */
function frameOf(bytes: number, threadId: string): string {
  const frame = JSON.stringify({ threadId, messages: [{ role: 'user', content: 'Hallo ' }] });
  return frame.replace('Hallo ', `Hallo ${'x'.repeat(bytes - frame.length)}`);
}

test('/ws: the queue is bounded in bytes too; a full queue refuses before checking; what waited runs in order', async () => {
  const threadId = `session_${randomUUID()}`;
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Genereer rapport', { threadId });
  const request = await ws.waitForCustom('agora:tool_approval_request');
  // Four frames of 1,000,000 bytes fit in 4 MiB, the fifth does not (nor does anything invalid, unread).
  const frame = frameOf(1_000_000, threadId);
  assert.equal(Buffer.byteLength(frame), 1_000_000);
  for (let i = 0; i < 5; i++) ws.send(frame);
  ws.send({ threadId: '', messages: [], pad: 'x'.repeat(300_000) });
  await ws.waitUntil(() => errors(ws.events).length === 2);
  for (const error of errors(ws.events)) {
    assert.equal(error.value.errorCode, 'run_queue_full');
    assert.equal(error.value.details.maxQueuedBytes, DEFAULT_MAX_QUEUED_BYTES);
    assert.equal(error.value.details.queuedBytes, 4_000_000);
    assert.equal(error.value.details.activeRunId, ws.events[0]?.runId);
  }
  assert.match(errors(ws.events)[0]?.value.message, /4 messages waiting for it hold 4000000 bytes/);
  // A small message still fits under the count limit.
  ws.ask('Hallo', { threadId });
  ws.approve(request.value.approvalId, true);
  await ws.waitForRuns(6);
  await assertValidStream(ws.events);
  assert.equal(errors(ws.events).length, 2);
  await ws.close();
});

/** A conversation on the engine's catalogue that queues, and the events it sent. */
function queueingConversation(options: { maxQueuedBytes?: number } = {}) {
  const events: OutgoingEvent[] = [];
  const conversation = new Conversation({
    catalogue: server.context.scenarios,
    sink: (event) => events.push(event),
    origin: server.url,
    speed: () => 0,
    approvalTimeoutMs: () => 0,
    whileRunning: 'queue',
    ...options,
  });
  return { conversation, events };
}

function runRequest(value: unknown): RunRequest {
  const parsed = parseClientRequest(value);
  assert.equal(parsed.kind, 'run');
  return parsed.request;
}

test('a queued request is read only when its turn comes; the queue counts its bytes and refuses past them', async () => {
  const { conversation, events } = queueingConversation({ maxQueuedBytes: 1000 });
  assert.equal(
    conversation.run(runRequest({ threadId: 't', messages: [{ role: 'user', content: 'Genereer rapport' }] })),
    undefined,
  );
  assert.ok(conversation.activeRunId, 'the approval run waits');
  const read: number[] = [];
  const queued = (index: number, bytes: number): QueuedRun => ({
    bytes,
    read() {
      read.push(index);
      return runRequest({ threadId: 't', messages: [{ role: 'user', content: `Hallo ${index}` }] });
    },
  });
  // The first always fits, however big; then the bytes are summed.
  assert.equal(conversation.run(queued(1, 600)), undefined);
  assert.equal(conversation.run(queued(2, 400)), undefined);
  assert.deepEqual(conversation.queueSize, { runs: 2, bytes: 1000 });
  const refusal = conversation.run(queued(3, 1));
  assert.equal(refusal?.errorCode, 'run_queue_full');
  assert.deepEqual(conversation.queueRefusal(1)?.details, refusal?.details);
  assert.deepEqual(read, [], 'nothing queued was read while it waited');

  const approval = events.find((event) => (event.event as { name?: string }).name === 'agora:tool_approval_request');
  assert.ok(approval, 'the run asked for approval');
  const approvalId = (approval.event as unknown as { value: { approvalId: string } }).value.approvalId;
  assert.equal(conversation.answerApproval({ approvalId, approved: true, feedback: null }), undefined);
  await eventually(() => read.length === 2, 'the queued requests to be read');
  assert.deepEqual(read, [1, 2], 'read in order once the run before them ended');
  assert.deepEqual(conversation.queueSize, { runs: 0, bytes: 0 });
  conversation.close();
});

test('the count limit holds whatever the bytes; a closed conversation drops its queue', () => {
  const { conversation } = queueingConversation();
  conversation.run(runRequest({ threadId: 't', messages: [{ role: 'user', content: 'Genereer rapport' }] }));
  const tiny: QueuedRun = { bytes: 1, read: () => undefined };
  for (let i = 0; i < DEFAULT_MAX_QUEUED_RUNS; i++) assert.equal(conversation.run(tiny), undefined);
  assert.equal(conversation.run(tiny)?.errorCode, 'run_queue_full');
  conversation.close();
  assert.deepEqual(conversation.queueSize, { runs: 0, bytes: 0 });
});

test("an AGORA frame's request holds the frame's own messages, completed in place: no copy per message", () => {
  const frame = {
    threadId: 't',
    messages: [
      { role: 'user', content: 'Hallo' },
      { role: 'assistant', content: null },
      { role: 'tool', content: '{}', tool_call_id: 'call-1' },
      { id: 'mine', role: 'user', content: 'deploy' },
    ],
  };
  const messages = frame.messages;
  const originals = [...messages];
  const parsed = parseClientRequest(frame, { owned: true });
  assert.equal(parsed.kind, 'run');
  const { request } = parsed;
  assert.equal(request.messages, messages, 'the same array');
  for (const [i, message] of request.messages.entries()) {
    assert.equal(message, originals[i], `message ${i} is the frame's own`);
  }
  assert.deepEqual(
    request.messages.map((message) => message.id),
    [`msg-${request.runId}-0`, `msg-${request.runId}-1`, `msg-${request.runId}-2`, 'mine'],
  );
  assert.equal(request.messages[1]?.content, '');
  assert.deepEqual(request.messages[2], {
    role: 'tool',
    content: '{}',
    id: `msg-${request.runId}-2`,
    toolCallId: 'call-1',
  });
  assert.equal(request.lastUserMessage, 'deploy');
  assert.equal(request.input.messages, messages);

  // A value the caller keeps (not `owned`) is left as it was: one copy of each message, ids the same way.
  const kept = { threadId: 't', runId: 'r1', messages: [{ role: 'user', content: 'Hallo' }] };
  const copied = parseClientRequest(kept);
  assert.equal(copied.kind, 'run');
  assert.deepEqual(kept.messages, [{ role: 'user', content: 'Hallo' }]);
  assert.deepEqual(copied.request.messages, [{ role: 'user', content: 'Hallo', id: 'msg-r1-0' }]);
});
