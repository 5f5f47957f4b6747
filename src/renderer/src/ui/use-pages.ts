import { useState } from 'react';

/** A list drawn `pageSize` items at a time, with what to draw and what the next page holds. */
export interface Pages<T> {
  /** The pages shown, then the selected item when it lies past them (one just added goes at the end). */
  rows: readonly T[];
  /** Items shown in pages (`rows` may hold the selected one after them). */
  shown: number;
  /** Items not drawn. */
  notShown: number;
  /** How many the next page adds. */
  next: number;
  showMore(): void;
  /** Shows the first `count` items (a row moved past the pages stays drawn). */
  showFirst(count: number): void;
}

/** `items` a page at a time, the selected item (`selectedIndex`, −1 for none) always drawn. */
export function usePages<T>(items: readonly T[], pageSize: number, selectedIndex = -1): Pages<T> {
  const [shown, setShown] = useState(pageSize);
  const page = items.slice(0, shown);
  const rows = selectedIndex >= shown ? [...page, items[selectedIndex] as T] : page;
  const notShown = items.length - rows.length;
  return {
    rows,
    shown,
    notShown,
    next: Math.min(pageSize, notShown),
    showMore: () => setShown(shown + pageSize),
    showFirst: setShown,
  };
}
