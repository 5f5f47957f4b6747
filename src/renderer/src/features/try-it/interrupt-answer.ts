import { sample } from 'openapi-sampler';

/**
 * A first answer to offer for an interrupt, as JSON text: a value its `responseSchema` describes (defaults,
 * examples, else placeholders of each type, by openapi-sampler), for the person to edit; `{}` without a schema or
 * when the schema gives no sample.
 */
export function answerDraft(responseSchema: Record<string, unknown> | null): string {
  if (!responseSchema) return '{}';
  try {
    const value = sample(responseSchema as never, { skipReadOnly: true, quiet: true });
    return value === undefined ? '{}' : JSON.stringify(value, null, 2);
  } catch {
    return '{}';
  }
}

/** The answer's text as a payload, or what is wrong with it. */
export function readAnswer(text: string): { payload: unknown } | { problem: string } {
  try {
    return { payload: JSON.parse(text) };
  } catch (error) {
    return { problem: `Not JSON: ${(error as Error).message}` };
  }
}
