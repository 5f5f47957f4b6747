import { useEffect, useState } from 'react';
import { SPOKEN_TEXT_TYPES, THEMES } from '../../../../shared/agora-model';
import type { ConsoleUser } from '../../../../shared/control-api';
import { api } from '../../api/control-client';
import { useDraft } from '../../stores/mount-drafts-store';
import { putUser, useStateStore } from '../../stores/state-store';
import { ChangedOutsideNotice } from '../../ui/ChangedOutsideNotice';
import { ConfirmDeleteButton } from '../../ui/ConfirmDeleteButton';
import { DiscardButton } from '../../ui/DiscardButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { refocusWhenLost } from '../../ui/focus-return';
import { useAction } from '../../ui/use-action';
import { useOpener } from '../../ui/use-opener';
import { checkDraft, type UserDraft, userChanges, userDraftText } from './user-draft';

/** The key a new user's draft is kept under, until it is created or cancelled. */
export const NEW_USER_DRAFT = 'new-user';

/**
 * Edit a user (or create one when `user` is null): name, email, preferences, and whether it is "me".
 * Keyed by user id by its parent, so the draft starts over only when another user is picked.
 */
export function UserForm({
  user,
  onCreated,
  onCancel,
}: {
  user: ConsoleUser | null;
  onCreated?(): void;
  /** A new user's form was left without creating it. */
  onCancel?(): void;
}) {
  // What is typed into a user, or a new one, and not saved yet outlives a look at another view; untouched, the form
  // shows the user as the engine has it now.
  const stored = userDraftText(user);
  const kept = useDraft(user ? `user:${user.id}` : NEW_USER_DRAFT, stored);
  const draft: UserDraft = JSON.parse(kept.text);
  const setDraft = (next: UserDraft) => kept.setText(JSON.stringify(next));
  const [saved, setSaved] = useState(false);
  const opener = useOpener();
  /**
   * The fields a person typed in or left, so a new user's empty form does not start out with errors; those a kept
   * draft brings back filled were typed in.
   */
  const [visited, setVisited] = useState<ReadonlySet<string>>(
    () => new Set((['name', 'email'] as const).filter((field) => draft[field] !== '')),
  );
  const visit = (field: string) => !visited.has(field) && setVisited(new Set([...visited, field]));
  const { edit, ok, problems } = checkDraft(user, draft, visited);

  const save = useAction(
    async () => {
      if (user) {
        if (!edit) return;
        putUser(await api.updateUser(user.id, edit));
        kept.discard();
        setSaved(true);
      } else {
        const created = await api.createUser({ ...draft, name: draft.name.trim() });
        putUser(created);
        kept.discard();
        useStateStore.setState({ selectedUserId: created.id });
        onCreated?.();
      }
      // A refusal is about the values saved: it goes once they change (Discard included).
    },
    { about: kept.text },
  );
  const remove = useAction(async () => {
    if (!user) return;
    await api.deleteUser(user.id);
    useStateStore.setState({ selectedUserId: null, selectedSessionId: null });
  });
  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(false), 2000);
    return () => clearTimeout(timer);
  }, [saved]);

  const discard = () => {
    kept.discard();
    // The failed save was about the values just discarded.
    save.clearError();
  };

  const setPreference = <K extends keyof UserDraft['preferences']>(key: K, value: UserDraft['preferences'][K]) =>
    setDraft({ ...draft, preferences: { ...draft.preferences, [key]: value } });

  return (
    <form
      className="stack"
      aria-label={user ? `Edit ${user.name}` : 'New user'}
      onSubmit={(event) => {
        event.preventDefault();
        if (ok) void save.run();
      }}
    >
      <div className="form-grid">
        <label className="field">
          Name
          <input
            value={draft.name}
            aria-invalid={problems.has('name')}
            onBlur={() => visit('name')}
            onChange={(e) => {
              visit('name');
              setDraft({ ...draft, name: e.target.value });
            }}
          />
          {problems.has('name') && <span className="field-error">{problems.get('name')}</span>}
        </label>
        <label className="field">
          Email
          <input
            type="email"
            value={draft.email}
            aria-invalid={problems.has('email')}
            onBlur={() => visit('email')}
            onChange={(e) => {
              visit('email');
              setDraft({ ...draft, email: e.target.value });
            }}
          />
          {problems.has('email') && <span className="field-error">{problems.get('email')}</span>}
        </label>
        <label className="field">
          Theme
          <select
            aria-label="Theme preference"
            value={draft.preferences.theme}
            onChange={(e) => setPreference('theme', e.target.value as UserDraft['preferences']['theme'])}
          >
            {THEMES.map((theme) => (
              <option key={theme}>{theme}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Language
          <input value={draft.preferences.language} onChange={(e) => setPreference('language', e.target.value)} />
        </label>
        <label className="field">
          Default agent
          <input
            value={draft.preferences.default_agent_id}
            onChange={(e) => setPreference('default_agent_id', e.target.value)}
          />
        </label>
        <label className="field">
          Spoken text
          <select
            value={draft.preferences.spoken_text_type}
            onChange={(e) =>
              setPreference('spoken_text_type', e.target.value as UserDraft['preferences']['spoken_text_type'])
            }
          >
            {SPOKEN_TEXT_TYPES.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <label className="field inline">
          <input
            type="checkbox"
            checked={draft.preferences.notifications_enabled}
            onChange={(e) => setPreference('notifications_enabled', e.target.checked)}
          />
          Notifications
        </label>
        <label className="field inline" title="GET /users/me answers with this user">
          <input
            type="checkbox"
            checked={draft.isCurrentUser}
            onChange={(e) => setDraft({ ...draft, isCurrentUser: e.target.checked })}
          />
          This is "me"
        </label>
      </div>
      {kept.changedOutside && (
        <ChangedOutsideNotice
          what="user"
          changes={userChanges(JSON.parse(kept.base), JSON.parse(stored))}
          onReload={discard}
        />
      )}
      <ErrorNotice error={save.error ?? remove.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.busy || !ok}>
          {save.busy ? 'Saving…' : user ? 'Save user' : 'Create user'}
        </button>
        {user ? (
          <DiscardButton disabled={!edit || save.busy} onDiscard={discard} />
        ) : (
          <button
            type="button"
            disabled={save.busy}
            onClick={() => {
              kept.discard();
              onCancel?.();
              // The form goes: the focus back to its "+ New user".
              refocusWhenLost(opener);
            }}
          >
            Cancel
          </button>
        )}
        {saved && <span className="badge ok">Saved — the REST API serves it now</span>}
        <span className="spacer" />
        {user && (
          <ConfirmDeleteButton
            question={`Delete ${user.name} and their sessions?`}
            busy={remove.busy}
            onConfirm={() => remove.run()}
            item={{ list: 'users', id: user.id }}
          />
        )}
      </div>
    </form>
  );
}
