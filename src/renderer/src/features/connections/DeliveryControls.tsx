import { useEffect, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { api } from '../../api/control-client';
import { BlockedReason } from '../../ui/BlockedReason';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';
import { useNotOpenReason } from './not-open-words';

const MAX_LATENCY_MS = 60_000;

/** Hold outgoing frames, or delay each one, to see how the client copes with a slow or stalled agent. */
export function DeliveryControls({ connection }: { connection: ConnectionSummary }) {
  const [latency, setLatency] = useState(String(connection.latencyMs));
  useEffect(() => setLatency(String(connection.latencyMs)), [connection.latencyMs]);
  const update = useAction((patch: { paused?: boolean; latencyMs?: number }) => api.setDelivery(connection.id, patch));
  const latencyValue = Number(latency);
  const latencyValid =
    latency !== '' && Number.isInteger(latencyValue) && latencyValue >= 0 && latencyValue <= MAX_LATENCY_MS;
  // A connection no longer open has no delivery left to change (the engine answers 409): its buttons say why.
  const { open, problems, blockedId, describedBy } = useNotOpenReason(connection);
  return (
    <div className="stack">
      <div className="row">
        <button
          type="button"
          aria-pressed={connection.paused}
          disabled={!open || update.busy}
          aria-describedby={describedBy}
          onClick={() => update.run({ paused: !connection.paused })}
        >
          {connection.paused ? 'Resume delivery' : 'Pause delivery'}
        </button>
        {connection.heldFrames > 0 && <span className="badge warn">{connection.heldFrames} held</span>}
        {connection.heldFramesDropped > 0 && (
          <span className="badge danger">{connection.heldFramesDropped} dropped</span>
        )}
      </div>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (open && latencyValid) void update.run({ latencyMs: latencyValue });
        }}
      >
        <label className="field inline">
          Latency per frame
          <input
            type="number"
            min={0}
            max={MAX_LATENCY_MS}
            step={50}
            value={latency}
            aria-invalid={!latencyValid}
            onChange={(event) => setLatency(event.target.value)}
            style={{ width: 90 }}
          />
          ms
        </label>
        <button type="submit" disabled={!open || !latencyValid || update.busy} aria-describedby={describedBy}>
          Apply
        </button>
      </form>
      {!latencyValid && <span className="field-error">A whole number of milliseconds, 0 to {MAX_LATENCY_MS}.</span>}
      <BlockedReason id={blockedId} lead="Cannot pause or delay" problems={problems} />
      <ErrorNotice error={update.error} onDismiss={update.clearError} />
    </div>
  );
}
