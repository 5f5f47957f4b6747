import { useState } from 'react';
import { create } from 'zustand';

/** Unsaved values of forms whose views are not shown, by key (`settings`, `user:ID`, `session-title:ID`). */
const useKeptDraftsStore = create<{ drafts: Readonly<Record<string, unknown>> }>()(() => ({ drafts: {} }));

function keep(key: string, value: unknown): void {
  useKeptDraftsStore.setState((state) => ({ drafts: { ...state.drafts, [key]: value } }));
}

function drop(key: string): void {
  if (!Object.hasOwn(useKeptDraftsStore.getState().drafts, key)) return;
  useKeptDraftsStore.setState((state) => {
    const { [key]: _dropped, ...drafts } = state.drafts;
    return { drafts };
  });
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export interface KeptState<T> {
  value: T;
  /** Sets the value; one back to `initial()` (Discard) is kept no more. */
  set(next: T): void;
  /** Keeps it no more (saved): the form shows its stored values when it is drawn again. */
  forget(): void;
}

/**
 * A form's value as `useState` holds it, kept when its view is left and given back when it is shown again, until
 * it is saved or discarded: nothing typed is lost by looking at another view. A null key keeps nothing (a form
 * that starts afresh each time it is opened).
 */
export function useKeptState<T>(key: string | null, initial: () => T): KeptState<T> {
  const [value, setValue] = useState<T>(() => {
    const { drafts } = useKeptDraftsStore.getState();
    return key !== null && Object.hasOwn(drafts, key) ? (drafts[key] as T) : initial();
  });
  return {
    value,
    set: (next) => {
      if (key !== null) {
        if (same(next, initial())) drop(key);
        else keep(key, next);
      }
      setValue(next);
    },
    forget: () => {
      if (key !== null) drop(key);
    },
  };
}
