import type { Collection } from '../../../../shared/mounts/collection';
import { recordKey } from '../../stores/mounts-store';

/** A record in one line: its fields but the id, as JSON, cut to what fits. */
function preview(record: Record<string, unknown>, idField: string): string {
  const { [idField]: _id, ...rest } = record;
  const text = JSON.stringify(rest);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** A collection's records in their order, by id; Enter or a click opens one. */
export function RecordsTable({
  collection,
  selected,
  onOpen,
}: {
  collection: Collection;
  selected: string | null;
  onOpen(recordId: string): void;
}) {
  if (collection.records.length === 0)
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
          {collection.records.map((record) => {
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
    </div>
  );
}
