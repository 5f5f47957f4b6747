import { api } from '../../api/control-client';
import { showView } from '../../stores/navigation-store';
import { useScenariosStore } from '../../stores/scenarios-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';

/** Turns this connection's traffic into a new scenario, then opens it in Scenarios to edit or replay. */
export function RecordScenarioButton({ connectionId }: { connectionId: string }) {
  const record = useAction(async () => {
    const { scenario } = await api.recordConnection(connectionId);
    useScenariosStore.setState({ selectedId: scenario.id });
    showView('scenarios');
  });
  return (
    <>
      <button
        type="button"
        disabled={record.busy}
        onClick={() => record.run()}
        title="Save what the agent sent here as a scenario you can replay to any client"
      >
        {record.busy ? 'Recording…' : 'Record as scenario'}
      </button>
      <ErrorNotice error={record.error} onDismiss={record.clearError} />
    </>
  );
}
