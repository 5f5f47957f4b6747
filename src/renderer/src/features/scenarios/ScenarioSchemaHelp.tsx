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
        Schema help: steps are <code>emit</code>, <code>wait</code>, <code>step</code>, <code>text</code>,{' '}
        <code>toolCall</code>, <code>stateSnapshot</code>, <code>stateDelta</code>, <code>setContext</code>,{' '}
        <code>let</code>, <code>branch</code>, <code>approval</code>; strings may hold <code>{'{{threadId}}'}</code>,{' '}
        <code>{'{{uuid}}'}</code>, <code>{'{{steps.<id>.messageId}}'}</code>…
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
