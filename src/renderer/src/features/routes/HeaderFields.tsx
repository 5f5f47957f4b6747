import { useLocalCopy } from '../../ui/use-local-copy';
import { type HeaderRow, headerRows, headersFrom, type JsonRecord, repeatedNames } from './route-form-values';

interface HeaderFieldsProps {
  headers: unknown;
  onChange(headers: JsonRecord): void;
  /** Names the rows' fields: "Response ok header 1 name". */
  label: string;
  problem?: string | undefined;
}

/** A response's headers as name/value rows; values are templates. */
export function HeaderFields({ headers, onChange, label, problem }: HeaderFieldsProps) {
  const copy = useLocalCopy(headers, headerRows);
  const rows = copy.local;
  const repeated = repeatedNames(rows);
  const update = (next: HeaderRow[]) => {
    const stored = headersFrom(next);
    copy.commit(next, stored);
    onChange(stored);
  };
  const change = (index: number, patch: Partial<HeaderRow>) =>
    update(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="subform">
      <legend>Headers</legend>
      {rows.length === 0 && <span className="faint">None: Content-Type follows the body.</span>}
      {rows.map((row, index) => {
        const twice = repeated.has(row.name.trim().toLowerCase());
        return (
          // Rows have no ids of their own while being edited; their place is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <div className="row nowrap" key={index}>
            <input
              className="name-input"
              aria-label={`${label} ${index + 1} name`}
              placeholder="Name"
              value={row.name}
              aria-invalid={twice || undefined}
              onChange={(event) => change(index, { name: event.target.value })}
            />
            <input
              className="spacer"
              aria-label={`${label} ${index + 1} value`}
              placeholder="Value ({{…}} templates allowed)"
              value={row.value}
              onChange={(event) => change(index, { value: event.target.value })}
            />
            <button
              type="button"
              className="ghost small icon"
              aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
              onClick={() => update(rows.filter((_row, at) => at !== index))}
            >
              ✕
            </button>
            {twice && <span className="field-error">listed twice: the last one is sent</span>}
          </div>
        );
      })}
      {problem && <span className="field-error error-text">{problem}</span>}
      <div>
        <button type="button" className="small" onClick={() => update([...rows, { name: '', value: '' }])}>
          + Header
        </button>
      </div>
    </fieldset>
  );
}
