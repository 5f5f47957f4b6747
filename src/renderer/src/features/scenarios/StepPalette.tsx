import { useState } from 'react';
import { SCENARIO_STEP_TYPES, type ScenarioStepType } from '../../../../shared/scenario';
import { STEP_DESCRIPTIONS, STEP_EXAMPLES } from './step-examples';

/**
 * Adds a step to the scenario being edited: pick a type, read what it does, append a working example to
 * `steps` (the JSON must parse first). Every field's help is in the schema below.
 */
export function StepPalette({ text, onChange }: { text: string; onChange: (text: string) => void }) {
  const [type, setType] = useState<ScenarioStepType>('text');
  const scenario = parseObject(text);
  const add = () => {
    if (!scenario) return;
    const steps = Array.isArray(scenario.steps) ? scenario.steps : [];
    onChange(JSON.stringify({ ...scenario, steps: [...steps, structuredClone(STEP_EXAMPLES[type])] }, null, 2));
  };
  return (
    <div className="stack" data-testid="step-palette">
      <div className="row">
        <label className="field" style={{ flex: 1 }}>
          Add a step
          <select
            aria-label="Step type"
            value={type}
            onChange={(event) => setType(event.target.value as ScenarioStepType)}
          >
            {SCENARIO_STEP_TYPES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={add} disabled={!scenario} title={scenario ? undefined : 'Fix the JSON first'}>
          Add {type}
        </button>
      </div>
      <p className="muted" style={{ margin: 0 }}>
        {STEP_DESCRIPTIONS.get(type)}
      </p>
    </div>
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
