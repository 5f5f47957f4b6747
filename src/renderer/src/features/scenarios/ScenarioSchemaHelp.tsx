import { api } from '../../api/control-client';
import { SchemaHelp } from '../../ui/SchemaHelp';

/** The scenario JSON Schema from the engine, fetched the first time someone opens it. */
export function ScenarioSchemaHelp() {
  return (
    <SchemaHelp load={api.scenarioSchema}>
      Schema help: steps are <code>emit</code>, <code>wait</code>, <code>step</code>, <code>text</code>,{' '}
      <code>toolCall</code>, <code>stateSnapshot</code>, <code>stateDelta</code>, <code>setContext</code>,{' '}
      <code>let</code>, <code>branch</code>, <code>approval</code>; strings may hold <code>{'{{threadId}}'}</code>,{' '}
      <code>{'{{uuid}}'}</code>, <code>{'{{steps.<id>.messageId}}'}</code>…
    </SchemaHelp>
  );
}
