import { useState } from 'react';
import type { FocusTarget } from './focus-return';

/**
 * What had the focus when this form appeared (its "+ New …" button), for its Cancel to give the focus back to
 * (`refocusWhenLost(opener)`). Not on every unmount, as useReturnFocus does: once created, the item's own editor
 * takes the focus.
 */
export function useOpener(): FocusTarget {
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement && document.activeElement !== document.body
      ? document.activeElement
      : null,
  );
  return () => opener;
}
