import { useEffect, useRef } from 'react';

export interface ListKeyHandlers {
  /** `/`: focus the view's filter. */
  focusFilter?(): void;
  /** `j` (+1) and `k` (−1). */
  move?(delta: 1 | -1): void;
  /** `Enter`: inspect what the cursor is on. */
  inspect?(): void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Enter on a button presses it; list items (role="option") leave Enter to the list. */
function isPlainButton(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement && target.getAttribute('role') !== 'option';
}

/** The console's list shortcuts for the view that is shown; ignored while the person types somewhere. */
export function useListKeys(handlers: ListKeyHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const { focusFilter, move, inspect } = latest.current;
      if (event.key === '/' && focusFilter) focusFilter();
      else if (event.key === 'j' && move) move(1);
      else if (event.key === 'k' && move) move(-1);
      else if (event.key === 'Enter' && inspect && !isPlainButton(event.target)) inspect();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
