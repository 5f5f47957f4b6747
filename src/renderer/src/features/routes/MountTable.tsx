import { memo, type ReactNode, useCallback, useRef } from 'react';
import type { Mount, MountSection } from '../../../../shared/mounts/mount-sections';
import { api } from '../../api/control-client';
import { reloadSection, showRequestsAnsweredBy } from '../../stores/console-sync';
import { selectMount } from '../../stores/mount-editor-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { focusMoveButton } from '../../ui/focus-return';
import { ShowMoreButton } from '../../ui/ShowMoreButton';
import { useAction } from '../../ui/use-action';
import { usePages } from '../../ui/use-pages';
import { MOUNT_KINDS } from './mount-kinds';
import { useThrottledCounts } from './use-throttled-counts';

/** Mounts drawn at a time: a workspace may hold 10,000 routes, and drawing them all froze the page for 3.9 s. */
const MOUNTS_PAGE = 500;

/** How often the table's counts of served requests are brought up to date while requests come in. */
const COUNTS_REFRESH_MS = 1_000;

export interface MountColumn<S extends MountSection> {
  header: string;
  cell(item: Mount<S>): ReactNode;
  /** The column whose cell is the keyboard's way to the row (Tab to it, Enter opens the mount). */
  primary?: boolean;
  /** A line under the cell (the mount's name under its path). */
  note?(item: Mount<S>): ReactNode;
  className?: string;
}

interface MountTableProps<S extends MountSection> {
  section: S;
  items: readonly Mount<S>[];
  selectedId: string | null;
  columns: readonly MountColumn<S>[];
}

/**
 * A section's mounts in the order they match: open one, switch it on or off, move it up or down (buttons, so the
 * keyboard can reorder too), and for what answers HTTP, how many logged requests it served (opens them).
 */
export function MountTable<S extends MountSection>({ section, items, selectedId, columns }: MountTableProps<S>) {
  const kind = MOUNT_KINDS[section];
  // Once a second at most: each change of a count lays the whole table out again.
  const counts = useThrottledCounts(COUNTS_REFRESH_MS);
  const table = useRef<HTMLTableElement>(null);
  const toggle = useAction(async (item: Mount<S>) => {
    await api.replaceMount(section, item.id, { ...item, enabled: !item.enabled });
    await reloadSection(section);
  });
  // The selected mount is drawn even past the pages shown (one just added goes at the end), after them.
  const selectedIndex = items.findIndex((item) => item.id === selectedId);
  const pages = usePages(items, MOUNTS_PAGE, selectedIndex);
  const move = useAction(async (index: number, delta: -1 | 1) => {
    const next = [...items];
    const [moved] = next.splice(index, 1);
    if (!moved) return;
    next.splice(index + delta, 0, moved);
    await api.replaceSection(section, next);
    // The last row drawn, moved down past the pages: drawn one further (from the same render that moves it), so it
    // stays in sight with the focus.
    if (index < pages.shown && index + delta >= pages.shown) pages.showFirst(index + delta + 1);
    await reloadSection(section);
    // The row moved under the focus: once it is drawn, the focus follows it.
    requestAnimationFrame(() => focusMoveButton(table.current, moved.id, delta < 0 ? 'up' : 'down'));
  });
  // The rows are memoised (a flood of requests changes a few rows' counts, not 1,000 rows): their handlers stay the
  // same, calling the latest actions.
  const actions = useRef({ toggle, move });
  actions.current = { toggle, move };
  const onToggle = useCallback((item: Mount<S>) => void actions.current.toggle.run(item), []);
  const onMove = useCallback((index: number, delta: -1 | 1) => {
    if (!actions.current.move.busy) void actions.current.move.run(index, delta);
  }, []);
  const what = kind.plural;
  return (
    <>
      <ErrorNotice error={toggle.error ?? move.error} onDismiss={toggle.error ? toggle.clearError : move.clearError} />
      <div className="table-scroll fill">
        <table
          className="grid mount-table"
          aria-label={what.charAt(0).toUpperCase() + what.slice(1)}
          ref={table}
          data-list={section}
        >
          <thead>
            <tr>
              <th className="order-cell">#</th>
              {columns.map((column) => (
                <th key={column.header}>{column.header}</th>
              ))}
              <th>On</th>
              {kind.logKind && <th title="Logged requests it answered">Served</th>}
              <th>
                <span className="visually-hidden">Order</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pages.rows.map((item, row) => {
              // Its place in the whole list (the selected mount drawn after the pages has its own).
              const index = row < pages.shown ? row : selectedIndex;
              return (
                <MountRow
                  key={item.id}
                  section={section}
                  item={item}
                  index={index}
                  last={index === items.length - 1}
                  selected={item.id === selectedId}
                  served={kind.logKind ? (counts[`${kind.logKind}:${item.id}`] ?? 0) : null}
                  columns={columns}
                  toggleBusy={toggle.busy}
                  onToggle={onToggle}
                  onMove={onMove}
                />
              );
            })}
          </tbody>
        </table>
        {pages.notShown > 0 && <ShowMoreButton count={pages.next} notShown={pages.notShown} onShow={pages.showMore} />}
      </div>
    </>
  );
}

