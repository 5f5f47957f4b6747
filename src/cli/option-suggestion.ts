import { editDistance } from '../shared/edit-distance';

/**
 * The option a mistyped one most likely meant (`prot` → `port`, `quite` → `quiet`, `work` → `workspace`), or
 * undefined unless exactly one of `options` is that close. Names are compared without their dashes, in any case.
 */
export function closestOption(typed: string, options: readonly string[]): string | undefined {
  const name = typed.toLowerCase();
  // One typo in a short name (`prot`, `tsl`), two in a longer one (`max-paylod`, `hartbeat`).
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (const option of options) {
    // The start of exactly one option (`--work`, `--max`) is as good as a typo: closer than any other.
    const score = name.length >= 3 && option.startsWith(name) ? 0.5 : editDistance(name, option);
    if (score > limit) continue;
    if (score < bestScore) [best, bestScore, ties] = [option, score, 0];
    else if (score === bestScore) ties++;
  }
  return ties === 0 ? best : undefined;
}
