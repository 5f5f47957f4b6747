import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventSink } from '../src/server/agui/events';
import type { RunRequest } from '../src/server/agui/run-input';
import { agoraScenarioPack } from '../src/server/packs/agora/scenarios/agora-scenario-pack';
import { Conversation } from '../src/server/scenarios/conversation';
import { ScenarioCatalogue, ScenarioValidationError } from '../src/server/scenarios/scenario-catalogue';
import { ScenarioPlayer } from '../src/server/scenarios/scenario-player';
import type { JsonValue, ScenarioInput, ScenarioStep } from '../src/shared/scenario';
import { assertValidStream, outline, type ReceivedEvent } from './helpers/agui-socket';
import { eventually } from './helpers/wait';

// The scenario engine without a socket: catalogue validation and routing, templates, and the player's
// guarantee of a well-formed stream whatever a scenario leaves open.

function request(lastUserMessage = 'hallo', runId = 'run-1'): RunRequest {
  return {
    threadId: 'thread-1',
    runId,
    userId: 'koen',
    messages: [],
    lastUserMessage,
    state: undefined,
    resume: [],
    shape: 'agora',
    input: {},
  };
}

/** A sink that keeps what a client would receive, checking the JSON says exactly what the event object says. */
function collect(events: ReceivedEvent[]): EventSink {
  return ({ event, json }) => {
    const sent = JSON.parse(json);
    assert.deepEqual(sent, event, 'the frame and the event object agree');
    events.push(sent);
  };
}

function scenario(steps: ScenarioStep[], extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return { id: 'test', name: 'Test', triggers: [{ match: 'always' }], steps, ...extra };
}

async function play(steps: ScenarioStep[], context: Record<string, JsonValue> = {}) {
  const catalogue = new ScenarioCatalogue([scenario(steps)]);
  const events: ReceivedEvent[] = [];
  const player = new ScenarioPlayer({
    program: catalogue.match('x') ?? assert.fail('no match'),
    request: request(),
    sink: collect(events),
    origin: 'http://example.test:8000',
    context,
    speed: () => 0,
    approvalTimeoutMs: () => 0,
  });
  player.start();
  const end = await player.done;
  return { events, end, player };
}

function refusal(input: unknown): string {
  try {
    new ScenarioCatalogue().put(input);
  } catch (error) {
    assert.ok(error instanceof ScenarioValidationError);
    return error.message;
  }
  return assert.fail('the scenario was accepted');
}

test('the catalogue holds the AGORA pack in routing order and supports put, get and delete', () => {
  const catalogue = new ScenarioCatalogue(agoraScenarioPack);
  assert.deepEqual(
    catalogue.list().map((item) => item.id),
    ['agora-inspection-start', 'agora-finding-regulations', 'agora-report-approval', 'agora-general'],
  );
  const general = catalogue.get('agora-general');
  assert.ok(general);
  catalogue.put({ ...general, name: 'Renamed' });
  assert.equal(catalogue.list().at(-1)?.name, 'Renamed', 'replaced in place');
  assert.equal(catalogue.delete('agora-general'), true);
  assert.equal(catalogue.delete('agora-general'), false);
  assert.equal(catalogue.match('hallo'), undefined, 'no fallback left');
  assert.equal(catalogue.match('rapport')?.scenario.id, 'agora-report-approval');
});

test('routing: higher priority wins, then catalogue order; regex triggers are case-insensitive', () => {
  const catalogue = new ScenarioCatalogue([
    scenario([], { id: 'first', triggers: [{ match: 'substring', value: 'Rapport' }] }),
    scenario([], { id: 'second', triggers: [{ match: 'substring', value: 'rapport', priority: 5 }] }),
    scenario([], { id: 'third', triggers: [{ match: 'substring', value: 'vis' }] }),
    scenario([], { id: 'regex', triggers: [{ match: 'regex', pattern: '^kvk \\d{8}$' }] }),
  ]);
  assert.equal(catalogue.match('een RAPPORT graag')?.scenario.id, 'second');
  assert.equal(catalogue.match('rauwe vis')?.scenario.id, 'third');
  assert.equal(catalogue.match('KVK 92251854')?.scenario.id, 'regex');
  assert.equal(catalogue.match('KVK 9225185'), undefined);
});

