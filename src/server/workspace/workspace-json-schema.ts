import { z } from 'zod';
import { WorkspaceSchema } from '../../shared/workspace';

/**
 * The workspace format as JSON Schema (draft 2020-12) for editors, generated from the zod schema so the two
 * cannot drift. Input shape: fields with defaults are optional, as a person may leave them out.
 */
export function workspaceJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(WorkspaceSchema, { io: 'input', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/agui-mock/agui-mock-console/resources/workspace.schema.json',
    title: 'AG-UI Mock Console workspace',
    description:
      'Users, sessions and histories, scenarios and settings of an AG-UI mock backend (agui-mock serve --workspace).',
    ...schema,
  };
}

/** The committed file's text: what `scripts/write-workspace-schema.mjs` writes and the tests compare. */
export function workspaceJsonSchemaText(): string {
  return `${JSON.stringify(workspaceJsonSchema(), null, 2)}\n`;
}
