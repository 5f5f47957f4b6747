import type { Collection } from '../../../../shared/mounts/collection';
import { shortenText } from '../../../../shared/shorten-text';
import { recordKey } from '../../stores/mounts-store';
import { ShowMoreButton } from '../../ui/ShowMoreButton';
import { usePages } from '../../ui/use-pages';

/** Records drawn at a time: a collection may hold 50,000, and drawing them all froze the page for 4.5 s. */
const RECORDS_PAGE = 100;

/** A record in one line: its fields but the id, as JSON, cut to what fits. */
function preview(record: Record<string, unknown>, idField: string): string {
  const { [idField]: _id, ...rest } = record;
  return shortenText(JSON.stringify(rest), 120);
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
  const { records } = collection;
  const pages = usePages(
    records,
    RECORDS_PAGE,
    selected === null ? -1 : records.findIndex((record) => recordKey(collection, record) === selected),
  );
  if (records.length === 0)
    return <div className="empty">No records yet: its REST API lists none. Add one with “+ New record”.</div>;
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
          {pages.rows.map((record) => {
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
      {pages.notShown > 0 && <ShowMoreButton count={pages.next} notShown={pages.notShown} onShow={pages.showMore} />}
    </div>
  );
}
