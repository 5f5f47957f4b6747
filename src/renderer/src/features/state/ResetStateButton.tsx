import { api } from '../../api/control-client';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';

/** Puts the seed data back, after saying what that throws away. */
export function ResetStateButton() {
  const reset = useAction(() => api.resetState());
  return (
    <ConfirmButton
      label="Reset to seed…"
      variant="box"
      question="Replace every user, session and history with the seed data? Your edits are lost."
      confirmLabel="Reset to seed"
      busyLabel="Resetting…"
      busy={reset.busy}
      onConfirm={() => reset.run()}
    >
      <ErrorNotice error={reset.error} />
    </ConfirmButton>
  );
}
