import { type ReactNode, type SyntheticEvent, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { JsonTree } from './JsonTree';

/** A JSON Schema from the engine, fetched the first time someone opens it; `children` is the summary line. */
export function SchemaHelp({ load, children }: { load(): Promise<unknown>; children: ReactNode }) {
  const [schema, setSchema] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const onToggle = async (event: SyntheticEvent<HTMLDetailsElement>) => {
    if (!event.currentTarget.open || schema) return;
    try {
      setSchema(await load());
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };
  return (
    <details onToggle={onToggle} className="schema-help">
      <summary className="muted">{children}</summary>
      <div className="schema-help-body">
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
