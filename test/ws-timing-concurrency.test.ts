import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AguiSocket, assertValidStream, type ReceivedEvent } from './helpers/agui-socket';
import { startTestEngine } from './helpers/engine';

// Scenario timing at speed 1 (AGORA's mock: 0.5 s routing, 0.3 s between tool args and end, 0.1 s per text
// chunk), and many clients at once getting independent, valid streams.

const INSPECTION = 'Start inspectie bij Restaurant Bella Rosa, kvk nummer: 92251854';
/** Generous for a loaded CI box, yet far below the gaps being measured. */
const TOLERANCE_MS = 60;

/**
 * Time between two events on the server's clock (their timestamps), so a client lagging behind on a busy
 * machine (other test files run alongside) does not count as the server's lateness.
 */
function gap(ws: AguiSocket, from: (e: ReceivedEvent) => boolean, to: (e: ReceivedEvent) => boolean): number {
  const start = ws.events.findIndex(from);
  const end = ws.events.findIndex((event, index) => index > start && to(event));
  assert.ok(start >= 0 && end > start);
  return (ws.events[end]?.timestamp as number) - (ws.events[start]?.timestamp as number);
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOLERANCE_MS, `${what}: ${actual.toFixed(0)} ms, expected ~${expected} ms`);
}

test('speed 1 plays the inspection flow with AGORA timings', async () => {
  const server = await startTestEngine({ settings: { speed: 1 } });
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask(INSPECTION);
  await ws.waitForRuns(1);
  await assertValidStream(ws.events);
  near(
    gap(
      ws,
      (e) => e.type === 'STEP_STARTED' && e.stepName === 'routing',
      (e) => e.type === 'STEP_FINISHED' && e.stepName === 'routing',
    ),
    500,
    'routing',
  );
  const toolCallIds = ws.events.filter((e) => e.type === 'TOOL_CALL_START').map((e) => e.toolCallId);
  assert.equal(toolCallIds.length, 3);
  for (const id of toolCallIds) {
    near(
      gap(
        ws,
        (e) => e.type === 'TOOL_CALL_ARGS' && e.toolCallId === id,
        (e) => e.type === 'TOOL_CALL_END' && e.toolCallId === id,
      ),
      300,
      'tool args → end',
    );
  }
  const chunks = ws.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.timestamp as number);
  // Measured from the first chunk, not chunk to chunk: the planned timeline lets a chunk that fired late be
  // followed by a shorter gap, so only the offsets are fixed.
  for (let i = 1; i < chunks.length; i++) near((chunks[i] as number) - (chunks[0] as number), i * 100, `chunk ${i}`);
  // The timeline is planned ahead, so small lateness does not add up over the run.
  const expected = 500 + 3 * 300 + chunks.length * 100;
  near(
    gap(
      ws,
      (e) => e.type === 'RUN_STARTED',
      (e) => e.type === 'RUN_FINISHED',
    ),
    expected,
    'whole run',
  );
  await ws.close();
});

test('speed scales every delay: 0.5 plays the flow in half the time', async () => {
  const server = await startTestEngine({ settings: { speed: 0.5 } });
  const ws = await AguiSocket.open(server.wsUrl);
  ws.ask('Hallo');
  await ws.waitForRuns(1);
  const chunks = ws.events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').length;
  near(
    gap(
      ws,
      (e) => e.type === 'RUN_STARTED',
      (e) => e.type === 'RUN_FINISHED',
    ),
    (500 + chunks * 100) / 2,
    'whole run at speed 0.5',
  );
  await ws.close();
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
