import { useState } from 'react';

function summary(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  return `{${Object.keys(value as object).length}}`;
}

function Leaf({ value }: { value: unknown }) {
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  return <span className="json-literal">{String(value)}</span>;
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  // Deep levels start folded so a large payload opens readable.
  const [open, setOpen] = useState(depth < 3);
  const label = name === null ? null : <span className="json-key">{name}: </span>;
  if (value === null || typeof value !== 'object')
    return (
      <li>
        {label}
        <Leaf value={value} />
      </li>
    );
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value as Record<string, unknown>);
  return (
    <li>
      <button type="button" className="toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {open ? (
        entries.length === 0 ? (
          <span className="json-summary">{Array.isArray(value) ? '[]' : '{}'}</span>
        ) : (
          <ul>
            {entries.map(([key, item]) => (
              <JsonNode key={key} name={key} value={item} depth={depth + 1} />
            ))}
          </ul>
        )
      ) : (
        <span className="json-summary">{summary(value)}</span>
      )}
    </li>
  );
}

/** A small collapsible view of a JSON value. */
export function JsonTree({ value }: { value: unknown }) {
  return (
    <ul className="json-tree" style={{ paddingLeft: 0, borderLeft: 'none', listStyle: 'none', margin: 0 }}>
      <JsonNode name={null} value={value} depth={0} />
    </ul>
  );
}
