import { useEffect } from 'react';
import { reloadRequestCounts } from '../../stores/console-sync';
import { onRequestsChange } from '../../stores/requests-change-throttle';

/** How often at most the counts are asked for again while the log lets requests go (a flood past Requests kept). */
const RECOUNT_MS = 1_000;

/**
 * Keeps the served counts true while a view shows them. The engine counts the requests its log holds, and the feed
 * brings each new request but not the ones the log lets go of (a clear, past Requests kept, for the memory budget),
 * nor which mounts those answered: so the counts are loaded as the view opens, counted on from the feed, and asked
 * for again each time the console learns the log let some go (`keptFrom` moves) — at most once a second.
 */
export function useLiveRequestCounts(): void {
  useEffect(
    () =>
      onRequestsChange(
        (state) => state.keptFrom,
        () =>
          void reloadRequestCounts().catch(() => {
            // Not reachable just now: the feed's status says so; the next look at the log asks again.
          }),
        RECOUNT_MS,
      ),
    [],
  );
}
