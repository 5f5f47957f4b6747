import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RequestSummary } from '../../../../shared/request-log';
import { api } from '../../api/control-client';
import { reloadRequests, showRequestsAnsweredBy } from '../../stores/console-sync';
import { useKeptState } from '../../stores/kept-state';
import { useMountsStore } from '../../stores/mounts-store';
import { REQUESTS_KEPT, useRequestsStore } from '../../stores/requests-store';
import { useServerStore } from '../../stores/server-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatClock, formatNumber } from '../../ui/format';
import { useAction } from '../../ui/use-action';
import { useListKeys } from '../../ui/use-list-keys';
import { exampleCall } from './example-call';
import { dropReason, liveLogStats, logLosses, requestDrop } from './log-losses';
import { loggedRequests, requestCountWords } from './logged-count';
import { MountFilter } from './MountFilter';
import { RequestDetailLoader } from './RequestDetailLoader';
import { noRequestMatchText, pathAndQuery, searchRequests } from './request-search';
import { StatusCode } from './StatusCode';

const ROW_HEIGHT = 28;
const rowId = (id: number) => `request-row-${id}`;

/** The mocked REST API's log, newest first, with the selected request in detail. */
export function RequestsView() {
  const allEntries = useRequestsStore((state) => state.entries);
  const mountFilter = useRequestsStore((state) => state.mountFilter);
  const mountEntries = useRequestsStore((state) => state.mountEntries);
  const entries = mountFilter ? (mountEntries ?? []) : allEntries;
  const selectedId = useRequestsStore((state) => state.selectedId);
  const log = useRequestsStore((state) => state.log);
  const keptFrom = useRequestsStore((state) => state.keptFrom);
  const requestLogSize = useServerStore((state) => state.settings?.requestLogSize ?? null);
  const packs = useServerStore((state) => state.info?.packs);
  const example = useMountsStore((state) => exampleCall(state.sections, packs ?? []));
  // A filter someone set stays while they look at another view, until they clear it.
  const { value: filter, set: setFilter } = useKeptState('requests-filter', () => '');
  const [cursor, setCursor] = useState<number | null>(null);
  const filterInput = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const clear = useAction(() =>
    api.clearRequests().then(() =>
      useRequestsStore.setState((state) => ({
        entries: [],
        selectedId: null,
        log: null,
        keptFrom: Math.max(state.keptFrom, (state.entries[0]?.id ?? 0) + 1),
        counts: {},
        mountEntries: state.mountEntries && [],
        mountTotal: state.mountEntries && 0,
      })),
    ),
  );
  // The feed brings new requests but not what the log let go of: fresh counts each time the view opens (kept fresh
  // meanwhile by the view tabs' useLiveRequestLog).
  useEffect(() => {
    void reloadRequests().catch(() => {});
  }, []);
  const lookedThrough = useRequestsStore((state) => state.lookedThrough);
  const mountTotal = useRequestsStore((state) => state.mountTotal);
  const logged = mountFilter
    ? Math.max(entries.length, mountTotal ?? 0)
    : loggedRequests({ log, lookedThrough, entries: allEntries }, requestLogSize);
  // Between looks, what the feed brings says how many more the log pushed out.
  const losses = log && logLosses(liveLogStats(log, lookedThrough, allEntries[0]?.id ?? 0, requestLogSize));

  const visible = useMemo(() => searchRequests(entries, filter), [entries, filter]);
  const filtering = filter.trim() !== '';
  const countWords = entries.length > 0 && requestCountWords(filtering ? visible.length : null, entries.length, logged);
  const clearFilter = () => {
    setFilter('');
    filterInput.current?.focus();
  };
  const selected = entries.find((entry) => entry.id === selectedId) ?? null;
  // The row of the request opened, kept once the list lets go of it: the detail pane goes on showing it.
  const [openedRow, setOpenedRow] = useState<RequestSummary | null>(null);
  if (selected && selected !== openedRow) setOpenedRow(selected);
  const shownRow = selected ?? (openedRow?.id === selectedId ? openedRow : null);
  const holding = { keptFrom, newestId: allEntries[0]?.id ?? 0, requestLogSize, log };
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => visible[index]?.id ?? index,
    overscan: 10,
  });
  const select = (id: number) => useRequestsStore.setState({ selectedId: id });
  const move = (delta: 1 | -1) => {
    const at = visible.findIndex((entry) => entry.id === cursor);
    const next = visible[Math.max(0, Math.min(visible.length - 1, at + delta))];
    if (next) {
      setCursor(next.id);
      virtualizer.scrollToIndex(visible.indexOf(next));
    }
  };

  useListKeys({
    focusFilter: () => filterInput.current?.focus(),
    move,
    inspect: () => cursor !== null && select(cursor),
  });

  return (
    <div className="split requests-split">
      <div className="panel">
        <div className="panel-header">
          <h2>Requests</h2>
          <span
            className="badge"
            title={mountFilter ? "Requests in the engine's log that it answered" : "Requests in the engine's log"}
            data-testid="requests-logged"
          >
            {formatNumber(logged)}
          </span>
          <input
            ref={filterInput}
            type="search"
            className="spacer"
            placeholder="Method, path, status ( / )"
            aria-label="Filter requests"
            title="Every word must match; name a field to search only there: status:404 method:post path:/users"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
          <MountFilter value={mountFilter} />
          <button type="button" disabled={clear.busy || allEntries.length === 0} onClick={() => clear.run()}>
            Clear
          </button>
        </div>
        <ErrorNotice error={clear.error} onDismiss={clear.clearError} />
        {losses && (
          <div className="faint" style={{ padding: '4px 10px' }} data-testid="requests-evicted">
            {losses}
          </div>
        )}
        {countWords && (
          <div
            className="faint"
            style={{ padding: '4px 10px' }}
            data-testid="request-count"
            title={`The console lists the newest ${formatNumber(REQUESTS_KEPT)} requests of the engine's log; the filter searches those`}
          >
            {countWords}
          </div>
        )}
        {mountFilter && mountEntries === null ? (
          <div className="empty">
            <span className="spinner" /> Loading the requests it answered…
          </div>
        ) : mountFilter && entries.length === 0 ? (
          <div className="empty">
            No logged request was answered by {mountFilter === 'none' ? 'nothing' : <code>{mountFilter}</code>}.{' '}
            <button type="button" className="link" onClick={() => void showRequestsAnsweredBy(null)}>
              Show every request
            </button>
          </div>
        ) : entries.length === 0 ? (
          <div className="empty" data-testid="requests-empty">
            No REST requests yet. Your frontend's calls to the mocked API
            {example && (
              <>
                {' '}
                (e.g. <code>{example}</code>)
              </>
            )}{' '}
            appear here with their headers and bodies.
          </div>
        ) : visible.length === 0 ? (
          <div className="empty" data-testid="requests-no-match">
            {noRequestMatchText(filter)}{' '}
            <button type="button" className="link" onClick={clearFilter}>
              Clear the filter
            </button>
          </div>
        ) : (
          <div
            ref={scroller}
            className="request-list"
            role="listbox"
            aria-label="Requests"
            // Focusable itself (the rows are many): ↑/↓ as j/k move the cursor, Enter opens the request.
            tabIndex={0}
            aria-activedescendant={cursor !== null && visible.some((e) => e.id === cursor) ? rowId(cursor) : undefined}
            onKeyDown={(event) => {
              const delta = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
              if (delta === 0) return;
              event.preventDefault();
              move(delta);
            }}
          >
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const entry = visible[item.index];
                if (!entry) return null;
                return (
                  // biome-ignore lint/a11y/useFocusableInteractive: rows are reached with j/k, not Tab
                  // biome-ignore lint/a11y/useKeyWithClickEvents: j/k and Enter work on the whole list
                  <div
                    key={entry.id}
                    id={rowId(entry.id)}
                    role="option"
                    aria-selected={entry.id === selectedId}
                    className={`frame-row request-row${entry.id === cursor ? ' cursor' : ''}`}
                    style={{ top: item.start, height: item.size }}
                    onClick={() => {
                      setCursor(entry.id);
                      select(entry.id);
                    }}
                  >
                    <span className="method">{entry.method}</span>
                    <span className="time">{formatClock(entry.at)}</span>
                    <span className="preview" style={{ color: 'var(--fg)' }} title={pathAndQuery(entry)}>
                      {pathAndQuery(entry)}
                    </span>
                    <span className="answered-by-cell" title="What answered it">
                      {entry.answeredBy ? `${entry.answeredBy.kind}:${entry.answeredBy.id}` : '—'}
                    </span>
                    <StatusCode status={entry.status} />
                    <span className="size" title={entry.refusal ?? undefined}>
                      {entry.refusal ? 'refused · ' : ''}
                      {entry.durationMs.toFixed(0)} ms
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
      {selectedId !== null ? (
        <RequestDetailLoader
          key={selectedId}
          id={selectedId}
          row={shownRow}
          dropped={requestDrop(selectedId, holding)}
          whyIfGone={dropReason(log)}
          requestLogSize={requestLogSize}
          note={
            // Still shown, as Connections shows a connection its search hides; said, so list and detail do not disagree.
            selected && !visible.includes(selected) ? (
              <div className="notice row" role="status" data-testid="request-hidden">
                <span className="spacer">The filter hides this request from the list.</span>
                <button type="button" className="link" onClick={clearFilter}>
                  Clear the filter
                </button>
              </div>
            ) : null
          }
        />
      ) : (
        <div className="panel">
          <div className="empty">Pick a request to see its headers and bodies both ways.</div>
        </div>
      )}
    </div>
  );
}
