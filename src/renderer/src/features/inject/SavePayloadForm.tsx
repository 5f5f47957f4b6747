import { useState } from 'react';
import type { SavedPayload } from '../../../../shared/saved-payload';
import { ApiError, errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { usePayloadsStore } from '../../stores/payloads-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { type PayloadContent, payloadIdFor } from './payload-bodies';

/** Puts a payload the engine saved into the list at once (the feed confirms it a moment later). */
export function showSavedPayload(payload: SavedPayload): void {
  usePayloadsStore.setState((state) => {
    const at = state.saved.findIndex((item) => item.id === payload.id);
    const saved = [...state.saved];
    if (at === -1) saved.push(payload);
    else saved[at] = payload;
    return { saved };
  });
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Names what the editor holds and saves it in the workspace; a taken name can be replaced on purpose. */
export function SavePayloadForm({
  current,
  suggestedName,
  onDone,
}: {
  current(): PayloadContent | { problem: string };
  suggestedName: string;
  onDone(): void;
}) {
  const saved = usePayloadsStore((state) => state.saved);
  const [name, setName] = useState(suggestedName);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const taken = saved.find((payload) => sameName(payload.name, name));

  const save = async (replacing: SavedPayload | undefined) => {
    const content = current();
    if ('problem' in content) {
      setError(content.problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const id = replacing?.id ?? payloadIdFor(name, (candidate) => saved.some((payload) => payload.id === candidate));
      const payload = { id, name: name.trim(), ...(description.trim() && { description }), ...content } as SavedPayload;
      showSavedPayload(await api.savePayload(payload));
      onDone();
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 409 && !replacing
          ? `${caught.message} — choose another name, or replace it below.`
          : errorMessage(caught),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stack payload-form"
      aria-label="Save payload"
      onSubmit={(event) => {
        event.preventDefault();
        event.stopPropagation();
        if (!taken) void save(undefined);
      }}
      onKeyDown={(event) => {
        // Esc leaves this small form, not the drawer around it.
        if (event.key === 'Escape') {
          event.stopPropagation();
          onDone();
        }
      }}
    >
      <label className="field">
        Name
        <input value={name} maxLength={200} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label className="field">
        Description (optional)
        <input value={description} maxLength={2000} onChange={(event) => setDescription(event.target.value)} />
      </label>
      <div className="field-hint">Saved in the workspace: everyone who opens it gets it.</div>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      <div className="row">
        {taken ? (
          <button type="button" className="danger" disabled={busy} onClick={() => save(taken)}>
            Replace “{taken.name}”
          </button>
        ) : (
          <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
            {busy ? 'Saving…' : 'Save payload'}
          </button>
        )}
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
        {taken && <span className="muted">A saved payload has this name.</span>}
      </div>
    </form>
  );
}
