import { type RefObject, useEffect } from 'react';

/**
 * Puts the focus back where it was when this drawer or panel opened (its "Inject…" or workspace button), once it
 * closes — unless the person has moved the focus elsewhere meanwhile. Moves the focus into it when it opens.
 */
export function useReturnFocus(container: RefObject<HTMLElement | null>, focusOnOpen?: () => HTMLElement | null): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per opening
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (focusOnOpen?.() ?? container.current)?.focus();
    return () => {
      const focused = document.activeElement;
      const lost = !focused || focused === document.body || container.current?.contains(focused);
      if (lost && opener?.isConnected) opener.focus();
    };
  }, []);
}
