import type { IssuePath, MountIssues } from './mount-validation-error';

/**
 * Flags each enabled mount whose path an earlier enabled mount of the same kind already serves, where the first
 * always answers (a collection's records, a socket's connections): the second would never be reached. Disabled ones
 * may share a path, as versions of one mount switched in turn.
 */
export function flagShadowedPaths(
  mounts: readonly { id: string; enabled: boolean; path: string }[],
  at: IssuePath,
  noun: string,
  issues: MountIssues,
): void {
  const first = new Map<string, string>();
  mounts.forEach((mount, index) => {
    if (!mount.enabled) return;
    const earlier = first.get(mount.path);
    if (earlier === undefined) first.set(mount.path, mount.id);
    else
      issues.add(
        [...at, index, 'path'],
        `${noun} '${earlier}' already serves ${mount.path}, so this one would never be reached: change its path or disable one of them`,
      );
  });
}
