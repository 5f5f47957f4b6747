import type { Collection } from '../../../../shared/mounts/collection';
import { ApiError } from '../../api/api-error';
import { api } from '../../api/control-client';
import { dropDraft, useDraft } from '../../stores/mount-drafts-store';
import { NEW_ITEM, useMountEditorStore } from '../../stores/mount-editor-store';
import { recordKey } from '../../stores/mounts-store';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { DiscardButton } from '../../ui/DiscardButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { refocusWhenLost } from '../../ui/focus-return';
import type { JsonIssue } from '../../ui/JsonEditor';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { firstError, useAction } from '../../ui/use-action';
import { useOpener } from '../../ui/use-opener';
import { useParsedJson } from '../../ui/use-parsed-json';
import { engineJsonIssues } from '../routes/field-problems';
import { isRecord } from '../routes/route-form-values';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Records are JSON objects: anything else is refused before it is sent. */
function recordIssues(value: unknown): JsonIssue[] {
  return isRecord(value) ? [] : [{ path: [], message: 'A record is a JSON object: {"name": "…"}' }];
}

/**
 * One record of a collection as JSON, saved through the collection's record API (checked against its schema there,
 * problems shown at their place); a new one gets its id from the collection when it has none.
 */
export function RecordEditor({ collection, recordId }: { collection: Collection; recordId: string }) {
  const creating = recordId === NEW_ITEM;
  const record = creating ? null : collection.records.find((item) => recordKey(collection, item) === recordId);
  const key = `record:${collection.id}:${recordId}`;
  const stored = record ? pretty(record) : '{}';
  const draft = useDraft(key, stored, { keep: creating });
  const parsed = useParsedJson(draft.text);
  const valid = parsed.ok && recordIssues(parsed.value).length === 0;
  const open = (next: string | null) =>
    useMountEditorStore.setState((state) => ({ selectedRecord: { ...state.selectedRecord, [collection.id]: next } }));

  const save = useAction(
    async () => {
      if (!parsed.ok) return;
      try {
        const saved = creating
          ? await api.createRecord(collection.id, parsed.value)
          : await api.replaceRecord(collection.id, recordId, parsed.value);
        dropDraft(key);
        open(recordKey(collection, saved));
      } catch (error) {
        if (error instanceof ApiError) draft.setIssues(error.issues);
        throw error;
      }
      // Its refusal is about the text saved: an edit answers it.
    },
    { about: draft.text },
  );
  // A new record's Cancel gives the focus back to its "+ New record".
  const opener = useOpener();
  const remove = useAction(async () => {
    await api.deleteRecord(collection.id, recordId);
    dropDraft(key);
    open(null);
  });

  if (!creating && !record)
    return (
      <div className="panel">
        <div className="empty">
          Record <code>{recordId}</code> is not in {collection.id} (any more).
        </div>
      </div>
    );
  const title = creating ? 'New record' : `Record ${recordId}`;
  return (
    <div className="panel" data-testid="record-editor">
      <div className="panel-header">
        <h2 className="editor-title">{title}</h2>
        <span className="spacer" />
        {draft.dirty && !creating && <DiscardButton disabled={save.busy} onDiscard={() => draft.discard()} />}
        <button
          type="button"
          className="primary"
          disabled={!valid || !(creating || draft.dirty) || save.busy}
          onClick={() => save.run()}
        >
          {save.busy ? 'Saving…' : creating ? 'Create record' : 'Save record'}
        </button>
        {creating ? (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              dropDraft(key);
              open(null);
              refocusWhenLost(opener);
            }}
          >
            Cancel
          </button>
        ) : (
          <ConfirmDeleteButton
            busy={remove.busy}
            onConfirm={() => remove.run()}
            item={{ list: `records:${collection.id}`, id: recordId }}
          />
        )}
      </div>
      <div className="panel-body stack">
        {draft.changedOutside && <ChangedOutsideNotice what="record" onReload={() => draft.discard()} />}
        <ErrorNotice {...firstError(save, remove)} />
        {creating && (
          <span className="field-hint">
            Leave out <code>{collection.idField}</code> and the collection gives the next {collection.idType} id.
          </span>
        )}
        <LazyJsonEditor
          value={draft.text}
          onChange={draft.setText}
          validate={recordIssues}
          issues={engineJsonIssues(draft.issues)}
          onSubmit={() => valid && void save.run()}
          label={`${title} JSON`}
          tall
        />
      </div>
    </div>
  );
}
