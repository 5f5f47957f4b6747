import { FormField } from '../../ui/FormField';
import { focusStaysNear } from '../../ui/focus-return';
import { BodyFields } from './BodyFields';
import { ConditionFields } from './ConditionFields';
import type { FieldProblems } from './field-problems';
import { HeaderFields } from './HeaderFields';
import { asText, compact, isRecord, type JsonRecord } from './route-form-values';

const FAULTS = ['reset', 'empty', 'malformed', 'drip'] as const;
const FAULT_LABELS: Record<(typeof FAULTS)[number], string> = {
  reset: 'reset the connection',
  empty: 'close without a byte',
  malformed: 'send a corrupt body',
  drip: 'drip the body slowly',
};

/** A number field's value: a number, or nothing (the engine's default) when left empty. */
const numberOrNothing = (text: string) => (text === '' ? undefined : Number(text));

interface ResponseFieldsProps {
  response: unknown;
  index: number;
  count: number;
  onChange(response: JsonRecord): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
  problems: FieldProblems;
}

/** One candidate response: its id, status, headers, body, delay, fault, and when it applies. */
export function ResponseFields({ response, index, count, onChange, onMove, onRemove, problems }: ResponseFieldsProps) {
  const value = isRecord(response) ? response : {};
  const at = ['responses', index] as const;
  const set = (patch: JsonRecord) => onChange(compact({ ...value, ...patch }));
  const fault = isRecord(value.fault) ? value.fault : undefined;
  const faultType = fault ? asText(fault.type) : '';
  const label = `Response ${index + 1}`;
  return (
    <section className="response-card stack" aria-label={label} data-testid={`response-${index}`}>
      <div className="row">
        <h3 className="spacer">
          {label}
          {typeof value.id === 'string' && value.id && <span className="mono faint"> · {value.id}</span>}
        </h3>
        <button
          type="button"
          className="small icon"
          aria-label={`Move response ${index + 1} up`}
          data-move-id={index}
          data-move="up"
          disabled={index === 0}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="small icon"
          aria-label={`Move response ${index + 1} down`}
          data-move-id={index}
          data-move="down"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="danger small"
          disabled={count === 1}
          onClick={(event) => {
            // The card goes: the focus to the next card's Remove where it was, else the form's first field in sight.
            focusStaysNear(event.currentTarget);
            onRemove();
          }}
        >
          Remove
        </button>
      </div>
      <div className="form-grid compact">
        <FormField label="Id" problem={problems.at(...at, 'id')}>
          {(control) => <input {...control} value={asText(value.id)} onChange={(e) => set({ id: e.target.value })} />}
        </FormField>
        <FormField label="Name" problem={problems.at(...at, 'name')}>
          {(control) => (
            <input
              {...control}
              value={asText(value.name)}
              onChange={(e) => set({ name: e.target.value || undefined })}
            />
          )}
        </FormField>
        <FormField label="Status" problem={problems.at(...at, 'status')}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={200}
              max={599}
              placeholder="200"
              value={asText(value.status)}
              onChange={(e) => set({ status: numberOrNothing(e.target.value) })}
            />
          )}
        </FormField>
        <FormField label="Delay (ms)" problem={problems.at(...at, 'delayMs')}>
          {(control) => (
            <input
              {...control}
              type="number"
              min={0}
              placeholder="0"
              value={asText(value.delayMs)}
              onChange={(e) => set({ delayMs: numberOrNothing(e.target.value) })}
            />
          )}
        </FormField>
        <FormField label="Fault" className="wide" problem={problems.at(...at, 'fault')}>
          {(control) => (
            <select
              {...control}
              value={faultType}
              onChange={(e) => {
                const type = e.target.value;
                set({
                  fault: type ? (type === 'drip' ? { type, chunks: 10, durationMs: 5000 } : { type }) : undefined,
                });
              }}
            >
              <option value="">none (answer normally)</option>
              {FAULTS.map((type) => (
                <option key={type} value={type}>
                  {FAULT_LABELS[type]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        {faultType === 'drip' && fault && (
          <>
            <FormField label="Drip chunks" problem={problems.at(...at, 'fault', 'chunks')}>
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={1}
                  value={asText(fault.chunks)}
                  onChange={(e) => set({ fault: compact({ ...fault, chunks: numberOrNothing(e.target.value) }) })}
                />
              )}
            </FormField>
            <FormField label="Drip over (ms)" problem={problems.at(...at, 'fault', 'durationMs')}>
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={0}
                  value={asText(fault.durationMs)}
                  onChange={(e) => set({ fault: compact({ ...fault, durationMs: numberOrNothing(e.target.value) }) })}
                />
              )}
            </FormField>
          </>
        )}
      </div>
      <label className="field inline">
        <input
          type="checkbox"
          checked={value.template !== false}
          onChange={(e) => set({ template: e.target.checked })}
        />
        Strings are templates ({'{{…}}'} is filled in)
      </label>
      <ConditionFields
        when={value.when}
        label={`${label} condition`}
        at={[...at, 'when']}
        problems={problems}
        onChange={(when) => set({ when })}
      />
      <HeaderFields
        headers={value.headers}
        label={`${label} header`}
        problem={problems.at(...at, 'headers')}
        onChange={(headers) => set({ headers })}
      />
      <BodyFields
        body={value.body}
        label={label}
        problem={problems.at(...at, 'body')}
        onChange={(body) => set({ body })}
      />
    </section>
  );
}
