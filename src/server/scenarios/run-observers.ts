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
