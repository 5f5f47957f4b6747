import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type AgentSubscriber, HttpAgent, type RunAgentParameters } from '@ag-ui/client';
import type { BaseEvent, Message, RunFinishedEvent } from '@ag-ui/core';
import { planMacro } from '../src/server/agui/event-macros';
import { recordScenario } from '../src/server/scenarios/scenario-recording';
import type { FrameRecord } from '../src/shared/connections';
import { MacroSchemas, type StreamContext } from '../src/shared/control-api';
import type { RecordingResult } from '../src/shared/recording';
import type { ScenarioInput, ScenarioStep } from '../src/shared/scenario';
import { controlClient } from './helpers/control-client';
import { startTestEngine } from './helpers/engine';

// A recording replays what was sent: a run that paused at an interrupt pauses again, a MESSAGES_SNAPSHOT is rebuilt
// from the replaying client's request (not the recorded one's), and what cannot be kept is said in `warnings`.
// Played through the official client (HttpAgent → POST /agent), which is where the differences show.

const server = await startTestEngine({ settings: { speed: 1 } });
const api = controlClient(server);

const BOOKING_SCHEMA = {
  type: 'object',
  properties: { approved: { type: 'boolean' }, note: { type: 'string', default: 'none' } },
  required: ['approved'],
};

const SCENARIOS: ScenarioInput[] = [
  {
    id: 'booking',
    name: 'Booking',
    triggers: [{ match: 'substring', value: 'book a table', priority: 50 }],
    steps: [
      {
        type: 'step',
        name: 'prep',
        steps: [
          { type: 'text', chunks: ['Preparing'], chunkDelayMs: 0, spoken: false },
          {
            type: 'interrupt',
            id: 'confirm',
            reason: 'confirmation',
            message: 'Book for {{default input.forwardedProps.people 2}}?',
            responseSchema: BOOKING_SCHEMA,
            expiresInMs: 600_000,
            resolved: [{ type: 'text', chunks: ['Booked'], chunkDelayMs: 0, spoken: false }],
            cancelled: [{ type: 'text', chunks: ['Not booked.'], chunkDelayMs: 0, spoken: false }],
          },
        ],
      },
    ],
  },
  {
    id: 'full-snapshot',
    name: 'Full, with a snapshot',
    triggers: [{ match: 'substring', value: 'do the full thing', priority: 50 }],
    steps: [
      { type: 'text', id: 'said', chunks: ['Working on it'], chunkDelayMs: 0, spoken: false },
      {
        type: 'messagesSnapshot',
        messages: [
          { id: '{{steps.said.messageId}}', role: 'assistant', content: 'Working on it' },
          { id: '{{uuid}}', role: 'assistant', content: 'snap' },
        ],
      },
    ],
  },
  {
    id: 'tool-window',
    name: 'A run with room for a macro',
    triggers: [{ match: 'substring', value: 'leave room', priority: 50 }],
    steps: [
      { type: 'text', chunks: ['Waiting'], chunkDelayMs: 0, spoken: false },
      { type: 'wait', ms: 1_500 },
      { type: 'text', chunks: ['Done'], chunkDelayMs: 0, spoken: false },
    ],
  },
];
for (const scenario of SCENARIOS) server.context.scenarios.put(scenario);

interface Turn {
  events: BaseEvent[];
  finished: RunFinishedEvent | undefined;
  /** What the client warned about or logged as an error (it strips unknown fields with a warning). */
  complaints: string[];
}

/** One run through the official client; `onEvent` sees each event as it arrives. */
async function turn(
  agent: HttpAgent,
  parameters: RunAgentParameters = {},
  onEvent?: (event: BaseEvent) => void | Promise<void>,
): Promise<Turn> {
  const events: BaseEvent[] = [];
  const errors: unknown[] = [];
  const complaints: string[] = [];
  let finished: RunFinishedEvent | undefined;
  const pending: Promise<void>[] = [];
  const subscriber: AgentSubscriber = {
    onEvent: ({ event }) => {
      events.push(event);
      const done = onEvent?.(event);
      if (done) pending.push(done);
    },
    onRunFinishedEvent: ({ event }) => {
      finished = event;
    },
    onRunFailed: ({ error }) => {
      errors.push(error);
    },
  };
  const { warn, error } = console;
  console.warn = (...args: unknown[]) => complaints.push(args.map(String).join(' '));
  console.error = (...args: unknown[]) => complaints.push(args.map(String).join(' '));
  try {
    await agent.runAgent(parameters, subscriber);
    await Promise.all(pending);
  } finally {
    console.warn = warn;
    console.error = error;
  }
  assert.deepEqual(errors, []);
  return { events, finished, complaints };
}

