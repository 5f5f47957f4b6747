/**
 * How many single-letter edits turn `left` into `right`: insertions, deletions, substitutions, and a swap of two
 * neighbouring letters counted as one (the optimal string alignment distance), as a typo is counted. Quadratic in
 * the lengths: callers bound them.
 */
export function editDistance(left: string, right: string): number {
  // Rows of the table: two back (for a swap), the last, the current.
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
