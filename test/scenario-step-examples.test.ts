import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rendererModule } from '../e2e/helpers/renderer-module';
import { ScenarioCatalogue, ScenarioValidationError } from '../src/server/scenarios/scenario-catalogue';
import { workspaceTemplate } from '../src/server/workspace/workspace-templates';
import { SCENARIO_STEP_TYPES, type Scenario, type ScenarioStep } from '../src/shared/scenario';

// What the console's scenario editor and Try-it view offer, checked against the engine itself.

const { STEP_DESCRIPTIONS, STEP_EXAMPLES } = (await rendererModule('features/scenarios/step-examples.ts')) as {
  STEP_DESCRIPTIONS: ReadonlyMap<string, string>;
  STEP_EXAMPLES: Record<string, ScenarioStep>;
};
const { promptSuggestions } = (await rendererModule('features/try-it/prompt-suggestions.ts')) as {
  promptSuggestions: (scenarios: readonly Scenario[]) => string[];
};

test('the editor’s example of every step type is stored by the engine (schema, templates, dry run)', () => {
  assert.deepEqual(Object.keys(STEP_EXAMPLES).sort(), [...SCENARIO_STEP_TYPES].sort());
  for (const type of SCENARIO_STEP_TYPES) {
    assert.ok(STEP_DESCRIPTIONS.get(type), `${type} has a description from the schema`);
    try {
      new ScenarioCatalogue([
        { id: `example-${type.toLowerCase()}`, name: type, triggers: [], steps: [STEP_EXAMPLES[type]] },
      ]);
    } catch (error) {
      if (!(error instanceof ScenarioValidationError)) throw error;
      // activityDelta names the activity an earlier activitySnapshot made: they go together.
      if (type !== 'activityDelta') assert.fail(`${type}: ${error.message}`);
    }
  }
  new ScenarioCatalogue([
    {
      id: 'examples',
      name: 'every example',
      triggers: [],
      steps: SCENARIO_STEP_TYPES.map((type) => STEP_EXAMPLES[type]),
    },
  ]);
});

test('Try-it suggests prompts from the workspace’s own triggers', () => {
  const dojo = new ScenarioCatalogue(workspaceTemplate('dojo').scenarios).list();
  assert.deepEqual(promptSuggestions(dojo), ['tool', 'backend_tool', 'thanks']);
  const generic = new ScenarioCatalogue(workspaceTemplate('generic').scenarios).list();
  assert.ok(promptSuggestions(generic).includes('weather'));
  assert.deepEqual(promptSuggestions([]), []);
});
