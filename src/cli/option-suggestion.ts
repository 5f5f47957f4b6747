/**
 * The option a mistyped one most likely meant (`prot` → `port`, `quite` → `quiet`, `work` → `workspace`), or
 * undefined unless exactly one of `options` is that close. Names are compared without their dashes, in any case.
 * (The engine's near-miss reports have an edit distance of their own, but the CLI loads no engine code to word a
 * usage error, and a transposed pair of letters is one typo here, not two.)
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
    const score = name.length >= 3 && option.startsWith(name) ? 0.5 : typoDistance(name, option);
    if (score > limit) continue;
    if (score < bestScore) [best, bestScore, ties] = [option, score, 0];
    else if (score === bestScore) ties++;
  }
  return ties === 0 ? best : undefined;
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (the optimal string alignment distance):
 * insertions, deletions, substitutions and transpositions.
 */
function typoDistance(left: string, right: string): number {
  // Rows of the table: two back (for a transposition), the last, the current.
  let beforeLast: number[] = [];
  let last = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const same = left[i - 1] === right[j - 1];
      let cost = Math.min(
        (last[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (last[j - 1] as number) + (same ? 0 : 1),
      );
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1])
        cost = Math.min(cost, (beforeLast[j - 2] as number) + 1);
      current.push(cost);
    }
    [beforeLast, last] = [last, current];
  }
  return last[right.length] as number;
}
