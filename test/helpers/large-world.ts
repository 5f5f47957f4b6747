import type { AgoraStore } from '../../src/server/packs/agora/store/agora-store';
import type { ServerSettings } from '../../src/shared/settings';

const FILLER = 'Inspectie van de keuken, de koelcel en de opslag; bevindingen volgen in het rapport. '.repeat(4);

/** History limits that keep a load test's world whole (the defaults keep about 7 MB of it). */
export const LARGE_WORLD_LIMITS = {
  maxRecordedSessions: 100_000,
  maxRecordedMessages: 1_000_000,
  maxRecordedMessagesPerSession: 1_000_000,
  maxRecordedBytes: 64 * 1024 * 1024,
} satisfies Partial<ServerSettings>;

/**
 * Records runs into the store the way a load test does (every run a session, with tool calls and answers),
 * until the sessions hold about `megabytes` of history. Built through the store, as the engine builds it; an
 * engine needs `LARGE_WORLD_LIMITS` to keep more than a few megabytes of it.
 */
export function recordRuns(store: AgoraStore, megabytes: number, prefix = 'load'): void {
  const target = megabytes * 1024 * 1024;
  let bytes = 0;
  for (let session = 0; bytes < target; session++) {
    const threadId = `${prefix}-${session}`;
    for (let run = 0; run < 4; run++) {
      const call = `${threadId}-call-${run}`;
      store.recordRunStart(threadId, null, `Vraag ${run} over bedrijf ${session}: ${FILLER}`);
      store.appendHistory(threadId, [
        { role: 'tool_call', tool_call_id: call, tool_name: 'search', content: JSON.stringify({ q: FILLER }) },
        { role: 'tool', tool_call_id: call, tool_name: 'search', content: JSON.stringify({ hits: [FILLER, FILLER] }) },
        { role: 'assistant', content: `Antwoord ${run} — “${FILLER}”\n\n${FILLER}`, agent_id: 'general-agent' },
      ]);
      bytes += 6 * FILLER.length + 600;
    }
  }
}

/** A JSON array of `count` zeros nested 30 deep: each number on a line of its own once a workspace file writes it. */
export function nestedZeros(count: number): string {
  return `${'['.repeat(30)}${'0,'.repeat(count - 1)}0${']'.repeat(30)}`;
}

/**
 * A route's JSON whose response nests `count` numbers (450,001 by default) 30 levels deep (`nestedZeros`): under 1 MB
 * as sent, about 34 MB once a workspace file writes it, each number on a line of its own: two of them would make a
 * world past the 64 MiB a file may be.
 */
export function wideRouteJson(id: string, count = 450_001): string {
  return `{"id":"${id}","path":"/${id}","responses":[{"id":"r","body":{"json":${nestedZeros(count)}}}]}`;
}

/** 2 MiB of a control character, which JSON writes in six bytes (\u0001): six messages of it are a 72 MB file. */
const CONTROL_CHARACTERS = '\u0001'.repeat(2 * 1024 * 1024);

/**
 * Records runs into the store, as clients' runs do, each asked with 2 MiB of a control character: 12 MiB of recorded
 * text, within the default history limits, is a 72 MB file. A save or an export evicts the oldest of it to fit.
 */
export function recordTooLargeHistory(store: AgoraStore): void {
  for (let run = 0; run < 6; run++) store.recordRunStart(`big-${run}`, null, CONTROL_CHARACTERS);
}

/**
 * Six sessions made by hand (`big-0`…`big-5`, as the store takes them: the control API would refuse them), each with
 * a message of 2 MiB of a control character: a 72 MB file, which no eviction of recorded history can make smaller.
 */
export function handMadeTooLargeHistory(store: AgoraStore): void {
  for (let n = 0; n < 6; n++) {
    store.createSession({
      sessionId: `big-${n}`,
      userId: '550e8400-e29b-41d4-a716-446655440001',
      title: `big ${n}`,
      history: [{ role: 'user', content: CONTROL_CHARACTERS }],
    });
  }
}
