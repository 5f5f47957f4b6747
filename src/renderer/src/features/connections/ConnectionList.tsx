import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { api } from '../../api/control-client';
import {
  type ConnectionQuery,
  selectConnection,
  setConnectionQuery,
  useConnectionsStore,
} from '../../stores/connections-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { focusableIn, refocusWhenLost } from '../../ui/focus-return';
import { formatAge, formatNumber } from '../../ui/format';
import { useAction } from '../../ui/use-action';
import { useListKeys } from '../../ui/use-list-keys';
import { useNow } from '../../ui/use-now';
import { CONNECTION_ROW_HEIGHT, connectionRows, groupRuns, rowHeight, threadLabel } from './connection-rows';
import { isSearching, noMatchText, searchConnections } from './connection-search';
import { useStableRows } from './use-stable-rows';

const STATE_TONE = { open: 'ok', closing: 'warn', closed: '' } as const;
/** Rows rendered beyond each end of the view, so a short scroll shows rows already there. */
const OVERSCAN = 8;
const optionId = (id: string) => `connection-option-${id}`;

/** The key that moves the list's cursor, and how (the page's height in rows for Page Up/Down). */
function cursorMove(key: string, page: number): { to: 'first' | 'last' } | { by: number } | null {
  if (key === 'ArrowDown') return { by: 1 };
  if (key === 'ArrowUp') return { by: -1 };
  if (key === 'PageDown') return { by: page };
  if (key === 'PageUp') return { by: -page };
  if (key === 'Home') return { to: 'first' };
  if (key === 'End') return { to: 'last' };
  return null;
}

/**
 * The live list of client connections, newest first, searchable and groupable by thread. While the pointer is
 * over the list the row under it stays where it is: connections that arrive above it are counted ("3 new
 * connections ↑") instead of pushing it down.
 *
 * Virtualised (thousands of connections): only the rows in view are rendered, so a keystroke in the search box,
 * a filter or the grouping costs the same with 10 000 connections as with 20, and so do the ages that count up
 * each second. A thread group's header is a row of the list like a connection. The list is one stop for Tab:
 * the arrows, Page Up/Down, Home and End move its cursor, Enter or Space selects the connection under it.
 */
