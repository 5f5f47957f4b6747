/**
 * The run timeline's time axis, scaled to what happened rather than to the clock: a stretch with nothing sent that
 * is long and a large share of the time shown is drawn as a narrow, marked gap, so one frame minutes after the run
 * does not shrink the run itself to slivers; and frames closer together than the clock tells apart are drawn apart,
 * in the order sent, so a burst (a macro's run, all in a millisecond or two) is not slivers either. Positions are
 * shares of the drawing's width, 0 (left) to 1 (right).
 */

/** A pause is compressed from this long on… */
export const IDLE_MIN_MS = 1000;
/** …when it also takes at least this share of the time not compressed yet. */
export const IDLE_SHARE = 0.25;
/** Width of one compressed pause on the drawing. */
export const GAP_WIDTH = 0.04;
/** All compressed pauses together take at most this much of the drawing. */
const GAPS_MAX_WIDTH = 0.3;
/**
 * The clock's resolution: frames are stamped in whole milliseconds, so two less than this apart may have been up to
 * this apart. Each step from one frame to the next is drawn at least this long.
 */
const CLOCK_MS = 1;

/** A compressed pause: from the frame before it to the frame after it, and where it is drawn. */
export interface IdleGap {
  from: number;
  to: number;
  start: number;
  end: number;
}

export interface AxisTick {
  at: number;
  position: number;
  /** The first instant after a compressed pause (drawn starting there, not centred on it, as the start is). */
  afterGap: boolean;
  /** What it says: the time since the start of what is shown (`+1.53 s`), as precise as the ticks around it need. */
  label: string;
  /**
   * Where its label is drawn: from its instant (the start, and the first instant after a pause), centred on it, or
   * ending at it (where it would otherwise run past the right edge).
   */
  align: 'start' | 'middle' | 'end';
}

export interface TimeScale {
  /** Where an instant is drawn; instants outside the range continue at the scale of the active time. */
  position(at: number): number;
  gaps: IdleGap[];
  /** The time drawn (pauses aside) is under a millisecond: its frames are drawn evenly, in the order sent. */
  withinMs: boolean;
}

/**
 * Builds the scale from the instants frames were sent at (`from` and `to` included): the longest pauses first,
 * each compressed while it is at least IDLE_MIN_MS and IDLE_SHARE of the time left; every other step between two
 * instants drawn at least CLOCK_MS long.
 */
export function timeScale(instants: readonly number[], from: number, to: number): TimeScale {
  const times = [...new Set([from, to, ...instants.filter((at) => at >= from && at <= to)])].sort((a, b) => a - b);
  const steps = times.slice(1).map((at, index) => ({ from: times[index] as number, to: at, compressed: false }));
  let remaining = steps.reduce((sum, step) => sum + Math.max(step.to - step.from, CLOCK_MS), 0);
  let activeTime = to - from;
  let compressedCount = 0;
  for (const step of [...steps].sort((a, b) => b.to - b.from - (a.to - a.from))) {
    const length = step.to - step.from;
    if (length < IDLE_MIN_MS || length < IDLE_SHARE * remaining) break;
    step.compressed = true;
    compressedCount++;
    remaining -= length;
    activeTime -= length;
  }
  // A single instant has no length to draw.
  const active = remaining > 0 ? remaining : 1;
  const gapWidth = compressedCount === 0 ? 0 : Math.min(GAP_WIDTH, GAPS_MAX_WIDTH / compressedCount);
  const perMs = (1 - gapWidth * compressedCount) / active;

  /** Where each of `times` is drawn. */
  const positions = [0];
  const gaps: IdleGap[] = [];
  steps.forEach((step, index) => {
    const start = positions[index] as number;
    const end = start + (step.compressed ? gapWidth : Math.max(step.to - step.from, CLOCK_MS) * perMs);
    positions.push(end);
    if (step.compressed) gaps.push({ from: step.from, to: step.to, start, end });
  });
  const last = positions.at(-1) as number;

  return {
    gaps,
    withinMs: activeTime > 0 && activeTime < CLOCK_MS,
    position(at) {
      if (at <= from) return (at - from) * perMs;
      if (at >= to) return last + (at - to) * perMs;
      // The last of `times` at or before `at` (there is one: from is the first), by halving.
      let low = 0;
      let high = times.length - 1;
      while (high - low > 1) {
        const middle = (low + high) >> 1;
        if ((times[middle] as number) <= at) low = middle;
        else high = middle;
      }
      const before = times[low] as number;
      const start = positions[low] as number;
      return start + ((at - before) / ((times[high] as number) - before)) * ((positions[high] as number) - start);
    },
  };
}

