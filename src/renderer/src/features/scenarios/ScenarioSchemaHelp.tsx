import { api } from '../../api/control-client';
import { SchemaHelp } from '../../ui/SchemaHelp';

/** The scenario JSON Schema from the engine, fetched the first time someone opens it. */
export function ScenarioSchemaHelp() {
  return (
    <SchemaHelp load={api.scenarioSchema}>
      Schema help: every trigger and step with what each field means; strings may hold <code>{'{{threadId}}'}</code>,{' '}
      <code>{'{{uuid}}'}</code>, <code>{'{{input.messages}}'}</code>, <code>{'{{state}}'}</code>,{' '}
      <code>{'{{steps.<id>.messageId}}'}</code>… (see docs/scenarios.md)
    </SchemaHelp>
  );
}
