import { type RequestsState, useRequestsStore } from './requests-store';

/**
 * Calls `act` now, then after each change of `pick(state)` in the requests store, at most once every `intervalMs` (a
 * change after a quiet spell at once, the next ones gathered): a flood of requests changes the store on every feed
 * batch. Returns what stops it, for an effect's clean-up.
 */
export function onRequestsChange<T>(
  pick: (state: RequestsState) => T,
  act: () => void,
  intervalMs: number,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const run = () => {
    timer = undefined;
    last = Date.now();
    act();
  };
  run();
  const unsubscribe = useRequestsStore.subscribe((state, previous) => {
    if (pick(state) === pick(previous) || timer) return;
    timer = setTimeout(run, Math.max(0, last + intervalMs - Date.now()));
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
