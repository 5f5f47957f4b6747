/** How many problems the line beside a button names; the rest are counted. */
export const NAMED_PROBLEMS = 3;

/**
 * Why a button is off (or what it will be refused for), in words shown beside it: `lead` — "Cannot send yet" —
 * then the first few problems (each saying its place), then how many more. Null when there is no problem.
 */
export function blockedWords(lead: string, problems: readonly string[], named = NAMED_PROBLEMS): string | null {
  const distinct = [...new Set(problems.filter((problem) => problem.trim() !== ''))];
  if (distinct.length === 0) return null;
  const more = distinct.length - named;
  return `${lead}: ${distinct.slice(0, named).join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
