import { useRef } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { api } from '../../api/control-client';
import { updateInjectDraft, useInjectDraft } from '../../stores/inject-drafts-store';
import { BlockedReason } from '../../ui/BlockedReason';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';
import { useNotOpenReason } from '../connections/not-open-words';
import { closeProblems, MAX_CLOSE_REASON_BYTES } from './close-validation';

const PRESETS = [
  ['1000', 'Normal closure'],
  ['1001', 'Going away'],
  ['1008', 'Policy violation'],
  ['1011', 'Internal error'],
  ['1012', 'Service restart'],
  ['1013', 'Try again later'],
  ['4001', 'Unauthorized (application)'],
] as const;

/** The tab of the drawer panel `element` is in: where the focus goes when the socket's controls are all off. */
function socketTab(element: HTMLElement | null): HTMLElement | null {
  const tabId = element?.closest('[role="tabpanel"]')?.getAttribute('aria-labelledby');
  return tabId ? document.getElementById(tabId) : null;
}

/** Close the socket with a chosen code and reason, or drop it without a close frame (the client sees 1006). */
export function CloseConnectionForm({ connection }: { connection: ConnectionSummary }) {
  // Part of the connection's draft: a reason typed and left for a moment is still there.
  const { closeCode: code, closeReason: reason } = useInjectDraft(connection.id);
  const setCode = (closeCode: string) => updateInjectDraft(connection.id, { closeCode });
  const setReason = (closeReason: string) => updateInjectDraft(connection.id, { closeReason });
  const section = useRef<HTMLElement>(null);
  const close = useAction(() => api.closeConnection(connection.id, Number(code), reason));
  const terminate = useAction(() => api.terminateConnection(connection.id));
  const problems = closeProblems(code, reason);
  // Closing, it takes no close frame of ours but can still be dropped (a client that never answers the close);
  // closed, neither (the engine answers 409). The buttons say why they are off.
  const { open, problems: notOpenProblems, blockedId, describedBy } = useNotOpenReason(connection);
  const closed = connection.state === 'closed';
  return (
    <section ref={section}>
      <h2>Close the socket</h2>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (open && !problems.code && !problems.reason) void close.run();
        }}
      >
        <div className="row">
          <label className="field">
            Code
            <input
              aria-label="Close code"
              list="close-codes"
              value={code}
              aria-invalid={problems.code !== null}
              onChange={(event) => setCode(event.target.value)}
              style={{ width: 90 }}
            />
            <datalist id="close-codes">
              {PRESETS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </datalist>
          </label>
          <label className="field spacer">
            Reason
            <input
              aria-label="Close reason"
              value={reason}
              aria-invalid={problems.reason !== null}
              placeholder={`up to ${MAX_CLOSE_REASON_BYTES} bytes`}
              onChange={(event) => setReason(event.target.value)}
            />
          </label>
        </div>
        {problems.code && <span className="field-error">{problems.code}</span>}
        {problems.reason && <span className="field-error">{problems.reason}</span>}
        <div className="row">
          <button
            type="submit"
            className="danger"
            disabled={!open || close.busy || problems.code !== null || problems.reason !== null}
            aria-describedby={describedBy}
          >
            {close.busy ? 'Closing…' : 'Close connection'}
          </button>
          {/* Once dropped (or closed meanwhile) there is nothing left to ask: the question closes. */}
          <ConfirmButton
            label="Drop TCP…"
            tone="plain"
            disabled={closed}
            title="Ends the TCP connection without a close frame: the client sees 1006"
            confirmLabel="Drop it now (1006)"
            busyLabel="Dropping…"
            busy={terminate.busy}
            onConfirm={() => terminate.run()}
            focusAfter={() => () => socketTab(section.current)}
          />
          <BlockedReason
            id={blockedId}
            lead={closed ? 'Cannot close or drop' : 'Cannot close'}
            problems={notOpenProblems}
          />
        </div>
        <ErrorNotice error={close.error ?? terminate.error} />
      </form>
    </section>
  );
}
