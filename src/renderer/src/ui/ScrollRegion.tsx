import type { ReactNode } from 'react';

interface ScrollRegionProps {
  /** Names the region for screen readers ("Request detail"). */
  label: string;
  className?: string;
  children: ReactNode;
  testId?: string;
}

/**
 * A part of a view that scrolls on its own and may hold nothing focusable (logged bodies, a transcript): it takes
 * the focus itself, so the keyboard can scroll it too.
 */
export function ScrollRegion({ label, className, children, testId }: ScrollRegionProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard
    <section className={className} tabIndex={0} aria-label={label} data-testid={testId}>
      {children}
    </section>
  );
}
