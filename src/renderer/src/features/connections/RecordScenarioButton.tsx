import { useState } from 'react';
import { RecordScenarioDialog } from './RecordScenarioDialog';

/** Turns this connection's traffic into a new scenario, after asking its name and whether it answers messages. */
export function RecordScenarioButton({ connectionId }: { connectionId: string }) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setAsking(true)}
        title="Save what the agent sent here as a scenario you can replay to any client"
      >
        Record as scenario…
      </button>
      {asking && <RecordScenarioDialog connectionId={connectionId} onClose={() => setAsking(false)} />}
    </>
  );
}
