import { type KeyboardEvent, type ReactNode, useId, useMemo, useState } from 'react';
import type { Mount, MountSection } from '../../../../shared/mounts/mount-sections';
import { ApiError } from '../../api/api-error';
import { api } from '../../api/control-client';
import { reloadSection } from '../../stores/console-sync';
import { dropDraft, useDraft, useDraftsStore } from '../../stores/mount-drafts-store';
import { mountDraftKey, NEW_ITEM, selectMount } from '../../stores/mount-editor-store';
import { useMountsStore } from '../../stores/mounts-store';
import { BlockedReason } from '../../ui/BlockedReason';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { DiscardButton } from '../../ui/DiscardButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { refocusWhenLost } from '../../ui/focus-return';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { SchemaHelp } from '../../ui/SchemaHelp';
import { schemaIssues } from '../../ui/schema-issues';
import { panelId, TabList, tabId } from '../../ui/TabList';
import { jsonProblem, useUnparsedFields } from '../../ui/unparsed-fields';
import { firstError, useAction } from '../../ui/use-action';
import { useOpener } from '../../ui/use-opener';
import { useParsedJson } from '../../ui/use-parsed-json';
import { engineJsonIssues, type FieldProblems, fieldProblems } from './field-problems';
import { MOUNT_KINDS } from './mount-kinds';
import { isRecord, type JsonRecord } from './route-form-values';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** A form over the editor's JSON (the routes' common fields), kept in step with it. */
export interface MountFormProps {
  value: JsonRecord;
  onChange(value: JsonRecord): void;
  problems: FieldProblems;
}

interface MountEditorProps<S extends MountSection> {
  section: S;
  /** The stored mount, or null for a new one. */
  item: Mount<S> | null;
  /** With a form, the editor has two tabs over the same draft: the form and the JSON. */
  form?: (props: MountFormProps) => ReactNode;
  tab?: 'form' | 'json';
  onTab?(tab: 'form' | 'json'): void;
  /** Extra actions in the header (e.g. the requests a route served). */
  actions?: ReactNode;
}

/**
 * A mount as JSON — checked against its schema as you type, with the engine's schema as help — and, for routes, a
 * form over the same draft. The draft outlives the view; save shows what the engine refused at its places.
 */