test('invalid scenarios are refused with where and why', () => {
  assert.match(refusal({ id: 'x', name: 'X', triggers: [], steps: [{ type: 'nope' }] }), /steps\.0/);
  assert.match(
    refusal(scenario([{ type: 'emit', event: { type: 'TEXT_MESSAGE_START' } }])),
    /steps\.0: not a valid AG-UI event at messageId/,
  );
  assert.match(
    refusal(scenario([{ type: 'emit', event: { type: 'RUN_FINISHED', threadId: 't', runId: 'r' } }])),
    /sent by the engine/,
  );
  assert.match(
    refusal(scenario([{ type: 'step', name: 's', steps: [{ type: 'text', chunks: ['{{nope}}'] }] }])),
    /steps\.0\.steps\.0\.chunks\.0: template error: unknown name "nope"/,
  );
  assert.match(
    refusal(scenario([{ type: 'stateDelta', delta: [{ op: 'explode', path: '/a' }] }])),
    /not a valid AG-UI event/,
  );
  assert.match(refusal(scenario([], { triggers: [{ match: 'regex', pattern: '(' }] })), /triggers/);
  assert.match(refusal(scenario([], { id: 'Not An Id' })), /id/);
});

test('templates: run values, step outputs, vars and context; constant chunks untouched', async () => {
  const context: Record<string, JsonValue> = { company: 'Bella Rosa' };
  const { events } = await play(
    [
      { type: 'let', values: { report: 'INS-2024-{{randomHex:6}}' } },
      { type: 'emit', id: 'open', event: { type: 'TEXT_MESSAGE_START', messageId: 'm-{{uuid}}', role: 'assistant' } },
      {
        type: 'emit',
        event: {
          type: 'TEXT_MESSAGE_CONTENT',
          messageId: '{{steps.open.messageId}}',
          delta: '{{threadId}}|{{runId}}|{{userId}}|{{lastUserMessage}}|{{vars.report}}|{{context.company}}|{{origin}}',
        },
      },
      { type: 'emit', event: { type: 'TEXT_MESSAGE_END', messageId: '{{steps.open.messageId}}' } },
      { type: 'text', id: 'answer', chunks: ['Rapport {{vars.report}}', ' klaar'], spoken: false },
      { type: 'emit', event: { type: 'CUSTOM', name: 'answered', value: { id: '{{steps.answer.messageId}}' } } },
    ],
    context,
  );
  await assertValidStream(events);
  const [start, content] = events.slice(1, 3);
  assert.match(start?.messageId, /^m-[0-9a-f-]{36}$/);
  assert.equal(content?.messageId, start?.messageId);
  const [threadId, runId, userId, message, report, company, origin] = content?.delta.split('|') ?? [];
  assert.deepEqual(
    [threadId, runId, userId, message, company, origin],
    ['thread-1', 'run-1', 'koen', 'hallo', 'Bella Rosa', 'http://example.test:8000'],
  );
  assert.match(report ?? '', /^INS-2024-[0-9A-F]{6}$/);
  const deltas = events
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .slice(1)
    .map((event) => event.delta);
  assert.deepEqual(deltas, [`Rapport ${report}`, ' klaar'], 'a let value is rendered once for the whole run');
  const answerId = events.find((event, index) => index > 3 && event.type === 'TEXT_MESSAGE_START')?.messageId;
  assert.equal(events.find((event) => event.name === 'answered')?.value.id, answerId);
});

test('whatever a scenario leaves open is closed before RUN_FINISHED', async () => {
  const { events, end } = await play([
    { type: 'emit', event: { type: 'STEP_STARTED', stepName: 'outer' } },
    { type: 'emit', event: { type: 'TOOL_CALL_START', toolCallId: 'tc', toolCallName: 'lookup' } },
    { type: 'emit', event: { type: 'TEXT_MESSAGE_START', messageId: 'm', role: 'assistant' } },
    { type: 'emit', event: { type: 'CUSTOM', name: 'agora:spoken_text_start', value: { messageId: 'm' } } },
  ]);
  assert.equal(end, 'finished');
  await assertValidStream(events);
  assert.deepEqual(outline(events).slice(5), [
    'TEXT_MESSAGE_END',
    'CUSTOM agora:spoken_text_end',
    'TOOL_CALL_END',
    'STEP_FINISHED outer',
    'RUN_FINISHED',
  ]);
});

test('a scripted RUN_ERROR ends the run there', async () => {
  const { events, end } = await play([
    { type: 'emit', event: { type: 'STEP_STARTED', stepName: 'work' } },
    { type: 'emit', event: { type: 'RUN_ERROR', message: 'Agent crashed', code: 'boom' } },
    { type: 'text', chunks: ['never sent'] },
  ]);
  assert.equal(end, 'errored');
  assert.deepEqual(outline(events), ['RUN_STARTED', 'STEP_STARTED work', 'RUN_ERROR']);
  await assertValidStream(events);
});

