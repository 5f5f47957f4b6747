import { useLocalCopy } from '../../ui/use-local-copy';
import type { FieldProblems } from './field-problems';
import {
  CONDITION_OPS,
  CONDITION_PARTS,
  type ConditionOp,
  type ConditionPart,
  type ConditionRow,
  conditionRows,
  conditionsFrom,
  type JsonRecord,
} from './route-form-values';

const PART_LABELS: Record<ConditionPart, string> = {
  params: 'path parameter',
  query: 'query parameter',
  headers: 'header',
  body: 'body (JSONPath)',
};
const OP_LABELS: Record<ConditionOp, string> = {
  equals: 'equals',
  regex: 'matches regex',
  contains: 'contains',
  exists: 'is present',
  absent: 'is absent',
};

interface ConditionFieldsProps {
  when: unknown;
  onChange(when: JsonRecord | undefined): void;
  /** Names the rows' fields: "Response ok condition 1". */
  label: string;
  problems: FieldProblems;
  /** Where `when` is in the route (`responses.0.when`), to find the engine's problems with it. */
  at: (string | number)[];
}

/** When a response applies: every condition must hold; none answers every request. */
export function ConditionFields({ when, onChange, label, problems, at }: ConditionFieldsProps) {
  const copy = useLocalCopy(when, conditionRows);
  const rows = copy.local;
  const update = (next: ConditionRow[]) => {
    const stored = conditionsFrom(next);
    copy.commit(next, stored);
    onChange(stored);
  };
  const change = (index: number, patch: Partial<ConditionRow>) =>
    update(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  let bodyIndex = -1;
  return (
    <fieldset className="subform">
      <legend>When</legend>
      {rows.length === 0 && <span className="faint">Always (no conditions).</span>}
      {rows.map((row, index) => {
        if (row.part === 'body') bodyIndex += 1;
        const problem =
          row.part === 'body'
            ? (problems.at(...at, 'body', bodyIndex, 'path') ??
              problems.at(...at, 'body', bodyIndex, row.op === 'absent' ? 'exists' : row.op) ??
              problems.at(...at, 'body', bodyIndex))
            : problems.at(...at, row.part, row.name.trim());
        const name = `${label} ${index + 1}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are identified by their place while edited
          <div className="stack condition" key={index}>
            <div className="row nowrap">
              <select
                aria-label={`${name} part`}
                value={row.part}
                onChange={(event) => change(index, { part: event.target.value as ConditionPart })}
              >
                {CONDITION_PARTS.map((part) => (
                  <option key={part} value={part}>
                    {PART_LABELS[part]}
                  </option>
                ))}
              </select>
              <input
                className="name-input"
                aria-label={`${name} ${row.part === 'body' ? 'JSONPath' : 'name'}`}
                placeholder={row.part === 'body' ? '$.items[0].id' : 'name'}
                value={row.name}
                aria-invalid={problem ? true : undefined}
                onChange={(event) => change(index, { name: event.target.value })}
              />
              <select
                aria-label={`${name} test`}
                value={row.op}
                onChange={(event) => change(index, { op: event.target.value as ConditionOp })}
              >
                {CONDITION_OPS.map((op) => (
                  <option key={op} value={op}>
                    {OP_LABELS[op]}
                  </option>
                ))}
              </select>
              {row.op !== 'exists' && row.op !== 'absent' && (
                <input
                  className="spacer"
                  aria-label={`${name} value`}
                  placeholder={row.part === 'body' && row.op === 'equals' ? '"text", 1, true, {…}' : 'value'}
                  value={row.value}
                  onChange={(event) => change(index, { value: event.target.value })}
                />
              )}
              <button
                type="button"
                className="ghost small icon"
                aria-label={`Remove ${name.toLowerCase()}`}
                onClick={() => update(rows.filter((_row, i) => i !== index))}
              >
                ✕
              </button>
            </div>
            {problem && <span className="field-error error-text">{problem}</span>}
          </div>
        );
      })}
      {problems.at(...at) && <span className="field-error error-text">{problems.at(...at)}</span>}
      <div>
        <button
          type="button"
          className="small"
          onClick={() => update([...rows, { part: 'params', name: '', op: 'equals', value: '' }])}
        >
          + Condition
        </button>
        <span className="field-hint">
          {' '}
          Parameters, query values and headers arrive as text (1 equals "1"); body values are JSON.
        </span>
      </div>
    </fieldset>
  );
}
