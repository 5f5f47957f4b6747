import { existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';

/**
 * What this process has open under `folder` (Linux: `/proc/self/fd`; elsewhere nothing is known): the engine runs
 * in the test's process, so these are its descriptors too.
 */
export function filesOpenIn(folder: string): string[] {
  if (!existsSync('/proc/self/fd')) return [];
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(`${realpathSync(folder)}/`));
}
