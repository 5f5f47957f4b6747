/** Small formatters shared by the views. */

/** `512 B`, `1.5 KiB`, `64 MiB`: counted in 1024s and named so, as the engine's messages and docs name sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kib = tenths(bytes / 1024);
  if (kib < 1024) return `${kib} KiB`;
  return `${tenths(bytes / 1024 / 1024)} MiB`;
}

/** To a tenth, without a `.0` (a limit of 64 MiB reads as the docs write it). */
const tenths = (value: number) => Number(value.toFixed(1));

/** One formatter for every count: `toLocaleString` builds a new one per call, slow enough to show under load. */
const counts = new Intl.NumberFormat('en');

/** "1,234". */
export function formatNumber(value: number): string {
  return counts.format(value);
}

/** "1 frame", "1,234 frames". */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `21:23:05.042`, local time: frames and requests, where the day is plain. */
export function formatClock(unixMs: number): string {
  const date = new Date(unixMs);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * `2026-12-01 21:23:05`, local time: one unambiguous format (year first, 24 hours) wherever a date is shown.
 * Takes epoch milliseconds or an ISO timestamp; what is not a date is shown as it came.
 */
export function formatDateTime(at: number | string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function formatAge(sinceMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - sinceMs) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
