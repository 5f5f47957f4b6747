import { z } from 'zod';

/**
 * A name people read (a workspace's, a mount's, a scenario's), at most `max` characters: one of spaces alone (or
 * empty) is refused, as it would show as nothing where people look for it (a status bar, a list, the log).
 */
export function nameText(max: number) {
  return z.string().max(max).regex(/\S/u, 'must contain a non-space character');
}
