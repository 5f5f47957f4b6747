import { create } from 'zustand';
import type { ValidationIssue } from '../api/api-error';

/** What a person typed into a mount or record editor, kept across views until saved or discarded. */
export interface Draft {
  text: string;
  /** The stored text when the draft began: the engine changed it meanwhile when it differs from what is stored now. */
  base: string;
  /** What the engine refused at the last save, at their places. */
  issues: readonly ValidationIssue[];
}

/** Drafts by key: `routes:get-item`, `routes:+new`, `record:books:1`. */
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

export interface DraftHandle {
  text: string;
  setText(text: string): void;
  /** Differs from what is stored. */
  dirty: boolean;
  /** The engine's copy changed while this draft was being edited. */
  changedOutside: boolean;
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
  const text = draft?.text ?? stored;
  return {
    text,
    setText: (next) => {
      if (next === stored && !draft?.issues.length && !keep) dropDraft(key);
      else setDraft(key, { text: next, base: draft?.base ?? stored, issues: draft?.issues ?? [] });
    },
    dirty: draft !== undefined && draft.text !== stored,
    changedOutside: draft !== undefined && draft.base !== stored && draft.text !== stored,
    issues: draft?.issues ?? [],
    setIssues: (issues) => setDraft(key, { text, base: draft?.base ?? stored, issues }),
    discard: () => dropDraft(key),
  };
}