/**
 * `scale` with each of `stretches` (from and to instants; in order, apart) drawn at least `least` of the drawing
 * wide, the time around them narrower in proportion; where that leaves no room, they share the drawing equally.
 */
export function withLeastWidths(
  scale: TimeScale,
  stretches: readonly (readonly [number, number])[],
  least: number,
): TimeScale {
  if (stretches.length === 0) return scale;
  // The drawing cut at each stretch's ends: every other piece, from the second, is a stretch.
  const knots = [0, ...stretches.flatMap(([from, to]) => [scale.position(from), scale.position(to)]), 1];
  const widths = knots.slice(1).map((knot, index) => knot - (knots[index] as number));
  const isStretch = (index: number) => index % 2 === 1;
  // The time outside the stretches (the last run, often the live one) keeps a share of its own however many there are.
  const outside = widths.some((width, index) => !isStretch(index) && width > 0);
  const floor = Math.min(least, 1 / (stretches.length + (outside ? 1 : 0)));
  // Stretches under the floor are raised to it and the rest shrunk in proportion, which can put others under it: they
  // are raised too, until none is (each round only shrinks the rest further, so those raised stay under).
  const raised = new Set<number>();
  let factor = 1;
  for (;;) {
    const rest = widths.reduce((sum, width, index) => (raised.has(index) ? sum : sum + width), 0);
    factor = rest > 0 ? (1 - raised.size * floor) / rest : 0;
    const under = widths.flatMap((width, index) =>
      isStretch(index) && !raised.has(index) && width * factor < floor ? [index] : [],
    );
    if (under.length === 0) break;
    for (const index of under) raised.add(index);
  }
  const drawn = [0];
  widths.forEach((width, index) => {
    drawn.push((drawn[index] as number) + (raised.has(index) ? floor : width * factor));
  });
  /** Where a position of `scale` is drawn now: moved with the piece it is in. */
  const moved = (position: number) => {
    if (position <= 0 || position >= 1) return position;
    // The last knot at or before it, by halving: the piece it is in (one with a width: the next knot is past it).
    let low = 0;
    let high = knots.length - 1;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if ((knots[middle] as number) <= position) low = middle;
      else high = middle;
    }
    const start = drawn[low] as number;
    const along = (position - (knots[low] as number)) / (widths[low] as number);
    return start + along * ((drawn[low + 1] as number) - start);
  };
  return {
    ...scale,
    position: (at) => moved(scale.position(at)),
    gaps: scale.gaps.map((gap) => ({ ...gap, start: moved(gap.start), end: moved(gap.end) })),
  };
}

/** The round step (1, 2 or 5 times a power of ten milliseconds, at least 1 ms) nearest to `rough`, as d3's ticks pick. */
function roundStep(rough: number): number {
  if (rough <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled >= Math.sqrt(50) ? 10 : scaled >= Math.sqrt(10) ? 5 : scaled >= Math.SQRT2 ? 2 : 1) * power;
}

/**
 * A time since the start as an axis label: whole milliseconds under a second (`+200 ms`), else seconds with two
 * decimals under 10 s and one from there (`+1.53 s`, `+64.7 s`, as durations are written elsewhere) — or as many as
 * ticks `step` ms apart need to say different times (`+64.98 s` between ticks 20 ms apart).
 */
export function tickLabel(ms: number, step = 0): string {
  if (ms < 999.5) return `+${Math.round(ms)} ms`;
  const needed = step <= 0 || step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
  return `+${(ms / 1000).toFixed(Math.max(ms < 9_995 ? 2 : 1, needed))} s`;
}

/** The start's label when what is drawn took under a millisecond: the axis says nothing else, so it says why. */
export const WITHIN_MS_START = '+0 ms · sent within 1 ms, drawn in order';

/** Room a label takes beyond its characters (the tick's border and padding, and a little air), in characters. */
const LABEL_PAD_CHARS = 1.5;

