import { useEffect, useRef } from 'react';

/** What is open now, oldest first: Esc closes the newest (the one on top), one per press. */
const open: { current: () => void }[] = [];

function onKeyDown(event: KeyboardEvent): void {
  // Something inside already used this Esc (the editor closing its search or completion, say).
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  const top = open.at(-1);
  if (!top) return;
  event.preventDefault();
  top.current();
}

/** Esc closes this drawer, panel or in-place question while it is shown (the newest one first). */
export function useEscapeToClose(onClose: () => void, active = true): void {
  const latest = useRef(onClose);
  latest.current = onClose;
  useEffect(() => {
    if (!active) return;
    const entry = { current: () => latest.current() };
    if (open.length === 0) window.addEventListener('keydown', onKeyDown);
    open.push(entry);
    return () => {
      open.splice(open.indexOf(entry), 1);
      if (open.length === 0) window.removeEventListener('keydown', onKeyDown);
    };
  }, [active]);
}
