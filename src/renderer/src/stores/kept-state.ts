import { useState } from 'react';
import { create } from 'zustand';

/**
 * Unsaved values of forms, and text filters, whose views are not shown, by key: `settings`, `new-session-title`,
 * `try-it-prompt`, `requests-filter`. (Edits of something the engine stores, which it may change meanwhile, are
 * drafts over it: `mount-drafts-store`.)
 */
const useKeptDraftsStore = create<{ drafts: Readonly<Record<string, unknown>> }>()(() => ({ drafts: {} }));

/** Whether a value is kept under the key: a form being written when its view was left is opened again with it. */
function isKept(key: string): boolean {
  return Object.hasOwn(useKeptDraftsStore.getState().drafts, key);
}

function keep(key: string, value: unknown): void {
  useKeptDraftsStore.setState((state) => ({ drafts: { ...state.drafts, [key]: value } }));
}

function drop(key: string): void {
  if (!isKept(key)) return;
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
 * it is saved or discarded: nothing typed is lost by looking at another view.
 */
export function useKeptState<T>(key: string, initial: () => T): KeptState<T> {
  const [value, setValue] = useState<T>(() =>
    isKept(key) ? (useKeptDraftsStore.getState().drafts[key] as T) : initial(),
  );
  return {
    value,
    set: (next) => {
      if (same(next, initial())) drop(key);
      else keep(key, next);
      setValue(next);
    },
    forget: () => drop(key),
  };
}
