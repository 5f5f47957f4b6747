import { ConfirmButton } from './ConfirmButton';
import { focusAfterRemoval, listItemElement } from './focus-return';

interface ConfirmDeleteButtonProps {
  /** Deletes; resolves false when that failed (a `useAction`'s run): the question stays, to try again. */
  onConfirm(): Promise<boolean | undefined> | boolean | undefined;
  busy?: boolean;
  /** Said next to the buttons while confirming (what goes with it). */
  question?: string;
  small?: boolean;
  /**
   * What is deleted, as its list shows it (`data-list` / `data-list-item`): the focus goes to its neighbour there
   * once it is gone. Default: the list item the button is in.
   */
  item?: { list: string; id: string };
}

/**
 * "Delete…" that asks once more in place — Delete / Keep (or Esc) — instead of a modal dialog; once deleted, the
 * focus goes to the next item of the list (or the one before, or the list's panel).
 */
export function ConfirmDeleteButton({
  onConfirm,
  busy = false,
  question,
  small = false,
  item,
}: ConfirmDeleteButtonProps) {
  return (
    <ConfirmButton
      label="Delete…"
      question={question}
      confirmLabel="Delete"
      cancelLabel="Keep"
      onConfirm={onConfirm}
      busy={busy}
      small={small}
      focusAfter={(asking) =>
        focusAfterRemoval(item ? listItemElement(item.list, item.id) : (asking?.closest('[data-list-item]') ?? null))
      }
    />
  );
}
