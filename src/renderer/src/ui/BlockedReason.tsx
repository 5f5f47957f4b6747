import { blockedWords } from './blocked-words';

/**
 * Why the button beside it is off, in words everyone sees (not only an editor's gutter mark): "Cannot create yet:
 * …". The button names this line with `aria-describedby={id}`, so it is read with the button too.
 */
export function BlockedReason({ id, lead, problems }: { id: string; lead: string; problems: readonly string[] }) {
  const words = blockedWords(lead, problems);
  if (words === null) return null;
  return (
    <span id={id} className="field-error error-text save-blocked" data-testid="save-blocked">
      {words}
    </span>
  );
}
