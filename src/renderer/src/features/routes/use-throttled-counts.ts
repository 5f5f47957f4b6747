import { startTransition, useEffect, useState } from 'react';
import { onRequestsChange } from '../../stores/requests-change-throttle';
import { useRequestsStore } from '../../stores/requests-store';

/**
 * How many logged requests each mount answered, refreshed at most every `intervalMs` (a change after a quiet spell at
 * once) and at low priority: a table of 1,000 mounts is laid out again whenever a count in it changes, and on every
 * batch of a flood of requests that kept the page's main thread busy most of the time.
 */
export function useThrottledCounts(intervalMs: number): Readonly<Record<string, number>> {
  const [counts, setCounts] = useState(() => useRequestsStore.getState().counts);
  useEffect(
    () =>
      onRequestsChange(
        (state) => state.counts,
        () => {
          const latest = useRequestsStore.getState().counts;
          startTransition(() => setCounts(latest));
        },
        intervalMs,
      ),
    [intervalMs],
  );
  return counts;
}
