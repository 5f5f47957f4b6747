import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { focusNear, keepFocusNear } from './focus-return';

export interface Action<A extends unknown[]> {
  run(...args: A): Promise<boolean>;
  busy: boolean;
  error: string | null;
  clearError(): void;
}

export interface ActionOptions {
  /**
   * What the action works on (an editor's draft text): its error is about that value, and is no longer shown once
   * the value changes — a refusal describes text that is gone (typed back, it holds again).
   */
  about?: unknown;
}

/** A refusal, and what it was about. */
interface Failure {
  message: string;
  about: unknown;
}

/** A long action's progress and error, for a button to show; resolves true when it succeeded. */
export function useAction<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
  { about }: ActionOptions = {},
): Action<A> {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const latestAbout = useRef(about);
  latestAbout.current = about;
  const run = useCallback(
    async (...args: A) => {
      // The value as the action starts is what the engine judged.
      const judged = latestAbout.current;
      // The button pressed is off while busy and often after (a saved editor's Save): the focus stays near it.
      const near = focusNear(document.activeElement);
      setBusy(true);
      setFailure(null);
      try {
        await action(...args);
        return true;
      } catch (caught) {
        setFailure({ message: errorMessage(caught), about: judged });
        return false;
      } finally {
        setBusy(false);
        // Once what it changed is drawn, not from here (the button is still off until then).
        requestAnimationFrame(() => keepFocusNear(near));
      }
    },
    [action],
  );
  const error = failure && Object.is(failure.about, about) ? failure.message : null;
  return { run, busy, error, clearError: useCallback(() => setFailure(null), []) };
}

/** One notice for several actions: the first error among them, and dismissing it clears every one. */
export function firstError(...actions: Pick<Action<never>, 'error' | 'clearError'>[]): {
  error: string | null;
  onDismiss(): void;
} {
  return {
    error: actions.find((action) => action.error !== null)?.error ?? null,
    onDismiss: () => {
      for (const action of actions) action.clearError();
    },
  };
}
