export function HeaderList({ headers }: { headers: Record<string, string | string[] | number | undefined> }) {
  const entries = Object.entries(headers).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return <div className="faint">No headers</div>;
  return (
    <dl className="kv">
      {entries.map(([name, value]) => (
        <div key={name} style={{ display: 'contents' }}>
          <dt>{name}</dt>
          <dd>{Array.isArray(value) ? value.join(', ') : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
