import type { ConnectionSummary } from '../../../../shared/connections';
import { groupByThread } from './connection-search';

/**
 * Every row of the connection list has a set height (styles.css gives the same): a row's place is the sum of the
 * heights above it, known without measuring, so the list renders only the rows in view.
 */
export const CONNECTION_ROW_HEIGHT = 74;
/** A thread group's header, when grouping by thread. */
export const THREAD_HEADER_HEIGHT = 26;

/** A connection in the order shown, with the thread group it is shown in (when grouping). */
export interface Entry {
  id: string;
  /** The thread id ('' for none yet), or null when not grouping. */
  group: string | null;
}

/** A row of the (virtual) connection list: a thread group's header, or a connection. */
export type ListRow =
  | { kind: 'thread'; key: string; group: string; label: string; count: number }
  | {
      kind: 'connection';
      key: string;
      id: string;
      group: string | null;
      /** Its place (from 1) in its thread group, or in the whole list, and that set's size: for assistive tech. */
      position: number;
      setSize: number;
    };

export interface ConnectionRows {
  /** The connections in the order shown (what the list anchors on and the keyboard moves through). */
  entries: Entry[];
  /** The list's rows: grouped, each thread's header comes before its connections. */
  rows: ListRow[];
  /** Where each connection is in `rows`. */
  rowIndex: ReadonlyMap<string, number>;
  /** Where each connection is in `entries`. */
  entryIndex: ReadonlyMap<string, number>;
}

/** What a thread group is called on screen. */
export const threadLabel = (group: string) => (group === '' ? 'No thread yet' : group);

/** The rows for the connections found (in their order), grouped by thread or not. */
export function connectionRows(found: readonly ConnectionSummary[], byThread: boolean): ConnectionRows {
  const entries: Entry[] = [];
  const rows: ListRow[] = [];
  const rowIndex = new Map<string, number>();
  const entryIndex = new Map<string, number>();
  const add = (connection: ConnectionSummary, group: string | null, position: number, setSize: number) => {
    rowIndex.set(connection.id, rows.length);
    entryIndex.set(connection.id, entries.length);
    entries.push({ id: connection.id, group });
    rows.push({ kind: 'connection', key: connection.id, id: connection.id, group, position, setSize });
  };
  if (byThread)
    for (const { threadId, connections } of groupByThread(found)) {
      const group = threadId ?? '';
      rows.push({
        kind: 'thread',
        key: `thread:${group}`,
        group,
        label: threadLabel(group),
        count: connections.length,
      });
      for (const [at, connection] of connections.entries()) add(connection, group, at + 1, connections.length);
    }
  else for (const [at, connection] of found.entries()) add(connection, null, at + 1, found.length);
  return { entries, rows, rowIndex, entryIndex };
}

/** The height of a row. */
export const rowHeight = (row: ListRow | undefined) =>
  row?.kind === 'thread' ? THREAD_HEADER_HEIGHT : CONNECTION_ROW_HEIGHT;

/** Consecutive items of the same group, in order (without grouping: one run of everything). */
export function groupRuns<T>(
  items: readonly T[],
  groupOf: (item: T) => string | null,
): { group: string | null; items: T[] }[] {
  const runs: { group: string | null; items: T[] }[] = [];
  for (const item of items) {
    const group = groupOf(item);
    const last = runs.at(-1);
    if (last && last.group === group) last.items.push(item);
    else runs.push({ group, items: [item] });
  }
  return runs;
}
