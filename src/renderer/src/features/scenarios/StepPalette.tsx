import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { StepForm } from './StepForm';
import { STEP_DESCRIPTIONS, STEP_EXAMPLES } from './step-examples';
import { fieldTexts, type StepKind, scenarioSteps, stepKinds, stepLabel, withStep } from './step-form-fields';

interface OpenForm {
  type: string;
  /** The step being edited (0-based), or null for a new one. */
  index: number | null;
  texts: Record<string, string>;
}

/**
 * Adds and edits the scenario's steps through forms generated from the engine's scenario schema: pick a type
 * (the form starts from a working example) or click one of the steps; "Add step" appends it to `steps`,
 * "Replace step" puts it back where it was.
 */
export function StepPalette({ text, onChange }: { text: string; onChange: (text: string) => void }) {
  const [kinds, setKinds] = useState<Map<string, StepKind> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [form, setForm] = useState<OpenForm | null>(null);
  useEffect(() => {
    let live = true;
    api.scenarioSchema().then(
      (schema) => live && setKinds(stepKinds(schema)),
      (error: unknown) => live && setProblem(errorMessage(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  const steps = scenarioSteps(text);
  const kind = form && kinds?.get(form.type);
  const open = (type: string, index: number | null, step: unknown) => {
    const fields = kinds?.get(type)?.fields ?? [];
    const values = step && typeof step === 'object' ? (step as Record<string, unknown>) : {};
    setForm({ type, index, texts: fieldTexts(fields, values) });
  };
  const pick = (type: string) => {
    if (!type) setForm(null);
    else open(type, null, structuredClone(STEP_EXAMPLES[type as keyof typeof STEP_EXAMPLES] ?? { type }));
  };
  const apply = (step: Record<string, unknown>) => {
    const next = withStep(text, step, form?.index ?? null);
    if (next === undefined) return;
    onChange(next);
    setForm(null);
  };

  return (
    <section className="stack step-palette" data-testid="step-palette" aria-label="Steps">
      {problem && <div className="notice error">Cannot load the step forms: {problem}</div>}
      {steps && steps.length > 0 && (
        <ol aria-label="Steps of this scenario" className="row step-list">
          {steps.map((step, index) => {
            const type = step && typeof step === 'object' ? (step as { type?: unknown }).type : undefined;
            const known = typeof type === 'string' && kinds?.has(type);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a step's place is what names it
              <li key={index}>
                <button
                  type="button"
                  className="small"
                  aria-pressed={form?.index === index}
                  disabled={!known}
                  onClick={() => known && open(type, index, step)}
                >
                  {stepLabel(step, index)}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <label className="field">
        Add a step
        <select
          aria-label="Step type"
          value={form && form.index === null ? form.type : ''}
          disabled={!kinds}
          onChange={(event) => pick(event.target.value)}
        >
          <option value="">{kinds ? 'Pick a step type…' : 'Loading the schema…'}</option>
          {[...(kinds?.keys() ?? [])].map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {form && (
        <p className="muted" style={{ margin: 0 }}>
          {kind?.description || STEP_DESCRIPTIONS.get(form.type)}
        </p>
      )}
      {form && kind && (
        <StepForm
          kind={kind}
          texts={form.texts}
          onChange={(texts) => setForm({ ...form, texts })}
          index={form.index}
          canApply={steps !== undefined}
          onApply={apply}
          onCancel={() => setForm(null)}
        />
      )}
    </section>
  );
}