test('state snapshots and deltas, and branches on conversation context', async () => {
  const context: Record<string, JsonValue> = {};
  const steps: ScenarioStep[] = [
    { type: 'stateSnapshot', snapshot: { visits: 0, thread: '{{threadId}}' } },
    { type: 'stateDelta', delta: [{ op: 'replace', path: '/visits', value: 1 }] },
    {
      type: 'branch',
      when: { context: 'mode', equals: 'expert' },
      steps: [{ type: 'text', chunks: ['expert'], spoken: false }],
      otherwise: [
        { type: 'text', chunks: ['beginner'], spoken: false },
        { type: 'setContext', values: { mode: 'expert' } },
      ],
    },
  ];
  const first = await play(steps, context);
  await assertValidStream(first.events);
  assert.deepEqual(first.events[1]?.snapshot, { visits: 0, thread: 'thread-1' });
  assert.deepEqual(first.events[2]?.delta, [{ op: 'replace', path: '/visits', value: 1 }]);
  assert.equal(first.events.find((event) => event.type === 'TEXT_MESSAGE_CONTENT')?.delta, 'beginner');
  const second = await play(steps, context);
  assert.equal(second.events.find((event) => event.type === 'TEXT_MESSAGE_CONTENT')?.delta, 'expert');
});

test('a message no scenario matches gets RUN_STARTED then RUN_ERROR', async () => {
  const events: ReceivedEvent[] = [];
  const conversation = new Conversation({
    catalogue: new ScenarioCatalogue([scenario([], { triggers: [{ match: 'substring', value: 'only this' }] })]),
    sink: collect(events),
    origin: 'http://example.test',
    speed: () => 0,
    approvalTimeoutMs: () => 0,
  });
  conversation.run(request('something else'));
  assert.deepEqual(outline(events), ['RUN_STARTED', 'RUN_ERROR']);
  assert.equal(events[1]?.code, 'no_matching_scenario');
  await assertValidStream(events);
});

test('every AGORA flow emits only valid events on every branch (approved, rejected, timeout)', async () => {
  const catalogue = new ScenarioCatalogue(agoraScenarioPack);
  for (const [message, answer] of [
    ['start inspectie', undefined],
    ['regels', undefined],
    ['hallo', undefined],
    ['rapport', true],
    ['rapport', false],
    ['rapport', 'timeout'],
  ] as const) {
    const events: ReceivedEvent[] = [];
    const conversation = new Conversation({
      catalogue,
      sink: collect(events),
      origin: 'http://example.test',
      speed: () => 0,
      approvalTimeoutMs: () => (answer === 'timeout' ? 1 : 0),
    });
    conversation.run(request(message));
    if (typeof answer === 'boolean') {
      await eventually(
        () => events.some((event) => event.name === 'agora:tool_approval_request'),
        'the approval request',
      );
      const approval = events.find((event) => event.name === 'agora:tool_approval_request');
      assert.equal(
        conversation.answerApproval({ approvalId: 'appr-wrong', approved: true, feedback: null })?.errorCode,
        'unknown_approval_id',
      );
      assert.equal(
        conversation.answerApproval({ approvalId: approval?.value.approvalId, approved: answer, feedback: null }),
        undefined,
      );
    }
    await eventually(() => events.at(-1)?.type === 'RUN_FINISHED', 'the run to finish');
    await assertValidStream(events);
    assert.equal(events.at(-1)?.type, 'RUN_FINISHED', `${message} ${answer}`);
  }
});

test('interrupt mode (HTTP/SSE): approval ends the run with an interrupt; resume continues the scenario', async () => {
  const catalogue = new ScenarioCatalogue(agoraScenarioPack);
  for (const [resume, expectReport] of [
    [{ status: 'resolved', payload: { approved: true } }, true],
    [{ status: 'resolved', payload: { approved: false, feedback: 'Nog niet' } }, false],
    [{ status: 'cancelled' }, false],
  ] as const) {
    const events: ReceivedEvent[] = [];
    const conversation = new Conversation({
      catalogue,
      sink: collect(events),
      origin: 'http://example.test',
      speed: () => 0,
      approvalTimeoutMs: () => 60_000,
      approvals: 'interrupt',
    });
    conversation.run(request('Genereer rapport', 'run-ask'));
    await eventually(() => events.at(-1)?.type === 'RUN_FINISHED', 'the run to finish');
    const paused = events.at(-1);
    assert.equal(paused?.outcome.type, 'interrupt');
    const [interrupt] = paused?.outcome.interrupts ?? [];
    assert.match(interrupt.id, /^appr-/);
    assert.equal(interrupt.reason, 'tool_approval');
    assert.equal(interrupt.metadata.toolName, 'generate_inspection_report');
    assert.equal(interrupt.metadata.riskLevel, 'high');
    assert.ok(Date.parse(interrupt.expiresAt) > Date.now());
    assert.equal(conversation.pendingInterruptId, interrupt.id);
    assert.equal(
      events.some((event) => event.name === 'agora:tool_approval_request'),
      false,
      'no mid-run request in interrupt mode',
    );
    const beforeResume = events.length;
    conversation.run({ ...request('', 'run-resume'), resume: [{ interruptId: interrupt.id, ...resume }] });
    await eventually(
      () => events.length > beforeResume && events.at(-1)?.type === 'RUN_FINISHED',
      'the resumed run to finish',
    );
    await assertValidStream(events);
    const resumed = outline(events.slice(beforeResume));
    assert.deepEqual(resumed.slice(0, 2), ['RUN_STARTED', 'STEP_STARTED executing_tools']);
    assert.equal(resumed.includes('TOOL_CALL_START generate_inspection_report'), expectReport);
    assert.equal(resumed.at(-1), 'RUN_FINISHED');
    assert.equal(events.at(-1)?.outcome, undefined);
    assert.equal(conversation.pendingInterruptId, null);
  }
});

