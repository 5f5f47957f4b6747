import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type PointerEvent, useEffect, useLayoutEffect, useRef, type WheelEvent } from 'react';
import { formatBytes, formatClock, formatCount } from '../../ui/format';
import { EventBadge } from './EventBadge';
import type { FrameRow, StreamRow } from './frame-rows';
import { frameSummary } from './frame-summary';

/** Every row has the same height: a row's place is its index times this, with nothing to measure. */
const ROW_HEIGHT = 24;
/**
 * Rows are keyed by their index modulo this (more than are ever rendered at once): when the view moves, a row
 * element leaving it is reused by the row coming in, patched rather than removed and created — the bulk of the
 * cost while following a flood, where every batch brings a screenful of new rows.
 */
const ROW_SLOTS = 256;

interface FrameStreamProps {
  rows: readonly StreamRow[];
  cursorSeq: number | null;
  inspectedSeq: number | null;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  onPick(seq: number): void;
  /** What the rows were filtered with, as an attribute (tests wait on it). */
  filterKey: string;
}

/**
 * The frames of one connection, virtualised so thousands of rows stay smooth. While following it sticks to
 * the end; otherwise the row at the top stays put as frames arrive or the oldest go.
 */
export function FrameStream({
  rows,
  cursorSeq,
  inspectedSeq,
  follow,
  onFollowChange,
  onPick,
  filterKey,
}: FrameStreamProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  /** The row at the top of the view and how far it is scrolled past, while not following. */
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const latestRows = useRef(rows);
  latestRows.current = rows;
  const following = useRef(follow);
  following.current = follow;

  // The stream's box moves and shrinks when the run timeline above it grows (its first run drawn, a lane or the
  // open spans' line added). Following, the newest row stays in sight; otherwise the rows stay where they are on
  // the screen, so the one under the pointer is still the one pressed.
  const hasRows = rows.length > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the scroller exists only while there are rows
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // In the document's coordinates: scrolling the window (a very short one) moves the box but is not a move here.
    const documentTop = () => element.getBoundingClientRect().top + window.scrollY;
    let top = documentTop();
    const observer = new ResizeObserver(() => {
      const moved = documentTop() - top;
      top += moved;
      if (following.current) element.scrollTop = element.scrollHeight;
      else if (moved !== 0) element.scrollTop += moved;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasRows]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // One write, no read while following: reading the scroller forces a layout on every batch under load.
    if (follow) {
      element.scrollTop = rows.length * ROW_HEIGHT;
      return;
    }
    const kept = anchor.current;
    if (!kept) return;
    const index = rows.findIndex((row) => row.key === kept.key);
    if (index >= 0) {
      const top = index * ROW_HEIGHT + kept.offset;
      if (element.scrollTop !== top) element.scrollTop = top;
    }
  }, [follow, rows]);

  // The cursor moved (j/k, a pick on the timeline): bring its row into view. Not when rows arrive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new cursor scrolls, not new rows
  useEffect(() => {
    if (cursorSeq === null || follow) return;
    const index = latestRows.current.findIndex((row) => row.kind === 'frame' && row.frame.seq === cursorSeq);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [cursorSeq]);

  // Only the person stops or resumes following: scroll events from rows arriving or a filter must not.
  const personScrolledAt = useRef(0);
  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    personScrolledAt.current = performance.now();
    if (event.deltaY < 0 && follow) onFollowChange(false);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    // A press on the container itself (not a row) is on its scrollbar.
    if (event.target !== event.currentTarget) return;
    personScrolledAt.current = performance.now();
    if (follow) onFollowChange(false);
  };
  const onScroll = () => {
    const element = scroller.current;
    if (!element || follow) return;
    const index = Math.floor(element.scrollTop / ROW_HEIGHT);
    const row = latestRows.current[index];
    anchor.current = row ? { key: row.key, offset: element.scrollTop - index * ROW_HEIGHT } : null;
    // Scrolled back to the end by the person: follow again.
    const byPerson = performance.now() - personScrolledAt.current < 1000;
    if (byPerson && element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT) onFollowChange(true);
  };

  if (rows.length === 0)
    return (
      <div className="empty" data-filter={filterKey}>
        No frames match.
      </div>
    );
  // A list of frames to pick from is a listbox, focusable so the keyboard can scroll it (rows are picked with j/k
  // and Enter). The socket's moments alone (it opened and closed with no frame sent) are facts to read, not options:
  // a listbox must hold options.
  const pickable = rows.some((row) => row.kind === 'frame');
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the role is listbox or group, both named by aria-label
    <div
      className="frame-stream"
      ref={scroller}
      onScroll={onScroll}
      onWheel={onWheel}
      onPointerDown={onPointerDown}
      role={pickable ? 'listbox' : 'group'}
      aria-label="Frames"
      tabIndex={pickable ? 0 : undefined}
      data-filter={filterKey}
    >
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const top = item.index * ROW_HEIGHT;
          const slot = item.index % ROW_SLOTS;
          if (row.kind === 'frame')
            return (
              <FrameRowView
                key={slot}
                row={row}
                top={top}
                cursor={row.frame.seq === cursorSeq}
                inspected={row.frame.seq === inspectedSeq}
                onPick={onPick}
              />
            );
          return <MarkRowView key={slot} row={row} top={top} />;
        })}
      </div>
    </div>
  );
}

