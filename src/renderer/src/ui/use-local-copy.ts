import { useState } from 'react';

const keyOf = (value: unknown) => JSON.stringify(value) ?? '';

export interface LocalCopy<L> {
  local: L;
  /** What the person typed, not stored (yet). */
  edit(local: L): void;
  /** What the person typed, and the value it stands for, which the caller stores. */
  commit(local: L, stored: unknown): void;
}

/**
 * A field's own copy of a value kept elsewhere (a draft's JSON): what the person types stays as typed while it
 * cannot be stored yet (half-written JSON, a header without its name), and a change made elsewhere (the JSON
 * editor, Discard) replaces it.
 */
export function useLocalCopy<L>(value: unknown, toLocal: (value: unknown) => L): LocalCopy<L> {
  const key = keyOf(value);
  const [copy, setCopy] = useState(() => ({ local: toLocal(value), of: key }));
  let current = copy;
  if (copy.of !== key) {
    // The value changed elsewhere: start again from it (React's way to reset state from a prop, during render).
    current = { local: toLocal(value), of: key };
    setCopy(current);
  }
  return {
    local: current.local,
    edit: (local) => setCopy((state) => ({ ...state, local })),
    commit: (local, stored) => setCopy({ local, of: keyOf(stored) }),
  };
}
