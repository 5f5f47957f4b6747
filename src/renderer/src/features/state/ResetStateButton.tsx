import { useState } from 'react';
import { api } from '../../api/control-client';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';
import { useEscapeToClose } from '../../ui/use-escape';

/** Puts the seed data back, after saying what that throws away. */
export function ResetStateButton() {
  const [confirming, setConfirming] = useState(false);
  const reset = useAction(async () => {
    await api.resetState();
    setConfirming(false);
  });
  useEscapeToClose(() => setConfirming(false), confirming);
  if (!confirming)
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Reset to seed…
      </button>
    );
  return (
    <div className="notice warning stack" role="alertdialog" aria-label="Reset to seed">
      <span>Replace every user, session and history with the seed data? Your edits are lost.</span>
      <div className="row">
        <button type="button" className="danger solid" disabled={reset.busy} onClick={() => reset.run()}>
          {reset.busy ? 'Resetting…' : 'Reset to seed'}
        </button>
        <button type="button" className="ghost" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      <ErrorNotice error={reset.error} />
    </div>
  );
}
