/**
 * The `speed` setting multiplies every scenario delay: 2 plays twice as slow, 0.5 twice as fast, 0 without
 * waiting (routes' and echo, push and rules sockets' delays are real time). Every label and hint that names it says
 * it this way.
 */
export function speedLabel(speed: number): string {
  return `${speed}× delays — ${speedEffect(speed)}`;
}

/** "as written", "twice as fast", "4 times as slow", "no waiting". */
export function speedEffect(speed: number): string {
  if (speed === 0) return 'no waiting';
  if (speed === 1) return 'as written';
  const factor = speed > 1 ? speed : 1 / speed;
  const times = factor === 2 ? 'twice' : `${Number(factor.toFixed(1))} times`;
  return `${times} as ${speed > 1 ? 'slow' : 'fast'}`;
}

/** What the speed setting does, in one sentence. */
export const SPEED_HINT =
  'Multiplies every scenario delay: 0.5 plays twice as fast, 2 twice as slow, 0 without waiting. Route and socket ' +
  '(echo, push, rules) delays stay real time.';
