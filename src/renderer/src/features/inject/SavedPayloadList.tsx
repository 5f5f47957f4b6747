import { useState } from 'react';
import type { SavedPayload } from '../../../../shared/saved-payload';
import { api } from '../../api/control-client';
import { usePayloadsStore } from '../../stores/payloads-store';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { firstError, useAction } from '../../ui/use-action';
import { describeContent } from './payload-bodies';
import { showSavedPayload } from './SavePayloadForm';

/** The workspace's saved payloads, each to rename or delete. */
export function SavedPayloadList({ onClose }: { onClose(): void }) {
  const saved = usePayloadsStore((state) => state.saved);
  return (
    <section
      className="payload-list"
      aria-label="Saved payloads"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      {saved.length === 0 ? (
        <div className="muted">Nothing saved in this workspace yet: “Save as…” keeps what the editor holds.</div>
      ) : (
        <ul data-list="saved-payloads">
          {saved.map((payload) => (
            <SavedPayloadItem key={payload.id} payload={payload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SavedPayloadItem({ payload }: { payload: SavedPayload }) {
  const [name, setName] = useState<string | null>(null);
  const rename = useAction(async (next: string) => {
    showSavedPayload(await api.savePayload({ ...payload, name: next.trim() }));
    setName(null);
  });
  const remove = useAction(async () => {
    await api.deletePayload(payload.id);
    usePayloadsStore.setState((state) => ({ saved: state.saved.filter((item) => item.id !== payload.id) }));
  });
  return (
    <li data-testid={`saved-payload-${payload.id}`} data-list-item={payload.id}>
      {name === null ? (
        <div className="row">
          <span className="spacer">
            <strong>{payload.name}</strong> <span className="badge">{payload.kind}</span>
            <span className="muted"> {payload.description ?? describeContent(payload)}</span>
          </span>
          <button type="button" className="small" onClick={() => setName(payload.name)}>
            Rename
          </button>
          <ConfirmDeleteButton small busy={remove.busy} onConfirm={() => remove.run()} />
        </div>
      ) : (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim()) void rename.run(name);
          }}
        >
          <input
            className="spacer"
            aria-label={`New name for ${payload.name}`}
            value={name}
            maxLength={200}
            onChange={(event) => setName(event.target.value)}
          />
          <button type="submit" className="small primary" disabled={rename.busy || name.trim() === ''}>
            Save name
          </button>
          <button type="button" className="small ghost" onClick={() => setName(null)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorNotice {...firstError(rename, remove)} />
    </li>
  );
}
