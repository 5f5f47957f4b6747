import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import type { RequestCounts, RequestLogPage, RequestLogStats, RequestSummary } from '../src/shared/request-log';

const { api, applyFeedBatch, reloadRequestCounts, reloadRequests, showRequestsAnsweredBy, useRequestsStore } =
  await rendererModule('../../../test/helpers/requests-sync-modules.js');

const request = (id: number): RequestSummary => ({
  id,
  at: 1_700_000_000_000 + id,
  method: 'GET',
  path: `/items/${id}`,
  query: '',
  status: 200,
  durationMs: 1,
  remoteAddress: '127.0.0.1',
  answeredBy: { kind: 'route', id: 'items' },
  refusal: null,
});
const newestFirst = (...ids: number[]) => ids.map(request);
const stats = (kept: number): RequestLogStats => ({
  kept,
  droppedForSize: 0,
  evictedForMemory: 0,
  bodiesEvictedForMemory: 0,
  retainedBytes: 0,
});
const ids = () => useRequestsStore.getState().entries.map((entry: RequestSummary) => entry.id);

/** The engine's answers to the list and its counts, held until the test lets them arrive. */
function heldAnswers() {
  let answer: (page: RequestLogPage<RequestSummary>, counts: RequestCounts) => void = () => {};
  const arrived = new Promise<[RequestLogPage<RequestSummary>, RequestCounts]>((resolve) => {
    answer = (page, counts) => resolve([page, counts]);
  });
  api.requests = () => arrived.then(([page]) => page);
  api.requestCounts = () => arrived.then(([, counts]) => counts);
  return answer;
}

function reset(entries: RequestSummary[]) {
  useRequestsStore.setState({
    entries,
    log: null,
    keptFrom: 1,
    lookedThrough: 0,
    mountFilter: null,
    mountEntries: null,
    counts: { 'route:items': entries.length },
    countedThrough: entries[0]?.id ?? 0,
  });
}

test('a request the feed brings while the list reloads stays listed and counted when the older answer lands', async () => {
  reset(newestFirst(3, 2, 1));
  const answer = heldAnswers();
  const reload = reloadRequests();
  // Logged just after the engine read its log for the answer; the feed delivers it first.
  applyFeedBatch([{ type: 'request', request: request(4) }]);
  assert.deepEqual(ids(), [4, 3, 2, 1]);
  answer(
    { items: newestFirst(3, 2, 1), total: 3, log: stats(3) },
    { byMount: { 'route:items': 3 }, total: 3, newestId: 3 },
  );
  await reload;
  assert.deepEqual(ids(), [4, 3, 2, 1], 'request 4 is not lost');
  assert.deepEqual(useRequestsStore.getState().counts, { 'route:items': 4 });
  assert.equal(useRequestsStore.getState().countedThrough, 4);
});

test('requests cleared while the list reloads do not come back with the answer asked before the clear', async () => {
  reset(newestFirst(3, 2, 1));
  const answer = heldAnswers();
  const reload = reloadRequests();
  // Clear, as the Requests view does once the engine has cleared its log.
  useRequestsStore.setState((state: { entries: RequestSummary[]; keptFrom: number }) => ({
    entries: [],
    log: null,
    keptFrom: Math.max(state.keptFrom, (state.entries[0]?.id ?? 0) + 1),
    counts: {},
  }));
  answer(
    { items: newestFirst(3, 2, 1), total: 3, log: stats(3) },
    { byMount: { 'route:items': 3 }, total: 3, newestId: 3 },
  );
  await reload;
  assert.deepEqual(ids(), [], 'the cleared requests stay gone');
});

test('the served counts asked for again keep the requests the feed brought while they were counted', async () => {
  reset(newestFirst(3, 2, 1));
  const answer = heldAnswers();
  const recount = reloadRequestCounts();
  applyFeedBatch([{ type: 'request', request: request(4) }]);
  answer(
    { items: newestFirst(3, 2, 1), total: 3, log: stats(3) },
    { byMount: { 'route:items': 3 }, total: 3, newestId: 3 },
  );
  await recount;
  assert.deepEqual(useRequestsStore.getState().counts, { 'route:items': 4 }, 'request 4 is counted');
  assert.equal(useRequestsStore.getState().countedThrough, 4);
});

test('a log cleared elsewhere: the requests the console still lists from before are not counted again', async () => {
  reset(newestFirst(3, 2, 1));
  const answer = heldAnswers();
  const reload = reloadRequests();
  // An empty log has no newest request to count from (`newestId` 0).
  answer({ items: [], total: 0, log: stats(0) }, { byMount: {}, total: 0, newestId: 0 });
  await reload;
  assert.deepEqual(useRequestsStore.getState().counts, {});
  assert.deepEqual(ids(), []);
});

test("a request the feed brings while one mount's requests load stays in that mount's list", async () => {
  // Showing the Requests view looks after the focus: a page with nothing focused and no frames drawn is enough here.
  Object.assign(globalThis, {
    document: { activeElement: null, getElementById: () => null },
    window: { addEventListener() {}, removeEventListener() {} },
    requestAnimationFrame: () => 0,
  });
  reset(newestFirst(3, 2, 1));
  let answer: (page: RequestLogPage<RequestSummary>) => void = () => {};
  api.requests = () => new Promise((resolve) => (answer = resolve));
  const shown = showRequestsAnsweredBy('route:items');
  applyFeedBatch([
    { type: 'request', request: request(4) },
    { type: 'request', request: { ...request(5), answeredBy: { kind: 'route', id: 'other' } } },
  ]);
  answer({ items: newestFirst(3, 2, 1), total: 3, log: stats(5) });
  await shown;
  const listed = useRequestsStore.getState().mountEntries?.map((entry: RequestSummary) => entry.id);
  assert.deepEqual(listed, [4, 3, 2, 1], "request 4 is the mount's; request 5 is another's");
});
