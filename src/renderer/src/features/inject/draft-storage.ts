import { EventType } from '@ag-ui/core';
import { z } from 'zod';
import { MACRO_NAMES, type MacroName } from '../../../../shared/control-api';

/**
 * What a person typed in one connection's inject drawer: the event editor, the macro forms, the close form. Kept
 * in memory while the console runs and in localStorage (per engine and connection) across reloads, within bounds.
 */
export interface InjectDraft {
  eventType: string;
  /** The event editor's text once the person changed it (or loaded a payload); null shows a fresh template. */
  text: string | null;
  macro: MacroName;
  /** Form values of each macro whose form was changed, as typed. */
  macroValues: Partial<Record<MacroName, Record<string, string>>>;
  closeCode: string;
  closeReason: string;
  /** Unix ms of the last change. */
  updatedAt: number;
}

/** localStorage keys: `<prefix><engine origin> <connection id>`. */
export const DRAFT_KEY_PREFIX = 'agui-mock.inject-draft.v1:';
/** Drafts kept across reloads at most (the most recently changed). */
export const MAX_KEPT_DRAFTS = 30;
/** Characters of one draft (as JSON) kept across reloads at most; a larger one lives until the page is closed. */
export const MAX_KEPT_DRAFT_CHARS = 64 * 1024;
/** Drafts untouched for longer are dropped. */
export const DRAFT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export function emptyDraft(): InjectDraft {
  return {
    eventType: EventType.TEXT_MESSAGE_START,
    text: null,
    macro: 'text-message',
    macroValues: {},
    closeCode: '1000',
    closeReason: '',
    updatedAt: 0,
  };
}

/** Whether the draft holds nothing typed (nothing to keep). */
export function isPristine(draft: InjectDraft): boolean {
  const empty = emptyDraft();
  return (
    draft.text === null &&
    draft.eventType === empty.eventType &&
    draft.macro === empty.macro &&
    Object.keys(draft.macroValues).length === 0 &&
    draft.closeCode === empty.closeCode &&
    draft.closeReason === empty.closeReason
  );
}

/** localStorage is input like any other: what another version or a person left there is checked. */
const StoredDraftSchema = z.object({
  eventType: z.string().max(100),
  text: z.string().nullable(),
  macro: z.enum(MACRO_NAMES),
  macroValues: z.partialRecord(z.enum(MACRO_NAMES), z.record(z.string(), z.string())),
  closeCode: z.string().max(20),
  closeReason: z.string().max(500),
  updatedAt: z.number(),
});

export function draftKey(engine: string, connectionId: string): string {
  return `${DRAFT_KEY_PREFIX}${engine} ${connectionId}`;
}

function read(storage: Storage, key: string): InjectDraft | undefined {
  try {
    const text = storage.getItem(key);
    if (text === null) return undefined;
    const parsed = StoredDraftSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The draft kept for a connection, if any (one too old, or unreadable, counts as none and is removed). */
export function loadDraft(
  storage: Storage,
  engine: string,
  connectionId: string,
  now: number,
): InjectDraft | undefined {
  const key = draftKey(engine, connectionId);
  const draft = read(storage, key);
  if (draft && now - draft.updatedAt <= DRAFT_MAX_AGE_MS) return draft;
  remove(storage, key);
  return undefined;
}

/**
 * Keeps a draft (or forgets it when pristine), then the newest MAX_KEPT_DRAFTS drafts. Returns false when it was
 * not kept: too large, or the browser refused even after older drafts made room.
 */
export function storeDraft(storage: Storage, engine: string, connectionId: string, draft: InjectDraft): boolean {
  const key = draftKey(engine, connectionId);
  if (isPristine(draft)) {
    remove(storage, key);
    return true;
  }
  const text = JSON.stringify(draft);
  if (text.length > MAX_KEPT_DRAFT_CHARS) {
    remove(storage, key);
    return false;
  }
  const isNew = storage.getItem(key) === null;
  /** Over the browser's quota, the oldest other drafts make room, one at a time. */
  let older: string[] | undefined;
  for (;;) {
    try {
      storage.setItem(key, text);
      // Only a new draft can take the count past the bound.
      if (isNew) trimDrafts(storage, MAX_KEPT_DRAFTS, key);
      return true;
    } catch {
      older ??= draftsByAge(storage).filter((other) => other !== key);
      const oldest = older.pop();
      if (oldest === undefined) return false;
      remove(storage, oldest);
    }
  }
}

export function forgetDraft(storage: Storage, engine: string, connectionId: string): void {
  remove(storage, draftKey(engine, connectionId));
}

/** Drops the drafts of this engine's connections that `keep` does not name (the engine no longer knows them). */
export function forgetDraftsExcept(storage: Storage, engine: string, keep: (connectionId: string) => boolean): void {
  const prefix = draftKey(engine, '');
  for (const key of draftKeys(storage))
    if (key.startsWith(prefix) && !keep(key.slice(prefix.length))) remove(storage, key);
}

/** Keeps the `max` most recently changed drafts (of every engine); `current` is never dropped. */
function trimDrafts(storage: Storage, max: number, current: string): void {
  for (const key of draftsByAge(storage).slice(max)) if (key !== current) remove(storage, key);
}

/** Draft keys, the most recently changed first. */
function draftsByAge(storage: Storage): string[] {
  return draftKeys(storage)
    .map((key) => ({ key, at: read(storage, key)?.updatedAt ?? 0 }))
    .sort((a, b) => b.at - a.at)
    .map(({ key }) => key);
}

function draftKeys(storage: Storage): string[] {
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key?.startsWith(DRAFT_KEY_PREFIX)) keys.push(key);
  }
  return keys;
}

function remove(storage: Storage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // Storage that refuses even removals has nothing of ours to clean.
  }
}
