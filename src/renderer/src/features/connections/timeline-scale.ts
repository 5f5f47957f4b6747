/**
 * The run timeline's time axis, scaled to what happened rather than to the clock: a stretch with nothing sent that
 * is long and a large share of the time shown is drawn as a narrow, marked gap, so one frame minutes after the run
 * does not shrink the run itself to slivers. Positions are shares of the drawing's width, 0 (left) to 1 (right).
 */

/** A pause is compressed from this long on… */
export const IDLE_MIN_MS = 1000;
/** …when it also takes at least this share of the time not compressed yet. */
export const IDLE_SHARE = 0.25;
/** Width of one compressed pause on the drawing. */
export const GAP_WIDTH = 0.04;
/** All compressed pauses together take at most this much of the drawing. */
const GAPS_MAX_WIDTH = 0.3;

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
  /** The first tick after a compressed pause (drawn starting there, not centred on it). */
  afterGap: boolean;
}

export interface TimeScale {
  /** Where an instant is drawn; instants outside the range continue at the scale of the active time. */
  position(at: number): number;
  gaps: IdleGap[];
  /** Milliseconds per whole drawing width at the scale of active time (for widths of spans still open). */
  activeMs: number;
}

/**
 * Builds the scale from the instants frames were sent at (`from` and `to` included): the longest pauses first,
 * each compressed while it is at least IDLE_MIN_MS and IDLE_SHARE of the time left.
 */
export function timeScale(instants: readonly number[], from: number, to: number): TimeScale {
  const times = [...new Set([from, to, ...instants.filter((at) => at >= from && at <= to)])].sort((a, b) => a - b);
  const pauses = times
    .slice(1)
    .map((at, index) => ({ from: times[index] as number, to: at }))
    .sort((a, b) => b.to - b.from - (a.to - a.from));
  let remaining = to - from;
  const compressed: { from: number; to: number }[] = [];
  for (const pause of pauses) {
    const length = pause.to - pause.from;
    if (length < IDLE_MIN_MS || length < IDLE_SHARE * remaining) break;
    compressed.push(pause);
    remaining -= length;
  }
  compressed.sort((a, b) => a.from - b.from);
  const active = Math.max(remaining, 1);
  const gapWidth = compressed.length === 0 ? 0 : Math.min(GAP_WIDTH, GAPS_MAX_WIDTH / compressed.length);
  const perMs = (1 - gapWidth * compressed.length) / active;

  const gaps: IdleGap[] = [];
  let position = 0;
  let previous = from;
  for (const pause of compressed) {
    position += (pause.from - previous) * perMs;
    gaps.push({ from: pause.from, to: pause.to, start: position, end: position + gapWidth });
    position += gapWidth;
    previous = pause.to;
  }

  return {
    gaps,
    activeMs: 1 / perMs,
    position(at) {
      let base = 0;
      let since = from;
      for (const gap of gaps) {
        if (at < gap.from) break;
        if (at <= gap.to) return gap.start + ((at - gap.from) / (gap.to - gap.from)) * gapWidth;
        base = gap.end;
        since = gap.to;
      }
      return base + (at - since) * perMs;
    },
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
 * Instants to label on the axis, about `perWidth` across the whole drawing: round times since the start of what is
 * shown (+100 ms, +200 ms…), none inside a compressed pause, and one at each stretch's start (after a pause it says
 * how long that pause was); ticks crowding it make room. The first tick and the last (the end of the time shown)
 * always stay, unless the end is within the first's millisecond. Labels are whole milliseconds and no two say the
 * same time.
 */
export function axisTicks(scale: TimeScale, from: number, to: number, perWidth: number): AxisTick[] {
  const stretches: [number, number][] = [];
  let start = from;
  for (const gap of scale.gaps) {
    stretches.push([start, gap.from]);
    start = gap.to;
  }
  stretches.push([start, to]);
  const spacing = 1 / perWidth;
  const ticks: AxisTick[] = [];
  const lastTick = () => ticks.at(-1) as AxisTick;
  const push = (at: number, afterGap: boolean) => ticks.push({ at, position: scale.position(at), afterGap });
  stretches.forEach(([first, last], index) => {
    const begin = scale.position(first);
    const end = scale.position(last);
    while (ticks.length > 1 && begin - lastTick().position < spacing / 2) ticks.pop();
    const stretchStart = ticks.length;
    push(first, index > 0);
    const count = Math.round((end - begin) / spacing);
    if (count === 0 || last <= first) return;
    const step = roundStep((last - first) / count);
    for (let at = from + (Math.floor((first - from) / step) + 1) * step; at < last; at += step) {
      if (scale.position(at) - lastTick().position >= spacing / 2) push(at, false);
    }
    if (index < stretches.length - 1) return;
    // The end's label is in whole milliseconds like the rest: a round tick it would repeat makes room for it.
    const sameLabel = (at: number) => Math.round(at - from) === Math.round(last - from);
    while (ticks.length - 1 > stretchStart && (end - lastTick().position < spacing / 2 || sameLabel(lastTick().at)))
      ticks.pop();
    if (!sameLabel(lastTick().at)) push(last, false);
  });
  return ticks;
}
