/**
 * How many single-letter edits turn `left` into `right`: insertions, deletions, substitutions, and a swap of two
 * neighbouring letters counted as one (the optimal string alignment distance), as a typo is counted. Past `atMost`
 * the answer is only `atMost + 1`: then only letters within `atMost` places of each other are compared, so the cost
 * is the length times `atMost` (without it, the product of the lengths: callers bound them).
 */
export function editDistance(left: string, right: string, atMost = Number.POSITIVE_INFINITY): number {
  const over = atMost + 1;
  if (Math.abs(left.length - right.length) > atMost) return over;
  // Rows of the table, reused: two back (for a swap), the last, the current. A cell further than `atMost` from the
  // diagonal is more than `atMost`: a row works out the cells within it, and marks the two just outside `over`.
  let beforeLast = new Array<number>(right.length + 1).fill(over);
  let last = Array.from({ length: right.length + 1 }, (_, j) => Math.min(j, over));
  let current = new Array<number>(right.length + 1).fill(over);
  for (let i = 1; i <= left.length; i++) {
    const from = Math.max(1, i - atMost);
    const to = Math.min(right.length, i + atMost);
    current[from - 1] = from === 1 ? Math.min(i, over) : over;
    if (to < right.length) current[to + 1] = over;
    let least = current[from - 1] as number;
    for (let j = from; j <= to; j++) {
      const same = left[i - 1] === right[j - 1];
      let cost = Math.min(
        (last[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (last[j - 1] as number) + (same ? 0 : 1),
      );
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1])
        cost = Math.min(cost, (beforeLast[j - 2] as number) + 1);
      current[j] = cost;
      least = Math.min(least, cost);
    }
    // Every way to the last cell passes through this row.
    if (least > atMost) return over;
    [beforeLast, last, current] = [last, current, beforeLast];
  }
  return Math.min(last[right.length] as number, over);
}
