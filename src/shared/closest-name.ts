import { editDistance } from './edit-distance';

/**
 * The name a mistyped one most likely meant (a CLI option: `prot` → `port`, `work` → `workspace`; a search key:
 * `thred` → `thread`), or undefined unless exactly one of `names` is that close. Compared in lower case on both
 sides: a name typed all in lower case (`maxrecordedmessagespersession`) means the camelCase one it spells.
 */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  const name = typed.toLowerCase();
  // One typo in a short name (`prot`, `stat`), two in a longer one (`max-paylod`, `hartbeat`).
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (const candidate of names) {
    const lower = candidate.toLowerCase();
    // The start of exactly one name (`--work`, `cli`) is as good as a typo: closer than any other.
    const score = name.length >= 3 && lower.startsWith(name) ? 0.5 : editDistance(name, lower, limit);
    if (score > limit) continue;
    if (score < bestScore) [best, bestScore, ties] = [candidate, score, 0];
    else if (score === bestScore) ties++;
  }
  return ties === 0 ? best : undefined;
}
