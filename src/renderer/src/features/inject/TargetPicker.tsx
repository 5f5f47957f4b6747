import type { OpenConnection } from '../../stores/connections-store';

/** Checkboxes for the connections an injection may go to (the open AG-UI ones): those it goes to are `chosen`. */
export function TargetPicker({
  connections,
  chosen,
  onChange,
}: {
  connections: readonly OpenConnection[];
  chosen: readonly string[];
  onChange(ids: string[]): void;
}) {
  return (
    <fieldset className="stack" style={{ gap: 4, border: '1px solid var(--border)', borderRadius: 6, padding: 8 }}>
      <legend className="faint">Send to these connections</legend>
      {connections.map((connection) => (
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
            {connection.path} · {connection.threadId ?? 'no thread yet'}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