/** One frame; it renders again only when it moves or its cursor or selection changes. */
const FrameRowView = memo(function FrameRowView({
  row: { frame },
  top,
  cursor,
  inspected,
  onPick,
}: {
  row: FrameRow;
  top: number;
  cursor: boolean;
  inspected: boolean;
  onPick(seq: number): void;
}) {
  const { finding } = frame;
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: rows are reached with j/k, not Tab (thousands of them)
    // biome-ignore lint/a11y/useKeyWithClickEvents: j/k and Enter work on the whole list
    <div
      role="option"
      aria-selected={inspected}
      className={`frame-row ${frame.direction}${cursor ? ' cursor' : ''}${finding ? ' broke-rule' : ''}`}
      style={{ top, height: ROW_HEIGHT }}
      // A mouse or pen picks on the press, not the click: while following a flood the row under the pointer shows
      // a newer frame (or has moved) by the time the button is released, and a click would pick that, or nothing.
      // A finger picks on the tap, so that a touch that starts a scroll picks nothing.
      onPointerDown={(event) => {
        if (event.button === 0 && event.pointerType !== 'touch') onPick(frame.seq);
      }}
      onClick={(event) => {
        const { nativeEvent } = event;
        // Chromium delivers a click as a PointerEvent that names its pointer.
        if ('pointerType' in nativeEvent && nativeEvent.pointerType === 'touch') onPick(frame.seq);
      }}
      data-seq={frame.seq}
    >
      <span className="arrow" title={frame.direction === 'in' ? 'from the client' : 'to the client'}>
        {frame.direction === 'in' ? '↑' : '↓'}
      </span>
      <span className="time">{formatClock(frame.at)}</span>
      <EventBadge eventType={frame.eventType} direction={frame.direction} />
      <span className="preview">
        {finding && (
          <span className="rule-mark" title={`Broke ${finding.rule}: ${finding.title} — ${finding.message}`}>
            ⚠ {finding.rule}
          </span>
        )}
        {frameSummary(frame)}
      </span>
      <span className="size">{formatBytes(frame.size)}</span>
    </div>
  );
});

/**
 * A row that is not a frame: a run's header, older frames gone, frames held by a pause, the socket opening, failing
 * or closing.
 */
const MarkRowView = memo(function MarkRowView({ row, top }: { row: Exclude<StreamRow, FrameRow>; top: number }) {
  const style = { top, height: ROW_HEIGHT };
  if (row.kind === 'evicted' || row.kind === 'held')
    return (
      <div className="run-header" style={style} data-testid={`frames-${row.kind}`}>
        <span className="badge warn">{row.kind}</span>
        {row.label}
      </div>
    );
  if (row.kind === 'run')
    return (
      <div className="run-header" style={style}>
        {row.label}
        <span className="faint">{formatCount(row.frames, 'frame')}</span>
      </div>
    );
  return (
    <div className={`socket-row ${row.tone}`} style={style} data-testid={`socket-${row.key}`}>
      <span className="arrow" aria-hidden="true">
        ●
      </span>
      <span className="time">{formatClock(row.at)}</span>
      <span className="socket-label">{row.label}</span>
    </div>
  );
});
