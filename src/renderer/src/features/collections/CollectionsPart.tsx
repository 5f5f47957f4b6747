import type { Collection } from '../../../../shared/mounts/collection';
import { showRequestsAnsweredBy } from '../../stores/console-sync';
import { NEW_ITEM, selectMount, startNewMount, useMountEditorStore } from '../../stores/mount-editor-store';
import { useMountsStore } from '../../stores/mounts-store';
import { useRequestsStore } from '../../stores/requests-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { focusFirstField } from '../../ui/focus-return';
import { formatNumber } from '../../ui/format';
import { ListHeader } from '../../ui/ListHeader';
import { MountEditor } from '../routes/MountEditor';
import { MOUNT_KINDS } from '../routes/mount-kinds';
import { useLiveRequestCounts } from '../routes/use-live-request-counts';
import { RecordEditor } from './RecordEditor';
import { RecordsTable } from './RecordsTable';

/**
 * The workspace's collections: pick one, see and edit its records (what its REST API serves, live), or its
 * definition (path, id field and type, schema) as JSON.
 */
export function CollectionsPart() {
  const collections = useMountsStore((state) => state.sections.collections);
  const loaded = useMountsStore((state) => state.loaded.collections);
  const loadError = useMountsStore((state) => state.loadErrors.collections ?? null);
  const selectedId = useMountEditorStore((state) => state.selected.collections);
  const tab = useMountEditorStore((state) => state.collectionTab);
  const creating = selectedId === NEW_ITEM;
  const collection = collections.find((item) => item.id === selectedId) ?? collections[0] ?? null;
  const recordId = useMountEditorStore((state) => (collection ? (state.selectedRecord[collection.id] ?? null) : null));
  useLiveRequestCounts();
  const served = useRequestsStore((state) => (collection ? (state.counts[`collection:${collection.id}`] ?? 0) : 0));
  return (
    <div className="split three collections-split">
      <div className="panel">
        <ListHeader
          title="Collections"
          count={collections.length}
          newLabel="+ New collection"
          onNew={() => {
            if (!creating) startNewMount('collections', MOUNT_KINDS.collections.newItem(collections));
          }}
          form={() => document.querySelector('.collections-split .mount-editor')}
        />
        <ErrorNotice error={loadError} />
        {!loaded ? (
          <div className="empty">
            <span className="spinner" /> Loading collections…
          </div>
        ) : collections.length === 0 ? (
          <div className="empty">
            No collections. A collection is a list of JSON records with a REST API of its own (list, get, create,
            replace, patch, delete) — add one, then its records.
          </div>
        ) : (
          <div className="table-scroll fill">
            <table className="grid" aria-label="Collections" data-list="collections">
              <thead>
                <tr>
                  <th>Path</th>
                  <th>Name</th>
                  <th>Records</th>
                </tr>
              </thead>
              <tbody>
                {collections.map((item) => (
                  <tr
                    key={item.id}
                    data-list-item={item.id}
                    aria-selected={!creating && item.id === collection?.id}
                    className={item.enabled ? undefined : 'disabled-mount'}
                    onClick={() => selectMount('collections', item.id)}
                  >
                    <td>
                      <button
                        type="button"
                        className="row-button mono"
                        aria-current={!creating && item.id === collection?.id}
                      >
                        {item.path}
                      </button>
                    </td>
                    <td>{item.name ?? <span className="faint">{item.id}</span>}</td>
                    <td className="number">{formatNumber(item.records.length)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {creating ? (
        <div className="collection-definition">
          <MountEditor key={NEW_ITEM} section="collections" item={null} />
        </div>
      ) : collection ? (
        <>
          <RecordsPanel collection={collection} selected={recordId} served={served} />
          {tab === 'definition' ? (
            <MountEditor key={collection.id} section="collections" item={collection} />
          ) : recordId !== null ? (
            <RecordEditor key={`${collection.id}:${recordId}`} collection={collection} recordId={recordId} />
          ) : (
            <div className="panel">
              <div className="empty">
                Pick a record to edit it as JSON, or add one. What you save is what <code>GET {collection.path}</code>{' '}
                answers at once.
              </div>
            </div>
          )}
        </>
      ) : (
        <div className="panel">
          <div className="empty">Add a collection to edit its records here.</div>
        </div>
      )}
    </div>
  );
}

function RecordsPanel({
  collection,
  selected,
  served,
}: {
  collection: Collection;
  selected: string | null;
  served: number;
}) {
  const tab = useMountEditorStore((state) => state.collectionTab);
  const open = (record: string | null, next: 'records' | 'definition' = 'records') =>
    useMountEditorStore.setState((state) => ({
      collectionTab: next,
      selectedRecord: { ...state.selectedRecord, [collection.id]: record },
    }));
  return (
    <div className="panel" data-testid="collection-records">
      <div className="panel-header">
        <h2 className="editor-title">{collection.name ?? collection.id}</h2>
        <span className="badge">{formatNumber(collection.records.length)}</span>
        <span className="spacer" />
        <button
          type="button"
          onClick={(event) => {
            open(NEW_ITEM);
            focusFirstField(event.currentTarget, () =>
              document.querySelector('[data-testid="record-editor"] .code-editor'),
            );
          }}
        >
          + New record
        </button>
      </div>
      <div className="row panel-toolbar">
        <button
          type="button"
          className="small"
          aria-pressed={tab === 'definition'}
          onClick={() => open(selected, tab === 'definition' ? 'records' : 'definition')}
        >
          Definition
        </button>
        <button
          type="button"
          className="small"
          title="The logged requests it answered, in Requests"
          onClick={() => void showRequestsAnsweredBy(`collection:${collection.id}`)}
        >
          Requests ({served})
        </button>
      </div>
      <RecordsTable collection={collection} selected={tab === 'records' ? selected : null} onOpen={open} />
    </div>
  );
}
