import { ScenarioSchema } from '../../../../shared/scenario';
import type { JsonIssue } from '../../ui/JsonEditor';
import { schemaIssues } from '../../ui/schema-issues';

/**
 * The engine's own scenario schema, run as the person types. Trigger regexes are not judged here: the engine
 * compiles them on RE2 when the scenario is saved, and a pattern it cannot run comes back as the save's 422,
 * naming `triggers.N.pattern` (the editor shows it).
 */
export function validateScenario(value: unknown): JsonIssue[] {
  return schemaIssues(ScenarioSchema, value);
}

export const NEW_SCENARIO = {
  id: 'my-scenario',
  name: 'My scenario',
  description: 'Answers "hello" with a short text and a tool call.',
  triggers: [{ match: 'substring', value: 'hello', priority: 10 }],
  steps: [
    // Plain AG-UI text: AGORA's spoken twin events (the step's default) are for its voice client only.
    { type: 'text', chunks: ['Hello! ', 'I am a ', 'mock agent.'], chunkDelayMs: 80, spoken: false },
    { type: 'toolCall', name: 'get_weather', args: { city: 'Paris' }, result: { temperatureC: 18, sky: 'cloudy' } },
  ],
};

/** A Create refused because the id is taken, in the console's words (the API's own answer says to PUT instead). */
export function takenIdWords(id: string): string {
  return `A scenario with id ${id} exists: choose another id, or open it to edit`;
}