export function MountEditor<S extends MountSection>({ section, item, form, tab, onTab, actions }: MountEditorProps<S>) {
  const kind = MOUNT_KINDS[section];
  const key = mountDraftKey(section, item?.id ?? NEW_ITEM);
  const newBase = useDraftsStore((state) => (item ? undefined : state.drafts[key]?.base));
  const items = useMountsStore((state) => state.sections[section]) as readonly Mount<S>[];
  const [fallback] = useState(() => pretty(kind.newItem(items)));
  const stored = item ? pretty(kind.toDraft ? kind.toDraft(item) : item) : (newBase ?? fallback);
  const draft = useDraft(key, stored, { keep: !item });
  const [saved, setSaved] = useState(false);
  const opener = useOpener();

  const parsed = useParsedJson(draft.text);
  const localIssues = useMemo(() => (parsed.ok ? schemaIssues(kind.schema, parsed.value) : []), [parsed, kind]);
  const engineIssues = useMemo(() => engineJsonIssues(draft.issues), [draft.issues]);
  const problems = useMemo(() => fieldProblems(localIssues, draft.issues), [localIssues, draft.issues]);
  const unparsed = useUnparsedFields();
  const valid = parsed.ok && localIssues.length === 0 && unparsed.problems.length === 0;
  const changed = !item || draft.dirty;
  // Why Save/Create is off, in words (the editor's gutter marks are not read by everyone).
  // A field typed but not parsed counts as a change even though the draft still holds what was there before.
  const blocked: readonly string[] =
    unparsed.problems.length > 0
      ? unparsed.problems
      : !changed
        ? []
        : parsed.ok
          ? localIssues.map((issue) => issue.message)
          : [jsonProblem(draft.text) ?? 'Not JSON'];
  const blockedId = useId();

  const save = useAction(
    async () => {
      if (!parsed.ok) return;
      const body = kind.fromDraft ? kind.fromDraft(parsed.value, item) : parsed.value;
      try {
        const stored = item ? await api.replaceMount(section, item.id, body) : await api.createMount(section, body);
        await reloadSection(section);
        dropDraft(key);
        selectMount(section, stored.id);
        setSaved(true);
      } catch (error) {
        if (error instanceof ApiError) draft.setIssues(error.issues);
        throw error;
      }
      // An edit answers the last refusal: its banner would otherwise describe text that is gone.
    },
    { about: draft.text },
  );
  const setText = draft.setText;
  const duplicate = useAction(async () => {
    if (!item) return;
    const copy = await api.duplicateMount(section, item.id);
    await reloadSection(section);
    selectMount(section, copy.id);
  });
  const remove = useAction(async () => {
    if (!item) return;
    await api.deleteMount(section, item.id);
    await reloadSection(section);
    dropDraft(key);
    selectMount(section, null);
  });
  const discard = () => {
    draft.discard();
    save.clearError();
    if (!item) {
      selectMount(section, null);
      // A new one cancelled: the editor goes, the focus back to its "+ New …".
      refocusWhenLost(opener);
    }
  };

  // The send key saves from any field of the form, as it does from the JSON (the form's own JSON editors, a
  // response's body, mark it handled and leave the saving to this).
  const saveOnSendKey = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    if (valid && changed && !save.busy) void save.run();
  };

  const title = item ? (item.name ?? item.id) : `New ${kind.noun}`;
  const shown = form ? (tab ?? 'form') : 'json';
  const editor = (
    <>
      <SchemaHelp load={() => api.mountSchema(section)}>
        Schema help: every field of {kind.article} {kind.noun}, with what it does
      </SchemaHelp>
      <LazyJsonEditor
        value={draft.text}
        onChange={setText}
        validate={(value) => schemaIssues(kind.schema, value)}
        issues={engineIssues}
        onSubmit={() => valid && changed && void save.run()}
        label={`${kind.singular} JSON`}
        tall
      />
    </>
  );
  return (
    <div className="panel mount-editor" data-testid="mount-editor">
      <div className="panel-header">
        <h2 className="editor-title" title={title}>
          {title}
        </h2>
        {item && <code className="faint">{item.id}</code>}
        <span className="spacer" />
        {saved && !draft.dirty && <span className="badge ok">Saved</span>}
        {actions}
        {draft.dirty && item && <DiscardButton disabled={save.busy} onDiscard={() => discard()} />}
        <button
          type="button"
          className="primary"
          disabled={!valid || !changed || save.busy}
          aria-describedby={blocked.length > 0 ? blockedId : undefined}
          onClick={() => save.run()}
        >
          {save.busy ? 'Saving…' : item ? 'Save' : 'Create'}
        </button>
        {item ? (
          <>
            <button type="button" disabled={duplicate.busy} onClick={() => duplicate.run()}>
              Duplicate
            </button>
            <ConfirmDeleteButton
              busy={remove.busy}
              onConfirm={() => remove.run()}
              item={{ list: section, id: item.id }}
            />
          </>
        ) : (
          <button type="button" className="ghost" onClick={discard}>
            Cancel
          </button>
        )}
        {/* In the header, so that it stays by the button however far the form is scrolled. */}
        <BlockedReason id={blockedId} lead={`Cannot ${item ? 'save' : 'create'} yet`} problems={blocked} />
      </div>
      <div className="panel-body stack">
        {draft.changedOutside && <ChangedOutsideNotice what={kind.noun} onReload={discard} />}
        <ErrorNotice {...firstError(save, duplicate, remove)} />
        {form ? (
          <>
            <TabList
              group={`${section}-editor`}
              label={`Edit the ${kind.noun} as`}
              className="tabs"
              tabs={[
                { name: 'form', title: 'Form' },
                { name: 'json', title: 'JSON' },
              ]}
              selected={shown}
              onSelect={(next) => onTab?.(next)}
            />
            <div
              className="stack editor-tab"
              role="tabpanel"
              id={panelId(`${section}-editor`, shown)}
              aria-labelledby={tabId(`${section}-editor`, shown)}
              onKeyDown={shown === 'form' ? saveOnSendKey : undefined}
            >
              {shown === 'json' ? (
                editor
              ) : parsed.ok && isRecord(parsed.value) ? (
                <unparsed.Provider>
                  {form({
                    value: parsed.value,
                    onChange: (next) => setText(pretty(next)),
                    problems,
                  })}
                </unparsed.Provider>
              ) : (
                <div className="notice warning">
                  The JSON is not {kind.article} {kind.noun} object yet (
                  {parsed.ok ? 'not an object' : 'a syntax error'}
                  ): fix it in the JSON tab, or Discard.
                </div>
              )}
            </div>
          </>
        ) : (
          editor
        )}
      </div>
    </div>
  );
}
