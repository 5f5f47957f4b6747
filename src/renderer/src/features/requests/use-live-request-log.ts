import { useEffect } from 'react';
import { refreshRequestLog } from '../../stores/console-sync';
import { useRequestsStore } from '../../stores/requests-store';

/** How often the log is looked at while requests arrive… */
const LOG_REFRESH_BUSY_MS = 1000;
/** …and while none do (the memory budget takes bodies and requests for frames too). */
const LOG_REFRESH_IDLE_MS = 5000;
const TICK_MS = 250;

/**
 * Keeps what the console says of the engine's request log live, in any view (the Requests tab counts the log): the
 * feed brings each new request but not what the log drops. A flood costs one small look a second at most (the
 * newest request and the log's counts; with a mount filter, that mount's count too), never two at once, and none
 * while the page is hidden.
 */
export function useLiveRequestLog(): void {
  useEffect(() => {
    const newest = () => useRequestsStore.getState().entries[0]?.id ?? 0;
    // The view loads the log as it opens.
    let lookedAt = Date.now();
    let newestThen = newest();
    let looking = false;
    const timer = setInterval(() => {
      if (looking || document.hidden) return;
      const arrived = newest() !== newestThen;
      if (Date.now() - lookedAt < (arrived ? LOG_REFRESH_BUSY_MS : LOG_REFRESH_IDLE_MS)) return;
      looking = true;
      newestThen = newest();
      void refreshRequestLog()
        .catch(() => {
          // Not reachable just now: the feed's status says so; the next look tries again.
        })
        .finally(() => {
          looking = false;
          lookedAt = Date.now();
        });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, []);
}