interface MountRowProps<S extends MountSection> {
  section: S;
  item: Mount<S>;
  index: number;
  last: boolean;
  selected: boolean;
  /** How many logged requests it answered; null for what does not answer HTTP. */
  served: number | null;
  columns: readonly MountColumn<S>[];
  toggleBusy: boolean;
  onToggle(item: Mount<S>): void;
  onMove(index: number, delta: -1 | 1): void;
}

/** One mount; it renders again only when it, its place, its selection or its count changes. */
const MountRow = memo(function MountRow<S extends MountSection>({
  section,
  item,
  index,
  last,
  selected,
  served,
  columns,
  toggleBusy,
  onToggle,
  onMove,
}: MountRowProps<S>) {
  const { logKind } = MOUNT_KINDS[section];
  return (
    <tr
      data-list-item={item.id}
      aria-selected={selected}
      className={item.enabled ? undefined : 'disabled-mount'}
      onClick={() => selectMount(section, item.id)}
      title={item.description}
    >
      <td className="order-cell faint">{index + 1}</td>
      {columns.map((column) => (
        <td key={column.header} className={column.className}>
          {column.primary ? (
            <button type="button" className="row-button" aria-current={selected}>
              {column.cell(item)}
            </button>
          ) : (
            column.cell(item)
          )}
          {column.note?.(item)}
        </td>
      ))}
      {/* Controls in a row act on their own: a click on them does not open the mount. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops the click reaching the row */}
      <td onClick={(event) => event.stopPropagation()}>
        <input
          type="checkbox"
          aria-label={`Enabled: ${item.id}`}
          checked={item.enabled}
          disabled={toggleBusy}
          onChange={() => onToggle(item)}
        />
      </td>
      {logKind && (
        // biome-ignore lint/a11y/useKeyWithClickEvents: only stops the click reaching the row
        <td onClick={(event) => event.stopPropagation()}>
          <button
            type="button"
            className="ghost small served"
            aria-label={`Requests ${item.id} served: ${served}`}
            title="Show the logged requests it answered"
            onClick={() => void showRequestsAnsweredBy(`${logKind}:${item.id}`)}
          >
            {served}
          </button>
        </td>
      )}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops the click reaching the row */}
      <td className="order-buttons" onClick={(event) => event.stopPropagation()}>
        <button
          type="button"
          className="ghost small icon"
          aria-label={`Move ${item.id} up`}
          data-move-id={item.id}
          data-move="up"
          disabled={index === 0}
          onClick={() => onMove(index, -1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="ghost small icon"
          aria-label={`Move ${item.id} down`}
          data-move-id={item.id}
          data-move="down"
          disabled={last}
          onClick={() => onMove(index, 1)}
        >
          ↓
        </button>
      </td>
    </tr>
  );
}) as <S extends MountSection>(props: MountRowProps<S>) => ReactNode;
