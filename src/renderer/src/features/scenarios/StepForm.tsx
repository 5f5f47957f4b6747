import { type ControlProps, FormField } from '../../ui/FormField';
import { type StepField, type StepKind, stepFromTexts } from './step-form-fields';

interface StepFormProps {
  kind: StepKind;
  texts: Record<string, string>;
  onChange(texts: Record<string, string>): void;
  /** Which step is edited (0-based), or null for a new one at the end. */
  index: number | null;
  /** False when the scenario JSON does not parse: nowhere to put the step yet. */
  canApply: boolean;
  onApply(step: Record<string, unknown>): void;
  onCancel(): void;
}

/** A form for one step kind, generated from the scenario schema: each field checked as typed. */
export function StepForm({ kind, texts, onChange, index, canApply, onApply, onCancel }: StepFormProps) {
  const { step, problems } = stepFromTexts(kind, texts);
  const action = index === null ? 'Add step' : `Replace step ${index + 1}`;
  return (
    <form
      className="stack step-form"
      aria-label={index === null ? `New ${kind.type} step` : `Step ${index + 1}: ${kind.type}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (step && canApply) onApply(step);
      }}
    >
      {kind.fields.length === 0 && <p className="muted">This step has no fields.</p>}
      <div className="form-grid">
        {kind.fields.map((field) => (
          <FormField
            key={field.name}
            className={field.kind === 'json' ? 'wide' : undefined}
            label={field.required ? `${field.name} (required)` : field.name}
            hint={field.description}
            problem={problems[field.name]}
          >
            {(control) => (
              <FieldControl
                field={field}
                control={control}
                value={texts[field.name] ?? ''}
                onChange={(value) => onChange({ ...texts, [field.name]: value })}
              />
            )}
          </FormField>
        ))}
      </div>
      {problems[''] && (
        <span className="field-error error-text" role="status">
          {problems['']}
        </span>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={!step || !canApply}>
          {action}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {!canApply && <span className="muted">Fix the scenario JSON first.</span>}
      </div>
    </form>
  );
}

function FieldControl({
  field,
  control,
  value,
  onChange,
}: {
  field: StepField;
  control: ControlProps;
  value: string;
  onChange(value: string): void;
}) {
  if (field.kind === 'enum' || field.kind === 'boolean') {
    const options = field.kind === 'enum' ? (field.options ?? []) : ['true', 'false'];
    return (
      <select {...control} value={value} onChange={(event) => onChange(event.target.value)}>
        {(!field.required || value === '') && <option value="">(not set)</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  if (field.kind === 'json')
    return (
      <textarea
        {...control}
        rows={Math.min(6, Math.max(2, value.split('\n').length))}
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  return (
    <input
      {...control}
      inputMode={field.kind === 'number' ? (field.integer ? 'numeric' : 'decimal') : undefined}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
