import { useState } from 'react';
import { useEscapeToClose } from './use-escape';

interface ConfirmDeleteButtonProps {
  onConfirm(): void;
  busy?: boolean;
  /** Said next to the buttons while confirming (what goes with it). */
  question?: string;
  small?: boolean;
}

/** "Delete…" that asks once more in place — Delete / Keep (or Esc) — instead of a modal dialog. */
export function ConfirmDeleteButton({ onConfirm, busy = false, question, small = false }: ConfirmDeleteButtonProps) {
  const [confirming, setConfirming] = useState(false);
  const size = small ? ' small' : '';
  useEscapeToClose(() => setConfirming(false), confirming);
  if (!confirming)
    return (
      <button type="button" className={`danger${size}`} onClick={() => setConfirming(true)}>
        Delete…
      </button>
    );
  return (
    <>
      {question && <span className="muted">{question}</span>}
      <button type="button" className={`danger solid${size}`} disabled={busy} onClick={onConfirm}>
        Delete
      </button>
      <button type="button" className={`ghost${size}`} onClick={() => setConfirming(false)}>
        Keep
      </button>
    </>
  );
}
