import { create } from 'zustand';
import type { ValidationIssue } from '../api/api-error';

/**
 * What a person typed into an editor of something the engine stores (a mount, record, scenario, user, session title),
 * kept across views until saved or discarded.
 */
export interface Draft {
  text: string;
  /** The stored text when the draft began: the engine changed it meanwhile when it differs from what is stored now. */
  base: string;
  /** What the engine refused at the last save, at their places. */
  issues: readonly ValidationIssue[];
}

/** Drafts by key: `routes:get-item`, `routes:+new`, `record:books:1`, `user:ID`, `new-user`, `session-title:ID`. */
export const useDraftsStore = create<{ drafts: Readonly<Record<string, Draft>> }>()(() => ({ drafts: {} }));

export function dropDraft(key: string): void {
  useDraftsStore.setState(({ drafts }) => {
    if (!(key in drafts)) return {};
    const { [key]: _dropped, ...rest } = drafts;
    return { drafts: rest };
  });
}

export function setDraft(key: string, draft: Draft): void {
  useDraftsStore.setState(({ drafts }) => ({ drafts: { ...drafts, [key]: draft } }));
}

/** What an editor shows over the stored text: it follows the engine's copy until a person edits it. */
export interface DraftView {
  text: string;
  /** The stored text when the draft began (what is stored now when there is no draft). */
  base: string;
  /** Differs from what is stored. */
  dirty: boolean;
  /** The engine's copy changed while this draft was being edited. */
  changedOutside: boolean;
}

export function draftView(draft: Draft | undefined, stored: string): DraftView {
  return {
    text: draft?.text ?? stored,
    base: draft?.base ?? stored,
    dirty: draft !== undefined && draft.text !== stored,
    changedOutside: draft !== undefined && draft.base !== stored && draft.text !== stored,
  };
}

export interface DraftHandle extends DraftView {
  setText(text: string): void;
  issues: readonly ValidationIssue[];
  setIssues(issues: readonly ValidationIssue[]): void;
  discard(): void;
}

/**
 * The draft under `key` over the stored text: what the editor shows, and how to change or drop it. A draft back to
 * the stored text is dropped, unless `keep` (a new mount's draft is all there is of it).
 */
export function useDraft(key: string, stored: string, { keep = false } = {}): DraftHandle {
  const draft = useDraftsStore((state) => state.drafts[key]);
  const view = draftView(draft, stored);
  const { text, base } = view;
  return {
    ...view,
    setText: (next) => {
      if (next === stored && !draft?.issues.length && !keep) dropDraft(key);
      else setDraft(key, { text: next, base, issues: draft?.issues ?? [] });
    },
    issues: draft?.issues ?? [],
    setIssues: (issues) => setDraft(key, { text, base, issues }),
    discard: () => dropDraft(key),
  };
}
