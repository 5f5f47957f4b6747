import type { Scenario, ScenarioTrigger } from '../../../../shared/scenario';

/** How many prompt chips the Try-it view offers. */
const SUGGESTIONS_SHOWN = 6;

/**
 * Prompts that reach the workspace's scenarios: the text of each scenario's first trigger on a user message
 * (substring, exact, or a lastMessage test on a user message), in catalogue order, each once. Patterns and
 * request conditions give no example text, so they are left out.
 */
export function promptSuggestions(scenarios: readonly Scenario[]): string[] {
  const prompts = new Set<string>();
  for (const scenario of scenarios) {
    const text = scenario.triggers.map(triggerText).find((candidate) => candidate !== undefined);
    if (text) prompts.add(text);
    if (prompts.size >= SUGGESTIONS_SHOWN) break;
  }
  return [...prompts];
}

function triggerText(trigger: ScenarioTrigger): string | undefined {
  if (trigger.match === 'substring' || trigger.match === 'exact') return trigger.value.trim() || undefined;
  if (trigger.match === 'lastMessage' && (trigger.role === undefined || trigger.role === 'user'))
    return (trigger.exact ?? trigger.substring)?.trim() || undefined;
  return undefined;
}
