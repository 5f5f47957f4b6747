import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';

interface Anchor {
  /** The row under the pointer (its data-id). */
  id: string;
  /** Where it was in the scroller's view, in pixels from the top. */
  offset: number;
}

export interface StableRows {
  scroller: RefObject<HTMLDivElement | null>;
  /** Rows that arrived above the view while it was held still. */
  unseen: number;
  showUnseen(): void;
  onPointerOver(event: { target: EventTarget }): void;
  onPointerLeave(): void;
  onScroll(): void;
}

/** Where a row is in the scroller's view (pixels from its top), or null when it is not there. */
function placeOf(scroller: HTMLElement | null, id: string): number | null {
  const row = scroller?.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
  return scroller && row ? row.offsetTop - scroller.scrollTop : null;
}

const rowOf = (target: EventTarget | null) =>
  target instanceof Element ? target.closest<HTMLElement>('[data-id]') : null;

/**
 * Scroll anchoring for a live list whose new rows come in at the top: while the pointer is over a row, that
 * row keeps its place on screen whatever is added or removed above it (the scroller is moved by the
 * difference), and what arrived above is counted. Rows carry their id as `data-id`.
 */
export function useStableRows(rows: readonly { id: string }[]): StableRows {
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<Anchor | null>(null);
  const known = useRef<Set<string> | null>(null);
  const [unseenIds, setUnseenIds] = useState<ReadonlySet<string>>(new Set());
  const latestRows = useRef(rows);
  latestRows.current = rows;

  useLayoutEffect(() => {
    const kept = anchor.current;
    const element = scroller.current;
    if (!kept || !element) return;
    const now = placeOf(element, kept.id);
    if (now !== null && now !== kept.offset) element.scrollTop += now - kept.offset;
    const seen = known.current;
    known.current = new Set(rows.map((row) => row.id));
    if (!seen) return;
    const arrived = rows.filter((row) => !seen.has(row.id));
    if (arrived.length > 0)
      setUnseenIds((ids) => new Set([...ids, ...arrived.map((row) => row.id)].filter((id) => known.current?.has(id))));
  }, [rows]);

  const showUnseen = useCallback(() => {
    scroller.current?.scrollTo({ top: 0 });
    setUnseenIds(new Set());
  }, []);

  const onPointerOver = useCallback((event: { target: EventTarget }) => {
    const row = rowOf(event.target);
    const offset = row ? placeOf(scroller.current, row.dataset.id ?? '') : null;
    if (!row?.dataset.id || offset === null) return;
    if (!anchor.current) known.current = new Set(latestRows.current.map((entry) => entry.id));
    anchor.current = { id: row.dataset.id, offset };
  }, []);

  const onPointerLeave = useCallback(() => {
    anchor.current = null;
    known.current = null;
  }, []);

  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    // Scrolled by the person: the anchor moves with the content; at the top nothing is unseen any more.
    if (anchor.current) {
      const offset = placeOf(element, anchor.current.id);
      if (offset !== null) anchor.current.offset = offset;
    }
    if (element.scrollTop === 0) setUnseenIds((ids) => (ids.size === 0 ? ids : new Set()));
  }, []);

  return { scroller, unseen: unseenIds.size, showUnseen, onPointerOver, onPointerLeave, onScroll };
}
