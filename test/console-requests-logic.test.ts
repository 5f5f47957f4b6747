import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { RequestLogStats, RequestSummary } from '../src/shared/request-log';

const { liveLogStats, logLosses, dropReason, oldestKeptId, keptFromSize, requestDrop, droppedNotice } =
  await rendererModule('features/requests/log-losses.ts');
const { withoutDropped } = await rendererModule('stores/requests-store.ts');
const { loggedRequests, requestCountWords } = await rendererModule('features/requests/logged-count.ts');

const stats = (changes: Partial<RequestLogStats> = {}): RequestLogStats => ({
  kept: 1000,
  droppedForSize: 0,
  evictedForMemory: 0,
  bodiesEvictedForMemory: 0,
  retainedBytes: 0,
  ...changes,
});

test('between two looks at the log, the requests the feed brings say how many more it pushed out', () => {
  // Looked at with 3,515 dropped and request 4,515 the newest; the feed has since brought up to 25,844.
  const looked = stats({ droppedForSize: 3_515 });
  const live = liveLogStats(looked, 4_515, 25_844, 1_000);
  assert.equal(live.droppedForSize, 3_515 + 21_329);
  assert.equal(logLosses(live), '24,844 older requests were dropped (requests kept).');
  // A log not full yet fills first; nothing new, nothing changes.
  assert.deepEqual(liveLogStats(stats({ kept: 40 }), 40, 100, 50), stats({ kept: 50, droppedForSize: 50 }));
  assert.deepEqual(liveLogStats(stats({ kept: 10 }), 10, 30, 50), stats({ kept: 30 }));
  assert.equal(liveLogStats(looked, 4_515, 4_515, 1_000), looked);
  // Once the memory budget took any, only the next look says which way the rest went; the size unknown, likewise.
  const memory = stats({ evictedForMemory: 2 });
  assert.equal(liveLogStats(memory, 10, 500, 100), memory);
  assert.equal(liveLogStats(stats({ bodiesEvictedForMemory: 1 }), 10, 500, 100).droppedForSize, 0);
  assert.equal(liveLogStats(looked, 4_515, 5_000, null), looked);
});

test('the count is of what the engine logged, and of how many the console shows when fewer', () => {
  const entries = [1_200, 1_199].map((id) => ({ id }) as RequestSummary);
  // Looked at holding 54,000 through request 60,000; the feed has since brought 60,321 (the log holds 100,000).
  const looked = { log: stats({ kept: 54_000 }), lookedThrough: 60_000, entries: [{ id: 60_321 } as RequestSummary] };
  assert.equal(loggedRequests(looked, 100_000), 54_321);
  assert.equal(
    loggedRequests({ log: null, lookedThrough: 0, entries }, 100_000),
    2,
    'not looked at yet: what is listed',
  );
  assert.equal(loggedRequests({ log: stats({ kept: 1 }), lookedThrough: 1_200, entries }, null), 2);
  assert.equal(requestCountWords(null, 1_000, 54_321), '1,000 shown of 54,321 logged');
  assert.equal(requestCountWords(null, 40, 40), null, 'all shown: nothing to say');
  assert.equal(requestCountWords(3, 40, 40), '3 of 40 requests');
  assert.equal(requestCountWords(3, 1_000, 54_321), '3 of 1,000 requests (1,000 shown of 54,321 logged)');
});

test('which requests the log still holds: from its last look, and from the newest and its size', () => {
  // Ids are consecutive and the oldest go first: the newest minus how many are kept.
  assert.equal(oldestKeptId(4_515, 1_000, 4_515), 3_516);
  assert.equal(oldestKeptId(undefined, 0, 120), 121, 'an empty log holds none of what was seen');
  assert.equal(keptFromSize(25_844, 1_000), 24_845);
  assert.equal(keptFromSize(20, 50), 1);
  assert.equal(keptFromSize(25_844, null), 1, 'size unknown: anything may be there');
  const entries = [5, 4, 3, 2, 1].map((id) => ({ id }) as RequestSummary);
  const ids = (kept: readonly RequestSummary[]) => kept.map((entry) => entry.id);
  assert.deepEqual(ids(withoutDropped(entries, 3)), [5, 4, 3]);
  assert.equal(withoutDropped(entries, 1), entries, 'the same list when it holds them all');
  assert.deepEqual(ids(withoutDropped(entries, 9)), []);
});

