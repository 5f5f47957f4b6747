import { useState } from 'react';
import type { Collection } from '../../../../shared/mounts/collection';
import { recordKey } from '../../stores/mounts-store';
import { formatNumber } from '../../ui/format';

/** Records drawn at a time: a collection may hold 50,000, and drawing them all froze the page for 4.5 s. */
const RECORDS_PAGE = 100;

/** A record in one line: its fields but the id, as JSON, cut to what fits. */
function preview(record: Record<string, unknown>, idField: string): string {
  const { [idField]: _id, ...rest } = record;
  const text = JSON.stringify(rest);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/**
 * A collection's records in their order, by id, a page at a time; Enter or a click opens one. The open record is drawn
 * even past the pages shown (one just created goes at the end), after them.
 */
export function RecordsTable({
  collection,
  selected,
  onOpen,
}: {
  collection: Collection;
  selected: string | null;
  onOpen(recordId: string): void;
}) {
  const [shown, setShown] = useState(RECORDS_PAGE);
  const { records } = collection;
  if (records.length === 0)
    return <div className="empty">No records yet: its REST API lists none. Add one with “+ New record”.</div>;
  const page = records.slice(0, shown);
  const selectedRecord =
    selected === null ? undefined : records.find((record) => recordKey(collection, record) === selected);
  const rows = selectedRecord && !page.includes(selectedRecord) ? [...page, selectedRecord] : page;
  const notShown = records.length - rows.length;
  return (
    <div className="table-scroll fill">
      <table className="grid" aria-label={`Records of ${collection.id}`} data-list={`records:${collection.id}`}>
        <thead>
          <tr>
            <th>{collection.idField}</th>
            <th>Fields</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((record) => {
            const key = recordKey(collection, record);
            return (
              <tr key={key} data-list-item={key} aria-selected={key === selected} onClick={() => onOpen(key)}>
                <td>
                  <button type="button" className="row-button mono" aria-current={key === selected}>
                    {key}
                  </button>
                </td>
                <td className="mono faint">{preview(record, collection.idField)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notShown > 0 && (
        <button type="button" className="ghost small" onClick={() => setShown(shown + RECORDS_PAGE)}>
          Show {formatNumber(Math.min(RECORDS_PAGE, notShown))} more ({formatNumber(notShown)} not shown)
        </button>
      )}
    </div>
  );
}