function agentWith(content: string, id: string = randomUUID()): HttpAgent {
  const agent = new HttpAgent({ url: `${server.url}/agent`, threadId: `thread-${randomUUID()}` });
  agent.addMessage({ id, role: 'user', content });
  return agent;
}

async function sseConnectionOf(threadId: string): Promise<string> {
  const list = await api.get<{ items: { id: string; threadId: string | null }[] }>('/connections?kind=sse');
  const found = list.body.items.find((item) => item.threadId === threadId);
  assert.ok(found, `an HTTP connection of thread ${threadId}`);
  return found.id;
}

async function record(agent: HttpAgent, trigger: string): Promise<RecordingResult> {
  const id = await sseConnectionOf(agent.threadId);
  const answer = await api.post<RecordingResult>(`/connections/${id}/record`, {
    activate: true,
    trigger: { match: 'substring', value: trigger, priority: 100 },
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

const ofType = <T extends ScenarioStep['type']>(steps: readonly ScenarioStep[], type: T) =>
  steps.filter((step): step is Extract<ScenarioStep, { type: T }> => step.type === type);

test('a run that ended at an interrupt is recorded as an interrupt step: the replay pauses the same way', async () => {
  const original = agentWith('book a table');
  const asked = await turn(original);
  assert.equal(asked.finished?.outcome?.type, 'interrupt');
  const [sent] = original.pendingInterrupts;
  assert.ok(sent);

  const recording = await record(original, 'replay the booking');
  const [step, ...more] = ofType(recording.scenario.steps, 'interrupt');
  assert.ok(step, JSON.stringify(recording.scenario.steps));
  assert.equal(more.length, 0);
  const { expiresInMs, ...fields } = step;
  assert.deepEqual(fields, {
    type: 'interrupt',
    id: step.id,
    reason: 'confirmation',
    message: 'Book for 2?',
    responseSchema: BOOKING_SCHEMA,
    resolved: [],
    cancelled: [],
  });
  assert.ok(
    expiresInMs !== undefined && expiresInMs > 590_000 && expiresInMs <= 600_000,
    `the time it gave to answer: ${expiresInMs}`,
  );
  assert.equal(recording.scenario.steps.at(-1), step, 'the run ends there');
  assert.equal(recording.warnings.length, 1, JSON.stringify(recording.warnings));
  assert.match(recording.warnings[0] ?? '', /interrupt .*branches are empty/);

  // The replay ends as the original did: paused, the same question waiting in the client.
  const replaying = agentWith('please replay the booking');
  const replayed = await turn(replaying);
  assert.deepEqual(replayed.complaints, []);
  assert.equal(replayed.finished?.outcome?.type, 'interrupt');
  assert.equal(replaying.pendingInterrupts.length, 1);
  const [pending] = replaying.pendingInterrupts;
  const { id: _sentId, expiresAt: _sentExpiry, ...asSent } = sent;
  const { id, expiresAt, ...asReplayed } = pending ?? { id: '' };
  assert.deepEqual(asReplayed, asSent);
  assert.notEqual(id, sent.id, 'a fresh interrupt id');
  assert.ok(expiresAt, 'it expires as the original did');
  // The replayed interrupt names the steps it was in as the original's did (STEP_STARTED … STEP_FINISHED first).
  const types = (turned: Turn) => turned.events.map((event) => event.type);
  assert.deepEqual(types(replayed), types(asked));

  // Answered, it goes on (to what the person adds to the branch: nothing yet).
  const resumed = await turn(replaying, {
    resume: [{ interruptId: id, status: 'resolved', payload: { approved: true } }],
  });
  assert.equal(resumed.finished?.outcome, undefined);
  assert.deepEqual(replaying.pendingInterrupts, []);
});

test('AGORA’s approval, paused over HTTP, is recorded as an approval step: the replay asks the same', async () => {
  const original = agentWith('Genereer rapport');
  const asked = await turn(original);
  assert.equal(asked.finished?.outcome?.type, 'interrupt');
  const [sent] = original.pendingInterrupts;
  assert.equal(sent?.reason, 'tool_approval');

  const recording = await record(original, 'replay the report');
  const [step] = ofType(recording.scenario.steps, 'approval');
  assert.ok(step, JSON.stringify(recording.scenario.steps));
  assert.equal(step.request.toolName, 'generate_inspection_report');
  assert.deepEqual([step.approved, step.rejected, step.timeout], [[], [], []]);
  assert.deepEqual(ofType(recording.scenario.steps, 'interrupt'), []);

  const replaying = agentWith('replay the report');
  const replayed = await turn(replaying);
  assert.deepEqual(replayed.complaints, []);
  assert.equal(replayed.finished?.outcome?.type, 'interrupt');
  const [pending] = replaying.pendingInterrupts;
  assert.match(String(pending?.id), /^appr-/);
  const strip = ({ id: _id, expiresAt: _expiresAt, ...rest }: NonNullable<typeof pending>) => rest;
  assert.ok(pending && sent);
  assert.deepEqual(strip(pending), strip(sent));
  assert.equal(Boolean(pending.expiresAt), Boolean(sent.expiresAt));
});

test('a MESSAGES_SNAPSHOT of the request’s messages is rebuilt from the replaying request: its messages are kept', async () => {
  const original = agentWith('do the full thing', 'u1');
  await turn(original);
  assert.deepEqual(
    original.messages.map((message) => [message.role, message.content]),
    [
      ['user', 'do the full thing'],
      ['assistant', 'Working on it'],
      ['assistant', 'snap'],
    ],
  );

  const recording = await record(original, 'replayfull');
  assert.deepEqual(recording.warnings, []);
  const [snapshot, ...more] = ofType(recording.scenario.steps, 'messagesSnapshot');
  assert.ok(snapshot, JSON.stringify(recording.scenario.steps));
  assert.equal(more.length, 0);
  assert.equal(snapshot.history, 'request');
  assert.deepEqual(
    snapshot.messages.map((message) => [message.role, message.content]),
    [
      ['assistant', 'Working on it'],
      ['assistant', 'snap'],
    ],
  );
  const json = JSON.stringify(recording.scenario.steps);
  assert.doesNotMatch(json, /MESSAGES_SNAPSHOT/, 'no literal snapshot');
  assert.doesNotMatch(json, /"u1"|do the full thing/, 'nothing of the recorded request');
  // The text message and the snapshot's copy of it share one fresh id per replay.
  const start = recording.scenario.steps.find(
    (step) => step.type === 'emit' && step.event.type === 'TEXT_MESSAGE_START',
  );
  assert.ok(start?.type === 'emit');
  assert.match(String(start.event.messageId), /^\{\{vars\.id\d+\}\}$/);
  assert.equal(snapshot.messages[0]?.id, start.event.messageId);
  assert.match(String(snapshot.messages[1]?.id), /^\{\{vars\.id\d+\}\}$/);

  const replaying = agentWith('please replayfull now', 'x9');
  await turn(replaying);
  const messages: Message[] = replaying.messages;
  assert.deepEqual(
    messages.map((message) => [message.id === 'x9' ? 'x9' : 'new', message.role, message.content]),
    [
      ['x9', 'user', 'please replayfull now'],
      ['new', 'assistant', 'Working on it'],
      ['new', 'assistant', 'snap'],
    ],
  );
  assert.ok(!messages.some((message) => message.id === 'u1'), 'the recorded request’s message is not replayed');
  const second = agentWith('please replayfull again', 'x10');
  await turn(second);
  assert.notEqual(second.messages[2]?.id, messages[2]?.id, 'fresh ids per replay');
});

/** Frames of one recorded run: a request with `messages`, then `events` between RUN_STARTED and RUN_FINISHED. */
function runFrames(messages: Record<string, unknown>[], events: Record<string, unknown>[]): FrameRecord[] {
  const all = [
    { threadId: 't-1', runId: 'r-1', messages, tools: [], context: [], state: {}, forwardedProps: {} },
    { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-1' },
    ...events,
    { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-1' },
  ];
  return all.map((value, index) => {
    const text = JSON.stringify(value);
    const direction = index === 0 ? 'in' : 'out';
    return { seq: index + 1, at: 1_000, direction, size: text.length, text, binary: false, eventType: null };
  });
}

test('a snapshot without the request’s messages is history "none"; one that changes them is sent as it was, with a warning', () => {
  const request = [
    { id: 'u0', role: 'user', content: 'earlier' },
    { id: 'u1', role: 'user', content: 'snapshot please' },
  ];
  const own = { id: 'a1', role: 'assistant', content: 'only this' };
  const none = recordScenario(runFrames(request, [{ type: 'MESSAGES_SNAPSHOT', messages: [own] }]), {
    id: 'none',
    source: 'a test',
  });
  assert.deepEqual(none.warnings, []);
  assert.deepEqual(
    (none.scenario.steps as ScenarioStep[]).filter((step) => step.type !== 'let'),
    [{ type: 'messagesSnapshot', history: 'none', messages: [{ ...own, id: '{{vars.id1}}' }] }],
  );

  // The request's messages, but not all of them (the first left out): the replay cannot say which to leave out.
  const partial = recordScenario(runFrames(request, [{ type: 'MESSAGES_SNAPSHOT', messages: [request[1], own] }]), {
    id: 'partial',
    source: 'a test',
  });
  assert.equal(partial.warnings.length, 1);
  assert.match(partial.warnings[0] ?? '', /MESSAGES_SNAPSHOT .*replayed as it was/);
  const [emit] = (partial.scenario.steps as ScenarioStep[]).filter((step) => step.type === 'emit');
  assert.equal(emit?.type === 'emit' && emit.event.type, 'MESSAGES_SNAPSHOT');
});

test('an interrupt the recording cannot keep whole is said in warnings: a second interrupt, a result', () => {
  const frames = runFrames([{ id: 'u1', role: 'user', content: 'two questions' }], []);
  const end = frames.at(-1) as FrameRecord;
  end.text = JSON.stringify({
    type: 'RUN_FINISHED',
    threadId: 't-1',
    runId: 'r-1',
    result: { partial: true },
    outcome: {
      type: 'interrupt',
      interrupts: [
        { id: 'i-1', reason: 'input_required', message: 'Which {{day}}?' },
        { id: 'i-2', reason: 'confirmation' },
      ],
    },
  });
  const { scenario, warnings } = recordScenario(frames, { id: 'two', source: 'a test' });
  const [step] = (scenario.steps as ScenarioStep[]).filter((item) => item.type === 'interrupt');
  assert.equal(step?.type === 'interrupt' && step.reason, 'input_required');
  assert.equal(step?.type === 'interrupt' && step.message, 'Which {{vars.openBraces}}day}}?', 'text, not a template');
  assert.equal(warnings.length, 3, JSON.stringify(warnings));
  assert.match(warnings.join('\n'), /result/);
  assert.match(warnings.join('\n'), /2 interrupts.*"i-2"/);
});

// ——— The tool-call macro on each transport ————————————————————————————————————————————————————

const idle: StreamContext = {
  runActive: true,
  finished: false,
  errored: false,
  threadId: 't-1',
  runId: 'r-1',
  openTextMessages: [],
  openToolCalls: [],
  openSteps: [],
  openReasoningMessages: [],
  openReasoningSpans: [],
  activeSubagents: [],
};

test('the tool-call macro sends AGORA’s display name as a scenario’s toolCall does: top level on a socket, metadata over HTTP', () => {
  const params = MacroSchemas['tool-call'].parse({ toolCallName: 'search', displayName: 'Zoeken', args: { q: 1 } });
  const start = (kind: 'ws' | 'sse') =>
    planMacro('tool-call', params, idle, kind).events.find((event) => event.type === 'TOOL_CALL_START') as Record<
      string,
      unknown
    >;
  assert.equal(start('ws').toolDisplayName, 'Zoeken');
  assert.equal(start('ws').metadata, undefined);
  assert.equal(start('sse').toolDisplayName, undefined);
  assert.deepEqual(start('sse').metadata, { toolDisplayName: 'Zoeken' });
});

test('the tool-call macro on an HTTP run: the official client gets the display name under metadata, and no warning', async () => {
  const agent = agentWith('leave room');
  let injected = false;
  const played = await turn(agent, {}, async (event) => {
    if (event.type !== 'TEXT_MESSAGE_END' || injected) return;
    injected = true;
    const id = await sseConnectionOf(agent.threadId);
    const sent = await api.post(`/connections/${id}/macros/tool-call`, {
      toolCallName: 'search',
      displayName: 'Zoeken',
      args: { q: 'cats' },
      result: 'found',
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
  });
  const start = played.events.find((event) => event.type === 'TOOL_CALL_START') as Record<string, unknown>;
  assert.ok(start, 'the macro’s tool call arrived in the run');
  assert.deepEqual(played.complaints, []);
  assert.equal(start.toolDisplayName, undefined);
  assert.deepEqual(start.metadata, { toolDisplayName: 'Zoeken' });
});
