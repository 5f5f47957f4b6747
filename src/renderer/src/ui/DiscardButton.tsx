import { focusStaysNear } from './focus-return';

/**
 * An editor's Discard: throws its draft away (`onDiscard`), the focus staying in the form (the button goes, or turns
 * off, once pressed).
 */
export function DiscardButton({ disabled, onDiscard }: { disabled: boolean; onDiscard(): void }) {
  return (
    <button
      type="button"
      disabled={disabled}
      onClick={(event) => {
        focusStaysNear(event.currentTarget);
        onDiscard();
      }}
    >
      Discard
    </button>
  );
}
