import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AguiSocket, assertValidStream, describe, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';
import { loopHoldUpDuring } from './helpers/loop-delay';

// Scenario timing (AGORA's mock at speed 1: 0.5 s routing, 0.3 s between tool args and end, 0.1 s per text
// chunk), and many clients at once getting independent, valid streams.

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
/** The inspection flow's scripted delays at speed 1: routing, three tool calls, fourteen chunks. */
const INSPECTION_MS = 500 + 3 * 300 + 14 * 100;

/**
 * How early an event may come: both timestamps are whole milliseconds, and a timer may fire up to a millisecond
 * before its due time. Any more means the engine cut a delay short.
 */
const EARLY_MS = 5;
/** Lateness beyond how long this process's event loop was held up (which delays every timer alike). */
const LATE_MARGIN_MS = 50;

/** The delay AGORA's flows script after an event, at speed 1. */
function delayAfter(event: ReceivedEvent): number {
  if (event.type === 'STEP_STARTED' && event.stepName === 'routing') return 500;
  if (event.type === 'TOOL_CALL_ARGS') return 300;
  if (event.type === 'TEXT_MESSAGE_CONTENT') return 100;
  return 0;
}

interface TimedRun {
  events: ReceivedEvent[];
  /** The longest hold-up of the event loop while the run played. */
  heldUpMs: number;
  /** When the message was sent, on the engine's clock (the engine runs in this process): the run starts after it. */
  askedAt: number;
}

/** Plays `message` at `speed`: its run's events, how long the event loop was held up meanwhile, when it was asked. */
async function playTimed(speed: number, message: string): Promise<TimedRun> {
  const server = await startTestEngine({ settings: { speed } });
  const ws = await AguiSocket.open(server.wsUrl);
  let askedAt = 0;
  const { wallMs } = await loopHoldUpDuring(async () => {
    askedAt = Date.now();
    ws.ask(message);
    await ws.waitForRuns(1);
  });
  await assertValidStream(ws.events);
  await ws.close();
  return { events: ws.events, heldUpMs: wallMs, askedAt };
}

/**
 * The engine plays delays on a planned timeline: every event is due at the sum of the delays scripted before it
 * (times the speed), counted from the run's start on the engine's clock (event timestamps). So an event is never
 * early, and late by no more than the engine was kept from running: a late event is not followed by later ones
 * (the timeline catches up; gaps between neighbours may be shorter than their delay), and lateness does not add
 * up over the run. Lateness is bounded by how long the event loop was held up, measured alongside, so the check
 * is tight on an idle machine and honest on a busy one; an ignored speed or a skipped delay still fails it.
 * Earliness is counted from the ask, which the run's start follows: counted from the first event, every later one
 * read early by as much as the first went out late (the engine held up between the run's start and its first
 * event, on a busy machine), though each was on time.
 */
function assertOnTimeline({ events, heldUpMs, askedAt }: TimedRun, speed: number): number {
  const start = events[0]?.timestamp as number;
  const lateMs = heldUpMs + LATE_MARGIN_MS;
  let planned = 0;
  let pending = 0;
  for (const event of events) {
    // A chunk's spoken twin goes out with it: the chunk's delay follows both.
    if (!(event.type === 'CUSTOM' && event.name === 'agora:spoken_text_content')) {
      planned += pending;
      pending = 0;
    }
    const at = (event.timestamp as number) - start;
    const what = `${describe(event)} at ${at} ms, planned at ${planned.toFixed(0)} ms`;
    const sinceAsked = (event.timestamp as number) - askedAt;
    assert.ok(
      sinceAsked >= planned - EARLY_MS,
      `${what}: ${sinceAsked} ms after the ask, early: a delay was cut short`,
    );
    assert.ok(at <= planned + lateMs, `${what}: late beyond the ${heldUpMs.toFixed(0)} ms the loop was held up`);
    pending += delayAfter(event) * speed;
  }
  return planned + pending;
}

test('speed 1 plays the inspection flow with AGORA timings, on a timeline that does not drift', async (t) => {
  const run = await playTimed(1, INSPECTION);
  const { events, heldUpMs } = run;
  t.diagnostic(`event loop held up at most ${heldUpMs.toFixed(0)} ms meanwhile`);
  assert.deepEqual(
    [
      events.filter((e) => e.type === 'STEP_STARTED' && e.stepName === 'routing').length,
      events.filter((e) => e.type === 'TOOL_CALL_ARGS').length,
      events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').length,
    ],
    [1, 3, 14],
    'the flow scripts one routing wait, three tool calls and fourteen chunks',
  );
  assert.equal(assertOnTimeline(run, 1), INSPECTION_MS);
});

test('speed scales every delay: 0.5 plays the flow in half the time', async (t) => {
  // The inspection flow: played at full length, its end would be 1.4 s behind the plan, far beyond the margin.
  const run = await playTimed(0.5, INSPECTION);
  t.diagnostic(`event loop held up at most ${run.heldUpMs.toFixed(0)} ms meanwhile`);
  assert.equal(assertOnTimeline(run, 0.5), INSPECTION_MS / 2);
});

test('50 clients playing flows at once get independent, valid streams', async () => {
  const server = await startTestEngine({ settings: { speed: 0.05 } });
  const messages = [INSPECTION, 'Ik zie rauwe vis op kamertemperatuur', 'Genereer rapport', 'Hallo'];
  const clients = await Promise.all(
    Array.from({ length: 50 }, async (_, index) => {
      const ws = await AguiSocket.open(server.wsUrl);
      return { ws, threadId: `thread-${index}-${randomUUID()}`, message: messages[index % messages.length] as string };
    }),
  );
  for (const { ws, threadId, message } of clients)
    ws.send({ threadId, messages: [{ role: 'user', content: message }] });
  await Promise.all(
    clients.map(async ({ ws, message }) => {
      if (message === 'Genereer rapport') {
        const request = await ws.waitForCustom('agora:tool_approval_request');
        ws.approve(request.value.approvalId, true);
      }
      await ws.waitForRuns(1);
    }),
  );
  for (const { ws, threadId, message } of clients) {
    await assertValidStream(ws.events);
    const runId = ws.events[0]?.runId;
    for (const event of ws.events) {
      if ('threadId' in event) assert.equal(event.threadId, threadId);
      if ('runId' in event) assert.equal(event.runId, runId);
      if (event.type === 'STATE_SNAPSHOT') assert.equal(event.snapshot.threadId, threadId);
    }
    const ids = new Set(ws.events.filter((e) => e.type === 'TOOL_CALL_START').map((e) => e.toolCallId));
    for (const other of clients) {
      if (other.ws === ws) continue;
      for (const event of other.ws.events)
        if (event.type === 'TOOL_CALL_START') assert.equal(ids.has(event.toolCallId), false);
    }
    if (message === 'Genereer rapport')
      assert.ok(ws.events.some((e) => e.toolCallName === 'generate_inspection_report'));
  }
  await Promise.all(clients.map(({ ws }) => ws.close()));
});
