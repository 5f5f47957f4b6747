import { useState } from 'react';
import { ShowMoreButton } from './ShowMoreButton';

/** Children shown at first, and added per "show more": a value with 50,000 keys must not freeze the page. */
const CHILDREN_PAGE = 100;

function summary(value: object, count: number): string {
  return Array.isArray(value) ? `[${count}]` : `{${count}}`;
}

// Client data may hold direction overrides (U+202E): <bdi> keeps them from reordering the line around them.
function Leaf({ value }: { value: unknown }) {
  if (typeof value === 'string')
    return (
      <span className="json-string">
        <bdi>{JSON.stringify(value)}</bdi>
      </span>
    );
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  return <span className="json-literal">{String(value)}</span>;
}

function children(value: object, count: number): (readonly [string, unknown])[] {
  if (Array.isArray(value)) return value.slice(0, count).map((item, index) => [String(index), item] as const);
  return Object.keys(value)
    .slice(0, count)
    .map((key) => [key, (value as Record<string, unknown>)[key]] as const);
}

/**
 * `room`: how many nodes this one's subtree may show before anyone clicks. Levels below the third start folded, and
 * so does any level that would take the tree past a thousand nodes, however wide each level is.
 */
function JsonNode({ name, value, depth, room }: { name: string | null; value: unknown; depth: number; room: number }) {
  const total = value !== null && typeof value === 'object' ? childCount(value) : 0;
  const [open, setOpen] = useState(depth < 3 && Math.min(total, CHILDREN_PAGE) <= room);
  const [shown, setShown] = useState(CHILDREN_PAGE);
  const label =
    name === null ? null : (
      <span className="json-key">
        <bdi>{name}</bdi>:{' '}
      </span>
    );
  if (value === null || typeof value !== 'object')
    return (
      <li>
        {label}
        <Leaf value={value} />
      </li>
    );
  const visible = Math.min(total, shown);
  const more = Math.min(CHILDREN_PAGE, total - shown);
  const childRoom = Math.floor((room - visible) / Math.max(1, visible));
  return (
    <li>
      <button type="button" className="toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {open ? (
        total === 0 ? (
          <span className="json-summary">{Array.isArray(value) ? '[]' : '{}'}</span>
        ) : (
          <ul>
            {children(value, shown).map(([key, item]) => (
              <JsonNode key={key} name={key} value={item} depth={depth + 1} room={childRoom} />
            ))}
            {more > 0 && (
              <li>
                <ShowMoreButton count={more} notShown={total - shown} onShow={() => setShown(shown + CHILDREN_PAGE)} />
              </li>
            )}
          </ul>
        )
      ) : (
        <span className="json-summary">{summary(value, total)}</span>
      )}
    </li>
  );
}

function childCount(value: object): number {
  return Array.isArray(value) ? value.length : Object.keys(value).length;
}

/** Nodes a tree shows unfolded before anyone clicks. */
const UNFOLDED_NODES = 1000;

/** A small collapsible view of a JSON value. */
export function JsonTree({ value }: { value: unknown }) {
  return (
    <ul className="json-tree" style={{ paddingLeft: 0, borderLeft: 'none', listStyle: 'none', margin: 0 }}>
      <JsonNode name={null} value={value} depth={0} room={UNFOLDED_NODES} />
    </ul>
  );
}