/** Where a tick's label is drawn, as shares of the drawing, given the share one character takes. */
export function labelExtent({ position, label, align }: AxisTick, charWidth: number): [number, number] {
  const width = (label.length + LABEL_PAD_CHARS) * charWidth;
  if (align === 'start') return [position, position + width];
  return align === 'end' ? [position - width, position] : [position - width / 2, position + width / 2];
}

/** The pauses whose mark (`⋯`) on the axis no label is drawn over. */
export function gapsToMark(gaps: readonly IdleGap[], ticks: readonly AxisTick[], charWidth: number): IdleGap[] {
  return gaps.filter((gap) =>
    ticks.every((tick) => {
      const [start, end] = labelExtent(tick, charWidth);
      return end <= gap.start || start >= gap.end;
    }),
  );
}

interface Candidate extends AxisTick {
  /** Which tick wins where two would crowd each other or say the same: the higher. */
  rank: number;
}

/**
 * Instants to label on the axis, about `perWidth` across the whole drawing: round times since the start of what is
 * shown (+100 ms, +200 ms…), none inside a compressed pause; the start (`+0 ms`, or WITHIN_MS_START), the first
 * instant after each pause (saying when sending resumed) and the end of the time shown. Where two would crowd each other — closer than half
 * the spacing, or, given `charWidth` (the share of the drawing one label character takes), with their labels
 * overlapping — or say the same, one gives way: a round time to the others, the start to the first instant after a
 * pause, and everything to the end. So the end is always labelled (the start alone when they would say the same),
 * and no two labels overlap or say the same. A label that would run past `rightEdge` (where the axis ends, as a share
 * of the drawing) ends at its instant instead.
 */
export function axisTicks(
  scale: TimeScale,
  from: number,
  to: number,
  perWidth: number,
  charWidth = 0,
  rightEdge = Number.POSITIVE_INFINITY,
): AxisTick[] {
  const stretches: [number, number][] = [];
  let start = from;
  for (const gap of scale.gaps) {
    stretches.push([start, gap.from]);
    start = gap.to;
  }
  stretches.push([start, to]);
  const spacing = 1 / perWidth;
  const candidates: Candidate[] = [];
  const widthOf = (label: string) => (label.length + LABEL_PAD_CHARS) * charWidth;
  /** Where a label is drawn, as shares of the drawing. */
  const extent = (tick: AxisTick) => labelExtent(tick, charWidth);
  const add = (at: number, afterGap: boolean, rank: number, step: number) => {
    const position = scale.position(at);
    const label = at === from && scale.withinMs ? WITHIN_MS_START : tickLabel(at - from, step);
    const wanted = afterGap || at === from ? 'start' : 'middle';
    const reach = position + (wanted === 'start' ? widthOf(label) : widthOf(label) / 2);
    const ending = reach > rightEdge && position - widthOf(label) >= 0;
    candidates.push({ at, position, afterGap, label, align: ending ? 'end' : wanted, rank });
  };
  stretches.forEach(([first, last], index) => {
    const begin = scale.position(first);
    const end = scale.position(last);
    const count = Math.round((end - begin) / spacing);
    const step = count === 0 || last <= first ? 0 : roundStep((last - first) / count);
    const isLast = index === stretches.length - 1;
    if (index === 0) add(first, false, 1, step);
    else if (!(isLast && first === last)) add(first, true, 2, step);
    // Multiples of the step counted from the start, not added up (which would drift from round).
    if (step > 0)
      for (let k = Math.floor((first - from) / step) + 1; from + k * step < last; k++)
        add(from + k * step, false, 0, step);
    // The end (unless it says what the start does: a run within its first millisecond); where the last stretch
    // starts after a pause, it is drawn from there like the start of any stretch.
    if (isLast && tickLabel(last - from, step) !== tickLabel(0)) add(last, first === last, 3, step);
  });

  const clash = (a: AxisTick, b: AxisTick) => {
    if (a.label === b.label || Math.abs(a.position - b.position) < spacing / 2) return true;
    const [aStart, aEnd] = extent(a);
    const [bStart, bEnd] = extent(b);
    return aStart < bEnd && bStart < aEnd;
  };
  const kept: Candidate[] = [];
  // The highest rank first; within a rank, left to right.
  for (const candidate of [...candidates].sort((a, b) => b.rank - a.rank || a.position - b.position))
    if (!kept.some((tick) => clash(tick, candidate))) kept.push(candidate);
  return kept.sort((a, b) => a.position - b.position).map(({ rank: _rank, ...tick }) => tick);
}
