import { type SyntheticEvent, useState } from 'react';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { JsonTree } from '../../ui/JsonTree';

/** The scenario JSON Schema from the engine, fetched the first time someone opens it. */
export function ScenarioSchemaHelp() {
  const [schema, setSchema] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const onToggle = async (event: SyntheticEvent<HTMLDetailsElement>) => {
    if (!event.currentTarget.open || schema) return;
    try {
      setSchema(await api.scenarioSchema());
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };
  return (
    <details onToggle={onToggle}>
      <summary className="muted" style={{ cursor: 'pointer' }}>
        Schema help: every trigger and step with what each field means; strings may hold <code>{'{{threadId}}'}</code>,{' '}
        <code>{'{{uuid}}'}</code>, <code>{'{{input.messages}}'}</code>, <code>{'{{state}}'}</code>,{' '}
        <code>{'{{steps.<id>.messageId}}'}</code>… (see docs/scenarios.md)
      </summary>
      <div style={{ maxHeight: 260, overflow: 'auto', marginTop: 6 }}>
        {problem ? (
          <div className="notice error">{problem}</div>
        ) : schema ? (
          <JsonTree value={schema} />
        ) : (
          <span className="spinner" />
        )}
      </div>
    </details>
  );
}
