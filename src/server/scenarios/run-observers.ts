import type { RunRequest } from '../agui/run-input';
import type { RunObserver } from './conversation';

/**
 * Several observers as one (the packs that record runs, the endpoint showing them), called in order. `event` is
 * only there when one of them wants events: a conversation skips the per-event call otherwise.
 */
export function combineRunObservers(observers: readonly (RunObserver | undefined)[]): RunObserver {
  const present = observers.filter((observer): observer is RunObserver => observer !== undefined);
  const watching = present.filter((observer) => observer.event);
  return {
    runStarted: (request) => {
      for (const observer of present) observer.runStarted?.(request);
    },
    ...(watching.length > 0 && {
      event: (request, event) => {
        for (const observer of watching) observer.event?.(request, event);
      },
    }),
    runEnded: (request, end) => {
      for (const observer of present) observer.runEnded?.(request, end);
    },
    contextSet: (request, values) => {
      for (const observer of present) observer.contextSet?.(request, values);
    },
  };
}

/**
 * An observer taken afresh for each run, when it starts (`provide`: the packs serving then), that run's later calls
 * going to the same one: a thread or a socket outlives a pack switch, and a run started after it is recorded by
 * the pack serving now, not by the one the connection first met.
 */
export function observerPerRun(provide: () => RunObserver): Required<RunObserver> {
  const byRun = new Map<RunRequest, RunObserver>();
  return {
    runStarted(request) {
      const observer = provide();
      byRun.set(request, observer);
      observer.runStarted?.(request);
    },
    event(request, event) {
      byRun.get(request)?.event?.(request, event);
    },
    contextSet(request, values) {
      byRun.get(request)?.contextSet?.(request, values);
    },
    runEnded(request, end) {
      const observer = byRun.get(request);
      byRun.delete(request);
      observer?.runEnded?.(request, end);
    },
  };
}
