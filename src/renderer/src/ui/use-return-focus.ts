import { type RefObject, useEffect } from 'react';

/**
 * Puts the focus back where it was when this drawer or panel opened (its "Inject…" or workspace button), once it
 * closes — unless the person has moved the focus elsewhere meanwhile. Moves the focus into it when it opens, unless
 * it is `shownAgain` (drawn again as it was left, back from another view): then the focus stays where it is.
 */
export function useReturnFocus(
  container: RefObject<HTMLElement | null>,
  focusOnOpen?: () => HTMLElement | null,
  shownAgain = false,
): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per opening
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!shownAgain) (focusOnOpen?.() ?? container.current)?.focus();
    return () => {
      const focused = document.activeElement;
      const lost = !focused || focused === document.body || container.current?.contains(focused);
      if (lost && opener?.isConnected) opener.focus();
    };
  }, []);
}