test('interrupt mode: nested steps are closed for the interrupt and resumed around the continuation', async () => {
  const events: ReceivedEvent[] = [];
  const steps: ScenarioStep[] = [
    { type: 'let', values: { ticket: 'T-{{randomHex:4}}' } },
    {
      type: 'step',
      name: 'outer',
      steps: [
        {
          type: 'approval',
          id: 'ask',
          request: {
            toolName: 'deploy',
            toolDescription: 'Deploy it',
            parameters: {},
            reasoning: 'r',
            riskLevel: 'low',
          },
          approved: [{ type: 'text', chunks: ['ok {{vars.ticket}} {{steps.ask.approved}}'], spoken: false }],
          rejected: [{ type: 'text', chunks: ['no'], spoken: false }],
          timeout: [{ type: 'text', chunks: ['late'], spoken: false }],
        },
        { type: 'text', chunks: ['after, inside outer'], spoken: false },
      ],
    },
    { type: 'text', chunks: ['after outer'], spoken: false },
  ];
  const conversation = new Conversation({
    catalogue: new ScenarioCatalogue([scenario(steps)]),
    sink: collect(events),
    origin: 'http://example.test',
    speed: () => 0,
    approvalTimeoutMs: () => 0,
    approvals: 'interrupt',
  });
  conversation.run(request());
  await eventually(() => events.at(-1)?.type === 'RUN_FINISHED', 'the run to finish');
  assert.deepEqual(outline(events), ['RUN_STARTED', 'STEP_STARTED outer', 'STEP_FINISHED outer', 'RUN_FINISHED']);
  assert.equal(events.at(-1)?.outcome.interrupts[0].expiresAt, undefined, 'timeout 0: never expires');
  const interruptId = events.at(-1)?.outcome.interrupts[0].id;
  const at = events.length;
  conversation.run({
    ...request('', 'run-2'),
    resume: [{ interruptId, status: 'resolved', payload: { approved: true } }],
  });
  await eventually(() => events.length > at && events.at(-1)?.type === 'RUN_FINISHED', 'the resumed run to finish');
  await assertValidStream(events);
  const texts = events
    .slice(at)
    .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
    .map((event) => event.delta);
  assert.match(texts[0] ?? '', /^ok T-[0-9A-F]{4} true$/);
  assert.deepEqual(texts.slice(1), ['after, inside outer', 'after outer']);
  assert.deepEqual(
    outline(events.slice(at)).filter((line) => line.startsWith('STEP')),
    ['STEP_STARTED outer', 'STEP_FINISHED outer'],
  );
});

test('interrupt mode: a run that does not answer the interrupt simply starts afresh', async () => {
  const events: ReceivedEvent[] = [];
  const conversation = new Conversation({
    catalogue: new ScenarioCatalogue(agoraScenarioPack),
    sink: collect(events),
    origin: 'http://example.test',
    speed: () => 0,
    approvalTimeoutMs: () => 0,
    approvals: 'interrupt',
  });
  conversation.run(request('rapport', 'run-1'));
  await eventually(() => events.at(-1)?.type === 'RUN_FINISHED', 'the run to finish');
  conversation.run(request('hallo', 'run-2'));
  await eventually(() => events.filter((event) => event.type === 'RUN_FINISHED').length === 2, 'both runs to finish');
  await assertValidStream(events);
  assert.equal(conversation.pendingInterruptId, null);
  assert.match(
    events
      .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT')
      .map((event) => event.delta)
      .join(''),
    /Welkom bij AGORA/,
  );
});
