import { useVirtualizer } from '@tanstack/react-virtual';
import { type PointerEvent, useEffect, useRef, type WheelEvent } from 'react';
import { formatBytes, formatClock } from '../../ui/format';
import { EventBadge } from './EventBadge';
import type { StreamRow } from './frame-rows';
import { frameSummary } from './frame-summary';

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 26;

interface FrameStreamProps {
  rows: readonly StreamRow[];
  cursorSeq: number | null;
  inspectedSeq: number | null;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  onPick(seq: number): void;
}

/** The frames of one connection, virtualised so thousands of rows stay smooth; sticks to the end while following. */
export function FrameStream({ rows, cursorSeq, inspectedSeq, follow, onFollowChange, onPick }: FrameStreamProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'frame' ? ROW_HEIGHT : HEADER_HEIGHT),
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 12,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows are what moves the end while following
  useEffect(() => {
    // One write, no read: scrollToIndex measures the scroller (a forced layout) on every batch under load.
    if (follow && scroller.current) scroller.current.scrollTop = virtualizer.getTotalSize();
  }, [follow, rows, virtualizer]);

  useEffect(() => {
    if (cursorSeq === null || follow) return;
    const index = rows.findIndex((row) => row.kind === 'frame' && row.frame.seq === cursorSeq);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [cursorSeq, follow, rows, virtualizer]);

  // Only the person stops following (scrolling up): scroll events from rows arriving must not.
  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    if (event.deltaY < 0 && follow) onFollowChange(false);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    // A press on the container itself (not a row) is on its scrollbar.
    if (event.target === event.currentTarget && follow) onFollowChange(false);
  };
  const onScroll = () => {
    const element = scroller.current;
    if (!element || follow) return;
    // Back at the end: follow again.
    if (element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT) onFollowChange(true);
  };

  if (rows.length === 0) return <div className="empty">No frames match.</div>;
  return (
    <div
      className="frame-stream"
      ref={scroller}
      onScroll={onScroll}
      onWheel={onWheel}
      onPointerDown={onPointerDown}
      role="listbox"
      aria-label="Frames"
      // Focusable itself (rows are reached with j/k), so the keyboard can scroll it.
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const style = { top: item.start, height: item.size };
          if (row.kind === 'evicted')
            return (
              <div key={row.key} className="run-header" style={style} data-testid="frames-evicted">
                <span className="badge warn">evicted</span>
                {row.label}
              </div>
            );
          if (row.kind === 'run')
            return (
              <div key={row.key} className="run-header" style={style}>
                {row.label}
                <span className="faint">{row.frames} frames</span>
              </div>
            );
          const { frame } = row;
          return (
            // biome-ignore lint/a11y/useFocusableInteractive: rows are reached with j/k, not Tab (thousands of them)
            // biome-ignore lint/a11y/useKeyWithClickEvents: j/k and Enter work on the whole list
            <div
              key={row.key}
              role="option"
              aria-selected={frame.seq === inspectedSeq}
              className={`frame-row ${frame.direction}${frame.seq === cursorSeq ? ' cursor' : ''}`}
              style={style}
              onClick={() => onPick(frame.seq)}
              data-seq={frame.seq}
            >
              <span className="arrow" title={frame.direction === 'in' ? 'from the client' : 'to the client'}>
                {frame.direction === 'in' ? '↑' : '↓'}
              </span>
              <span className="time">{formatClock(frame.at)}</span>
              <EventBadge eventType={frame.eventType} direction={frame.direction} />
              <span className="preview">{frameSummary(frame)}</span>
              <span className="size">{formatBytes(frame.size)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
