import { type ReactNode, useRef } from 'react';
import type { Mount, MountSection } from '../../../../shared/mounts/mount-sections';
import { api } from '../../api/control-client';
import { reloadSection, showRequestsAnsweredBy } from '../../stores/console-sync';
import { selectMount } from '../../stores/mount-editor-store';
import { useRequestsStore } from '../../stores/requests-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';
import { MOUNT_KINDS } from './mount-kinds';

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
  const counts = useRequestsStore((state) => state.counts);
  const table = useRef<HTMLTableElement>(null);
  const toggle = useAction(async (item: Mount<S>) => {
    await api.replaceMount(section, item.id, { ...item, enabled: !item.enabled });
    await reloadSection(section);
  });
  const move = useAction(async (index: number, delta: -1 | 1) => {
    const next = [...items];
    const [moved] = next.splice(index, 1);
    if (!moved) return;
    next.splice(index + delta, 0, moved);
    await api.replaceSection(section, next);
    await reloadSection(section);
    // The row moved under the focus: once it is drawn, keep the focus on its button that still moves it that way.
    requestAnimationFrame(() => {
      const direction = delta < 0 ? 'up' : 'down';
      const buttons = [
        ...(table.current?.querySelectorAll<HTMLButtonElement>(`[data-move-id="${CSS.escape(moved.id)}"]`) ?? []),
      ];
      const same = buttons.find((button) => button.dataset.move === direction && !button.disabled);
      (same ?? buttons.find((button) => !button.disabled))?.focus();
    });
  });
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
            {items.map((item, index) => {
              const served = kind.logKind ? (counts[`${kind.logKind}:${item.id}`] ?? 0) : 0;
              return (
                <tr
                  key={item.id}
                  data-list-item={item.id}
                  aria-selected={item.id === selectedId}
                  className={item.enabled ? undefined : 'disabled-mount'}
                  onClick={() => selectMount(section, item.id)}
                  title={item.description}
                >
                  <td className="order-cell faint">{index + 1}</td>
                  {columns.map((column) => (
                    <td key={column.header} className={column.className}>
                      {column.primary ? (
                        <button type="button" className="row-button" aria-current={item.id === selectedId}>
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
                      disabled={toggle.busy}
                      onChange={() => toggle.run(item)}
                    />
                  </td>
                  {kind.logKind && (
                    // biome-ignore lint/a11y/useKeyWithClickEvents: only stops the click reaching the row
                    <td onClick={(event) => event.stopPropagation()}>
                      <button
                        type="button"
                        className="ghost small served"
                        aria-label={`Requests ${item.id} served: ${served}`}
                        title="Show the logged requests it answered"
                        onClick={() => void showRequestsAnsweredBy(`${kind.logKind}:${item.id}`)}
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
                      onClick={() => !move.busy && move.run(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="ghost small icon"
                      aria-label={`Move ${item.id} down`}
                      data-move-id={item.id}
                      data-move="down"
                      disabled={index === items.length - 1}
                      onClick={() => !move.busy && move.run(index, 1)}
                    >
                      ↓
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
