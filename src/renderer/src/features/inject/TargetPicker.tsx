import { selectOpenConnections, useConnectionsStore } from '../../stores/connections-store';

/** Checkboxes for the open connections an injection goes to. */
export function TargetPicker({ chosen, onChange }: { chosen: readonly string[]; onChange(ids: string[]): void }) {
  const open = useConnectionsStore(selectOpenConnections);
  return (
    <fieldset className="stack" style={{ gap: 4, border: '1px solid var(--border)', borderRadius: 6, padding: 8 }}>
      <legend className="faint">Send to these connections</legend>
      {open.map((connection) => (
        <label key={connection.id} className="field inline">
          <input
            type="checkbox"
            checked={chosen.includes(connection.id)}
            onChange={(event) =>
              onChange(event.target.checked ? [...chosen, connection.id] : chosen.filter((id) => id !== connection.id))
            }
          />
          <span className="mono">{connection.id.slice(0, 8)}</span>
          <span className="faint">
            {connection.path}
            {connection.threadId
              ? ` · ${connection.threadId}`
              : connection.protocol === 'agui'
                ? ' · no thread yet'
                : ''}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
