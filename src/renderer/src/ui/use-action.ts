import { useCallback, useState } from 'react';
import { errorMessage } from '../api/api-error';

export interface Action<A extends unknown[]> {
  run(...args: A): Promise<boolean>;
  busy: boolean;
  error: string | null;
  clearError(): void;
}

/** A long action's progress and error, for a button to show; resolves true when it succeeded. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        await action(...args);
        return true;
      } catch (caught) {
        setError(errorMessage(caught));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error, clearError: useCallback(() => setError(null), []) };
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