export function ConnectionList({
  connections,
  selectedId,
}: {
  connections: readonly ConnectionSummary[];
  selectedId: string | null;
}) {
  const query = useConnectionsStore((state) => state.query);
  const now = useNow();
  const byId = useMemo(() => new Map(connections.map((c) => [c.id, c])), [connections]);
  const found = useMemo(() => searchConnections(connections, query), [connections, query]);
  const { entries, rows, rowIndex, entryIndex } = useMemo(
    () => connectionRows(found, query.groupByThread),
    [found, query.groupByThread],
  );

  const anchor = useStableRows(entries);
  /** The row the stable rows hold still (the one under the pointer): rendered wherever it is, so it can be. */
  const held = useRef<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const cursorShown = cursor !== null && rowIndex.has(cursor) ? cursor : null;
  /** The connection selected by a click in this list (already in view: no scrolling to it). */
  const pickedHere = useRef<string | null>(null);

  // Kept while the rows are: a new one has every row's place counted again (not each second, for the ages).
  const estimateSize = useCallback((index: number) => rowHeight(rows[index]), [rows]);
  const getItemKey = useCallback((index: number) => rows[index]?.key ?? index, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => anchor.scroller.current,
    estimateSize,
    getItemKey,
    overscan: OVERSCAN,
    // The row held under the pointer and the keyboard's cursor (named by aria-activedescendant) are always there.
    rangeExtractor: (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      const extra = [held.current, cursorShown]
        .map((id) => (id === null ? undefined : rowIndex.get(id)))
        .filter((index): index is number => index !== undefined && !indexes.includes(index));
      return extra.length === 0 ? indexes : [...indexes, ...new Set(extra)].sort((a, b) => a - b);
    },
  });

  const openCount = useMemo(() => connections.filter((c) => c.state === 'open').length, [connections]);
  const closedCount = useMemo(() => connections.filter((c) => c.state === 'closed').length, [connections]);
  const paths = useMemo(() => [...new Set(connections.map((c) => c.path))].sort(), [connections]);
  const clear = useAction(async () => {
    // Cleared, the selection is gone on purpose: no notice that the engine removed it.
    if (selectedId && byId.get(selectedId)?.state === 'closed') selectConnection(null);
    await api.clearClosedConnections();
    // Cleared to the last, the list gives way to the empty state: the focus goes there, not to the page.
    refocusWhenLost(() => focusableIn(document.querySelector('[data-testid="connections-empty"]')));
  });

  const latest = useRef({ rowIndex, virtualizer });
  latest.current = { rowIndex, virtualizer };
  // Selected elsewhere (or shown again with a selection): its row comes into view and takes the cursor. Not when
  // rows arrive, nor for a click here.
  useEffect(() => {
    if (selectedId === null) return;
    setCursor(selectedId);
    const clickedHere = pickedHere.current === selectedId;
    pickedHere.current = null;
    if (clickedHere) return;
    const index = latest.current.rowIndex.get(selectedId);
    if (index !== undefined) latest.current.virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [selectedId]);

  const pick = useCallback((id: string) => {
    pickedHere.current = id;
    setCursor(id);
    selectConnection(id);
  }, []);

  // With no connection shown beside the list, `/` and j/k work on the list (with one, on its frames).
  const search = useRef<HTMLInputElement>(null);
  const detailShown = selectedId !== null && byId.has(selectedId);
  useListKeys({
    focusFilter: detailShown ? undefined : () => search.current?.focus(),
    move: detailShown
      ? undefined
      : (delta) => {
          if (entries.length === 0) return;
          // Into the list, where Enter selects the connection under the cursor.
          anchor.scroller.current?.focus();
          moveCursor({ by: delta });
        },
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || entries.length === 0) return;
    if (event.key === 'Enter' || event.key === ' ') {
      // On the selected connection Enter is the frames' (it inspects the frame under their cursor), as ever.
      if (cursorShown === null || cursorShown === selectedId) return;
      event.preventDefault();
      event.stopPropagation();
      selectConnection(cursorShown);
      return;
    }
    const page = Math.max(1, Math.floor(event.currentTarget.clientHeight / CONNECTION_ROW_HEIGHT) - 1);
    const move = cursorMove(event.key, page);
    if (!move) return;
    event.preventDefault();
    event.stopPropagation();
    moveCursor(move);
  };

  const moveCursor = (move: NonNullable<ReturnType<typeof cursorMove>>) => {
    const from = cursorShown === null ? -1 : (entryIndex.get(cursorShown) ?? -1);
    const to =
      'to' in move
        ? move.to === 'first'
          ? 0
          : entries.length - 1
        : Math.max(0, Math.min(entries.length - 1, from + move.by));
    const next = entries[to];
    if (!next) return;
    setCursor(next.id);
    const index = rowIndex.get(next.id);
    if (index === undefined) return;
    // Going up to the first of a thread: its header comes into view with it.
    const up = 'by' in move ? move.by < 0 : move.to === 'first';
    virtualizer.scrollToIndex(up && rows[index - 1]?.kind === 'thread' ? index - 1 : index);
  };

  const items = virtualizer.getVirtualItems();
  const runs = groupRuns(items, (item) => rows[item.index]?.group ?? null);
  /** Where the rows placed so far end (rows are placed in order, from the top). */
  let bottom = 0;
  const renderRow = (index: number) => {
    const row = rows[index];
    if (!row) return null;
    if (row.kind === 'thread')
      return (
        <div key={row.key} className="thread-header" aria-hidden="true">
          <span className="mono">{row.label}</span>
          <span className="faint">{formatNumber(row.count)}</span>
        </div>
      );
    const connection = byId.get(row.id);
    return connection ? (
      <ConnectionRow
        key={row.key}
        position={row.position}
        setSize={row.setSize}
        connection={connection}
        selected={row.id === selectedId}
        cursor={row.id === cursorShown}
        now={connection.state === 'closed' ? 0 : now}
        onPick={pick}
      />
    ) : null;
  };

  return (
    <div className="panel connection-panel">
      <div className="panel-header">
        <h2>Connections</h2>
        <span className="badge">{openCount} open</span>
      </div>
      <ErrorNotice error={clear.error} onDismiss={clear.clearError} />
      <div className="connection-search">
        <input
          ref={search}
          aria-keyshortcuts={detailShown ? undefined : '/'}
          type="search"
          placeholder="Search id, path, thread, user…"
          aria-label="Search connections"
          title="Every word must match; name a field to search only there: thread:abc path:/ws state:open kind:sse user:koen"
          value={query.text}
          onChange={(event) => setConnectionQuery({ text: event.target.value })}
        />
        <div className="row">
          <select
            aria-label="Filter connections by state"
            value={query.state}
            onChange={(event) => setConnectionQuery({ state: event.target.value as ConnectionQuery['state'] })}
          >
            <option value="all">Any state</option>
            <option value="open">Open</option>
            <option value="closing">Closing</option>
            <option value="closed">Closed</option>
          </select>
          <select
            aria-label="Filter connections by kind"
            value={query.kind}
            onChange={(event) => setConnectionQuery({ kind: event.target.value as ConnectionQuery['kind'] })}
          >
            <option value="all">WS and SSE</option>
            <option value="ws">WebSocket</option>
            <option value="sse">SSE</option>
          </select>
          {paths.length > 1 && (
            <select
              aria-label="Filter connections by path"
              value={query.path}
              onChange={(event) => setConnectionQuery({ path: event.target.value })}
            >
              <option value="">Any path</option>
              {paths.map((path) => (
                <option key={path} value={path}>
                  {path}
                </option>
              ))}
            </select>
          )}
          <label className="group-toggle">
            <input
              type="checkbox"
              checked={query.groupByThread}
              onChange={(event) => setConnectionQuery({ groupByThread: event.target.checked })}
            />{' '}
            By thread
          </label>
          <span className="spacer" />
          <button
            type="button"
            className="small"
            disabled={closedCount === 0 || clear.busy}
            onClick={() => void clear.run()}
            title="Forget every closed connection, here and in the engine (frees the memory their frames take)"
          >
            Clear closed{closedCount > 0 ? ` (${closedCount})` : ''}
          </button>
        </div>
        {isSearching(query) && (
          <div className="faint" data-testid="connection-count">
            {formatNumber(found.length)} of {formatNumber(connections.length)} connections
          </div>
        )}
      </div>
      <div className="connection-list-frame">
        <div aria-live="polite" className="new-connections">
          {anchor.unseen > 0 && (
            <button type="button" className="small primary" onClick={anchor.showUnseen} data-testid="new-connections">
              {anchor.unseen === 1 ? '1 new connection' : `${anchor.unseen} new connections`} ↑
            </button>
          )}
        </div>
        <div
          className="connection-list"
          role="listbox"
          aria-label="Connections"
          // One stop for Tab (the rows are many): the arrows move the cursor, Enter or Space selects.
          tabIndex={0}
          aria-activedescendant={cursorShown === null ? undefined : optionId(cursorShown)}
          onKeyDown={onKeyDown}
          onFocus={(event) => {
            // Tabbed in: the cursor starts on the selected connection, or the first.
            if (event.target === event.currentTarget && cursorShown === null)
              setCursor(selectedId !== null && rowIndex.has(selectedId) ? selectedId : (entries[0]?.id ?? null));
          }}
          ref={anchor.scroller}
          onPointerOver={(event) => {
            const row = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-id]') : null;
            if (row?.dataset.id) held.current = row.dataset.id;
            anchor.onPointerOver(event);
          }}
          onPointerLeave={() => {
            held.current = null;
            anchor.onPointerLeave();
          }}
          onScroll={anchor.onScroll}
        >
          {rows.length === 0 && <div className="empty">{noMatchText(query.text)}</div>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {runs.map((run) => {
              // In the flow, each row at its place (gaps kept by spacers): a thread's group holds its rows, sized.
              const placed = run.items.flatMap((item) => {
                const gap = item.start - bottom;
                bottom = item.end;
                const row = renderRow(item.index);
                return gap > 0
                  ? [<div key={`gap-${item.key}`} aria-hidden="true" style={{ height: gap }} />, row]
                  : [row];
              });
              if (run.group === null) return placed;
              const label = threadLabel(run.group);
              return (
                <fieldset
                  key={`group-${run.group}`}
                  aria-label={`Thread ${label}`}
                  className="thread-group"
                  data-testid="thread-group"
                >
                  {placed}
                </fieldset>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** One connection; it renders again only when its summary, its selection or (open) its age changes. */
const ConnectionRow = memo(function ConnectionRow({
  position,
  setSize,
  connection,
  selected,
  cursor,
  now,
  onPick,
}: {
  /** Its place (from 1) in its thread group or the list, and that set's size. */
  position: number;
  setSize: number;
  connection: ConnectionSummary;
  selected: boolean;
  /** Under the keyboard's cursor. */
  cursor: boolean;
  /** 0 for a closed connection, whose age no longer grows. */
  now: number;
  onPick(id: string): void;
}) {
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: rows are reached with the arrows in the list, not Tab (thousands of them)
    // biome-ignore lint/a11y/useKeyWithClickEvents: the arrows, Enter and Space work on the whole list
    <div
      id={optionId(connection.id)}
      role="option"
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={setSize}
      className={`connection-item ${connection.state}${cursor ? ' cursor' : ''}`}
      onClick={() => onPick(connection.id)}
      data-testid={`connection-${connection.id}`}
      data-id={connection.id}
    >
      <div className="title">
        <span className={`dot ${STATE_TONE[connection.state]}`} />
        <span title={connection.id}>{connection.id.slice(0, 8)}</span>
        <span className="badge">{connection.kind}</span>
        <span className="spacer" />
        <span className={`badge ${STATE_TONE[connection.state]}`} title={connection.refusal ?? undefined}>
          {connection.refusal ? 'refused · ' : ''}
          {connection.state === 'closed' && connection.closeCode !== null
            ? `closed ${connection.closeCode}`
            : connection.state}
        </span>
      </div>
      <div className="line">
        <span className="mono">{connection.path}</span>
        <span>·</span>
        <span>{connection.remoteAddress}</span>
        <span className="spacer" />
        <span title="age">{formatAge(connection.openedAt, connection.closedAt ?? now)}</span>
      </div>
      <div className="line">
        <span className="mono" title="thread / user">
          {/* A raw socket (echo, feed, rules) has no AG-UI threads to wait for. */}
          {connection.threadId ?? (connection.protocol === 'agui' ? 'no thread yet' : '')}
          {connection.userId ? ` · ${connection.userId}` : ''}
        </span>
        <span className="spacer" />
        <span title="frames from the client">↑{connection.counters.framesIn}</span>
        <span title="frames to the client">↓{connection.counters.framesOut}</span>
      </div>
    </div>
  );
});
