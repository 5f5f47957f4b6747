import { DEFAULT_PREFERENCES, type Preferences } from '../../../../shared/agora-model';
import { type ConsoleUser, NewUserSchema, type UserEdit, UserEditSchema } from '../../../../shared/control-api';
import { issueWords } from '../../../../shared/issue-words';

/** The user form's values: what a person edits, as text where they type. */
export interface UserDraft {
  name: string;
  email: string;
  isCurrentUser: boolean;
  preferences: Pick<
    Preferences,
    'theme' | 'notifications_enabled' | 'default_agent_id' | 'language' | 'spoken_text_type'
  >;
}

export function draftOf(user: ConsoleUser | null): UserDraft {
  const preferences = user?.preferences ?? DEFAULT_PREFERENCES;
  return {
    name: user?.name ?? '',
    email: user?.email ?? '',
    isCurrentUser: user?.isCurrentUser ?? false,
    preferences: {
      theme: preferences.theme,
      notifications_enabled: preferences.notifications_enabled,
      default_agent_id: preferences.default_agent_id,
      language: preferences.language,
      spoken_text_type: preferences.spoken_text_type,
    },
  };
}

/**
 * The form's values as the drafts store keeps them (as the JSON editors' drafts are kept): a draft equal to it is no
 * edit, and one begun over another text was begun before the user changed in the engine.
 */
export const userDraftText = (user: ConsoleUser | null) => JSON.stringify(draftOf(user));

/** The form's fields by name, as its labels say them. */
const FIELD_LABELS: Record<keyof Omit<UserDraft, 'preferences'> | keyof UserDraft['preferences'], string> = {
  name: 'Name',
  email: 'Email',
  isCurrentUser: 'This is "me"',
  theme: 'Theme',
  language: 'Language',
  default_agent_id: 'Default agent',
  spoken_text_type: 'Spoken text',
  notifications_enabled: 'Notifications',
};

const shown = (value: string | boolean) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : `"${value}"`);

/** What changed from one draft to the other, field by field in the form's words: `Language "en-US" → "de-DE"`. */
export function userChanges(before: UserDraft, after: UserDraft): string[] {
  const flat = ({ preferences, ...fields }: UserDraft) => ({ ...fields, ...preferences });
  const was = flat(before);
  const now = flat(after);
  return (Object.keys(FIELD_LABELS) as (keyof typeof FIELD_LABELS)[])
    .filter((field) => was[field] !== now[field])
    .map((field) => `${FIELD_LABELS[field]} ${shown(was[field])} → ${shown(now[field])}`);
}

/**
 * Only the fields that differ from what is stored, so a save leaves the others as they are. A draft begun before the
 * user changed elsewhere writes its values over that change: the form says so first.
 */
export function userEdit(user: ConsoleUser, draft: UserDraft): UserEdit | null {
  const edit: UserEdit = {};
  if (draft.name !== user.name) edit.name = draft.name;
  if (draft.email !== user.email) edit.email = draft.email;
  if (draft.isCurrentUser !== user.isCurrentUser) edit.isCurrentUser = draft.isCurrentUser;
  const preferences = Object.fromEntries(
    Object.entries(draft.preferences).filter(([key, value]) => user.preferences[key as keyof Preferences] !== value),
  );
  if (Object.keys(preferences).length) edit.preferences = preferences;
  return Object.keys(edit).length ? edit : null;
}

export interface DraftCheck {
  /** Only what changed, for an existing user (null: nothing to save). */
  edit: UserEdit | null;
  /** It can be saved (or created). */
  ok: boolean;
  /** What is wrong, by field, in plain words. */
  problems: Map<string, string>;
}

/**
 * Checks the draft with the engine's schema. A new user's fields say nothing until a person typed in them or left
 * them: an empty form is not a mistake yet (its Create button stays disabled all the same).
 */
export function checkDraft(user: ConsoleUser | null, draft: UserDraft, visited: ReadonlySet<string>): DraftCheck {
  const edit = user ? userEdit(user, draft) : null;
  if (user && !edit) return { edit, ok: false, problems: new Map() };
  const checked = edit
    ? UserEditSchema.safeParse(edit)
    : NewUserSchema.safeParse({ ...draft, name: draft.name.trim() });
  const issues = checked.success ? [] : checked.error.issues;
  const shown = issues.filter((issue) => user || visited.has(String(issue.path[0])));
  return {
    edit,
    ok: checked.success,
    problems: new Map(shown.map((issue) => [issue.path.join('.'), issueWords(issue)])),
  };
}
