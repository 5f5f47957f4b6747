import { useCallback, useDeferredValue, useId, useMemo, useRef } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import {
  type FrameFilter,
  frameViewOf,
  inspectFrame,
  moveCursor,
  pickFrame,
  setFollow,
  setFrameFilter,
  useFrameViewStore,
} from '../../stores/frame-view-store';
import { framesOf, useFramesStore } from '../../stores/frames-store';
import { formatCount, formatNumber } from '../../ui/format';
import { useListKeys } from '../../ui/use-list-keys';
import { FrameStream } from './FrameStream';
import {
  buildStreamRows,
  evictedFramesRow,
  heldFramesRow,
  isFiltering,
  type StreamRow,
  socketRows,
} from './frame-rows';
import { useTextMatch } from './use-text-match';

/** The value the type filter's select shows while some types are chosen (choosing a type toggles it). */
const CHOSEN = '__chosen';

/** The selected connection's frames: filters, counts, follow, and the stream itself. */
export function FramesPanel({ connection }: { connection: ConnectionSummary }) {
  const { id } = connection;
  const liveFrames = useFramesStore(framesOf(id));
  // Under a flood of frames React may skip intermediate lists: clicks and keys go first, the stream catches up.
  const frames = useDeferredValue(liveFrames);
  const { filter, follow, cursorSeq, inspectedSeq } = useFrameViewStore(frameViewOf(id));
  const filterInput = useRef<HTMLInputElement>(null);
  const typeSelect = useRef<HTMLSelectElement>(null);
  const problemId = useId();

  const text = useTextMatch(frames, filter.text, filter.regex);
  const built = useMemo(() => buildStreamRows(frames, filter, text.matches), [frames, filter, text.matches]);
  const firstSeq = frames[0]?.seq;
  const { evictedForMemory, droppedForSize } = connection.frameLog;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the first frame matters, not every arrival
  const evictedRow = useMemo(
    () => evictedFramesRow({ evictedForMemory, droppedForSize }, frames),
    [evictedForMemory, droppedForSize, firstSeq],
  );
  const { openedAt, closedAt, closeCode, closeReason } = connection;
  // Every summary the feed brings is a new object: the memo keys on the values.
  const errorAt = connection.lastError?.at ?? null;
  const errorMessage = connection.lastError?.message ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the first frame matters, not every arrival
  const socket = useMemo(() => {
    const lastError = errorAt === null ? null : { at: errorAt, message: errorMessage };
    return socketRows({ openedAt, closedAt, closeCode, closeReason, lastError }, frames);
  }, [openedAt, closedAt, closeCode, closeReason, errorAt, errorMessage, firstSeq]);
  const { state, paused, heldFrames } = connection;
  const heldRow = useMemo(() => heldFramesRow({ state, paused, heldFrames }), [state, paused, heldFrames]);
  const filtering = isFiltering(filter);
  const rows = useMemo((): StreamRow[] => {
    const head: StreamRow[] = evictedRow ? [evictedRow] : [];
    // Held frames come after every frame that left, whatever the filter: the client has not got them yet.
    const held: StreamRow[] = heldRow ? [heldRow] : [];
    // The socket's moments are not frames: a filter leaves them out.
    return filtering ? head.concat(built.rows, held) : head.concat(socket.before, built.rows, held, socket.after);
  }, [evictedRow, socket, built.rows, heldRow, filtering]);
  const typesKey = built.types.join(' ');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the list changes only when a new type appears
  const types = useMemo(() => built.types, [typesKey]);

  const change = (patch: Partial<FrameFilter>) => setFrameFilter(id, patch);
  const onPick = useCallback((seq: number) => pickFrame(id, seq), [id]);
  const onFollowChange = useCallback((next: boolean) => setFollow(id, next), [id]);

  useListKeys({
    focusFilter: () => filterInput.current?.focus(),
    move: (delta) => {
      const frameRows = rows.filter((row) => row.kind === 'frame');
      if (frameRows.length === 0) return;
      const at = frameRows.findIndex((row) => row.frame.seq === cursorSeq);
      const next = at === -1 ? (delta === 1 ? 0 : frameRows.length - 1) : at + delta;
      const row = frameRows[Math.max(0, Math.min(frameRows.length - 1, next))];
      if (row) moveCursor(id, row.frame.seq);
    },
    inspect: () => inspectFrame(id, cursorSeq),
  });

  const toggleType = (type: string) =>
    change({ types: filter.types.includes(type) ? filter.types.filter((t) => t !== type) : [...filter.types, type] });
  const problem = text.problem;
  return (
    <div className="panel frames-panel">
      <div className="panel-header stream-toolbar">
        <h2>Frames</h2>
        <select
          ref={typeSelect}
          aria-label="Filter by event type"
          value={filter.types.length > 0 ? CHOSEN : ''}
          onChange={(event) => {
            const value = event.target.value;
            if (value === '') change({ types: [] });
            else if (value !== CHOSEN) toggleType(value);
          }}
        >
          <option value="">All types</option>
          {filter.types.length > 0 && (
            <option value={CHOSEN} disabled>
              {filter.types.length === 1 ? '1 type' : `${filter.types.length} types`}
            </option>
          )}
          {[...new Set([...types, ...filter.types])].map((type) => (
            <option key={type} value={type}>
              {filter.types.includes(type) ? `✓ ${type}` : type}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by direction"
          value={filter.direction}
          onChange={(event) => change({ direction: event.target.value as FrameFilter['direction'] })}
        >
          <option value="both">↕ Both ways</option>
          <option value="in">↑ From client</option>
          <option value="out">↓ To client</option>
        </select>
        <span className="text-filter">
          <input
            ref={filterInput}
            type="search"
            // Short enough for the toolbar beside the inspector on a laptop; the `/` shortcut is in the tooltip.
            placeholder={filter.regex ? 'Regex' : 'Filter text'}
            title="Filter frames by text (/ in the frame list jumps here)"
            aria-label="Filter frames by text"
            aria-keyshortcuts="/"
            aria-invalid={problem !== null}
            aria-describedby={problem ? problemId : undefined}
            value={filter.text}
            onChange={(event) => change({ text: event.target.value })}
          />
          <button
            type="button"
            className="small"
            aria-pressed={filter.regex}
            aria-label="Regular expression"
            onClick={() => change({ regex: !filter.regex })}
            title="Match the text as a regular expression (JavaScript syntax, any case)"
          >
            .*
          </button>
        </span>
        {(built.ruleBreaks > 0 || filter.ruleBreaksOnly) && (
          <button
            type="button"
            className="small rule-breaks"
            aria-pressed={filter.ruleBreaksOnly}
            onClick={() => change({ ruleBreaksOnly: !filter.ruleBreaksOnly })}
            title="Show only the frames with a finding: an AG-UI sequence rule broken, or a raw socket's JSON read as text (J1)"
          >
            ⚠ {built.ruleBreaks}
            <span className="wide-only"> {built.ruleBreaks === 1 ? 'rule break' : 'rule breaks'}</span>
          </button>
        )}
        <span
          className="faint frame-count"
          data-testid="frame-count"
          title={
            filtering ? `${formatNumber(built.matched)} of ${formatNumber(frames.length)} frames shown` : undefined
          }
        >
          {filtering ? (
            <>
              {formatNumber(built.matched)} of {formatNumber(frames.length)}
              <span className="wide-only"> frames</span>
            </>
          ) : (
            formatCount(frames.length, 'frame')
          )}
          {text.searching && (
            <span className="searching">
              {' '}
              <span className="spinner" aria-hidden="true" />
              <span className="wide-only"> searching…</span>
            </span>
          )}
        </span>
        <button type="button" aria-pressed={follow} onClick={() => setFollow(id, !follow)}>
          {follow ? 'Pause' : 'Follow'}
        </button>
      </div>
      {/* The chosen types on a line of their own: however many, the toolbar above keeps to one line. */}
      {filter.types.length > 0 && (
        <fieldset className="type-chips" aria-label="Event types shown">
          <span className="faint">Only</span>
          {filter.types.map((type) => (
            <button
              key={type}
              type="button"
              className="small chip"
              onClick={(event) => {
                // The chip goes: the focus moves to the next one (else the one before, else the type filter).
                const chip = event.currentTarget;
                const next = chip.nextElementSibling ?? chip.previousElementSibling;
                (next instanceof HTMLButtonElement ? next : typeSelect.current)?.focus();
                toggleType(type);
              }}
              aria-label={`Stop filtering on ${type}`}
              title={`Stop filtering on ${type}`}
            >
              {type} ×
            </button>
          ))}
        </fieldset>
      )}
      {problem && (
        <div className="field-problem" id={problemId} role="status">
          {filter.regex ? 'Pattern not used: ' : ''}
          {problem}
        </div>
      )}
      <FrameStream
        rows={rows}
        cursorSeq={cursorSeq}
        inspectedSeq={inspectedSeq}
        follow={follow}
        onFollowChange={onFollowChange}
        onPick={onPick}
        filterKey={filter.text}
      />
    </div>
  );
}