test('a request the log let go of is known as such, and why, without asking the engine for it', () => {
  const looked = { keptFrom: 3_516, newestId: 4_515, requestLogSize: 1_000, log: stats({ droppedForSize: 3_515 }) };
  assert.equal(requestDrop(4_000, looked), null, 'still held');
  assert.equal(requestDrop(3_516, looked), null);
  assert.equal(requestDrop(3_515, looked), 'size', 'older than the oldest at the last look');
  assert.equal(requestDrop(3_515, { ...looked, requestLogSize: null }), 'size');
  // Past the size behind the newest the feed brought since: gone, before any look says so.
  const holding = { ...looked, newestId: 4_600 };
  assert.equal(requestDrop(3_600, holding), 'size');
  assert.equal(requestDrop(3_601, holding), null);
  assert.equal(requestDrop(3_600, { ...holding, log: stats({ droppedForSize: 5, evictedForMemory: 1 }) }), 'either');
  // Why, from the log's counts (the oldest go first either way).
  assert.equal(dropReason(stats({ droppedForSize: 3 })), 'size');
  assert.equal(dropReason(stats({ evictedForMemory: 3 })), 'memory');
  assert.equal(dropReason(stats({ evictedForMemory: 3, droppedForSize: 1 })), 'either');
  assert.equal(dropReason(stats()), 'cleared');
  assert.equal(dropReason(null), 'either');
  // Cleared (by another console, a script): the log holds none of what was seen, and counts nothing dropped.
  assert.equal(requestDrop(4_000, { ...looked, keptFrom: 4_516, log: stats({ kept: 0 }) }), 'cleared');
});

test('the detail pane says the request shown was dropped, by which setting, and that what it showed stays', () => {
  assert.equal(
    droppedNotice('size', 1_000, true),
    "This request has since been dropped from the engine's log: it keeps the newest 1,000 requests " +
      '(Settings → Requests kept) and lets the oldest go first. What it showed stays here until you pick another request.',
  );
  assert.match(droppedNotice('memory', 1_000, true), /to stay within its memory budget \(Settings → Memory for logs\)/);
  assert.match(droppedNotice('either', 50, true), /newest 50 requests \(Settings → Requests kept\) or to stay within/);
  assert.match(droppedNotice('cleared', null, true), /: the log was cleared\./);
  assert.equal(
    droppedNotice('size', null, false),
    "This request was dropped from the engine's log before its headers and bodies were fetched: it keeps the newest " +
      'requests (Settings → Requests kept) and lets the oldest go first.',
  );
});

test('the filter: every word must match, in any order; status:, method: and path: search one field', async () => {
  const { searchRequests, noRequestMatchText } = await rendererModule('features/requests/request-search.ts');
  const request = (id: number, method: string, path: string, status: number, query = ''): RequestSummary => ({
    id,
    at: 0,
    method,
    path,
    query,
    status,
    durationMs: 1,
    remoteAddress: '127.0.0.1',
    answeredBy: null,
    refusal: null,
  });
  const log = [
    request(4, 'POST', '/nothing-here', 404),
    request(3, 'PUT', '/users/me/preferences', 200, 'user_id=550e'),
    request(2, 'GET', '/users/me', 200),
    request(1, 'POST', '/sessions', 201),
  ];
  const ids = (text: string) => searchRequests(log, text).map((entry: RequestSummary) => entry.id);
  assert.deepEqual(ids(''), [4, 3, 2, 1]);
  assert.deepEqual(ids('POST nothing'), [4], 'words apart, not one substring');
  assert.deepEqual(ids('nothing post'), [4], 'in any order and case');
  assert.deepEqual(ids('status:404'), [4]);
  assert.deepEqual(ids('method:post'), [4, 1]);
  assert.deepEqual(ids('method:post status:20'), [1]);
  assert.deepEqual(ids('users 200'), [3, 2]);
  assert.deepEqual(ids('user_id=550e'), [3], 'the query string too');
  assert.deepEqual(ids('path:me/ method:put'), [3]);
  assert.deepEqual(ids('stat:404'), [], 'an unknown key is a word like any other');
  // Nothing matches: said, and a key there is none of named, with the one it likely meant.
  assert.equal(noRequestMatchText('POST nothing-else'), 'No request matches.');
  assert.equal(
    noRequestMatchText('stat:404'),
    'No request matches. “stat” is not a search key — did you mean status:404? Search by method:, path: or status:, ' +
      'or by a word alone to match any of them.',
  );
  assert.match(noRequestMatchText('code:500'), /did you mean status:500\?/);
  assert.match(noRequestMatchText('constructor:1'), /^No request matches\. “constructor” is not a search key\. /);
});
