// The console's request sync with the store and API client it uses, loaded together (`rendererModule` of this file):
// one instance of each, so a test can stub the client's calls and read the store the sync writes.
export { api } from '../../src/renderer/src/api/control-client.ts';
export {
  applyFeedBatch,
  reloadRequestCounts,
  reloadRequests,
  showRequestsAnsweredBy,
} from '../../src/renderer/src/stores/console-sync.ts';
export { useRequestsStore } from '../../src/renderer/src/stores/requests-store.ts';
