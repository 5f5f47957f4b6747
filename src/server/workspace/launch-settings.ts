import { MAX_API_KEYS, type ServerSettings } from '../../shared/settings';

/**
 * Settings given at launch (CLI flags, the embedding app) as they apply on top of a workspace's own: each replaces the
 * file's value, except API keys, which join the file's (`--api-key` adds a key, it does not take the file's away).
 */
export function launchOverrides(file: ServerSettings, launch: Partial<ServerSettings>): Partial<ServerSettings> {
  const applied: Partial<ServerSettings> = { ...launch };
  if (launch.gatewayAuth) {
    // The launch's keys first: a file already at the limit gives way to them rather than failing to load.
    const keys = [...new Set([...launch.gatewayAuth.keys, ...file.gatewayAuth.keys])].slice(0, MAX_API_KEYS);
    applied.gatewayAuth = { enabled: launch.gatewayAuth.enabled, keys };
  }
  return applied;
}

/**
 * What a save writes: the live settings, but launch overrides stay out of the file unless someone changed them since
 * (`applied`: what `launchOverrides` gave; `changed`: the settings changed since, which are the file's from then on,
 * even when changed back to the launch's value). Keys given at launch never go into the file, whatever else changed.
 */
export function settingsToSave(
  live: ServerSettings,
  file: ServerSettings,
  launch: Partial<ServerSettings>,
  applied: Partial<ServerSettings>,
  changed: ReadonlySet<keyof ServerSettings>,
): ServerSettings {
  const saved: Record<string, unknown> = { ...live };
  for (const key of Object.keys(applied) as (keyof ServerSettings)[]) {
    if (!changed.has(key)) saved[key] = file[key];
  }
  const launchedKeys = new Set(launch.gatewayAuth?.keys ?? []);
  const gatewayAuth = saved.gatewayAuth as ServerSettings['gatewayAuth'];
  if (launchedKeys.size > 0 && gatewayAuth !== file.gatewayAuth) {
    const ownKeys = new Set(file.gatewayAuth.keys);
    const kept = gatewayAuth.keys.filter((key) => ownKeys.has(key) || !launchedKeys.has(key));
    // The file's keys that gave way to the launch's at the limit were never in force, so no one could remove them:
    // they go back into the file (as far as it has room), not lost with the next change to the setting.
    const inForce = new Set(applied.gatewayAuth?.keys ?? []);
    const givenWay = file.gatewayAuth.keys.filter((key) => !inForce.has(key) && !kept.includes(key));
    saved.gatewayAuth = { ...gatewayAuth, keys: [...kept, ...givenWay].slice(0, MAX_API_KEYS) };
  }
  return saved as ServerSettings;
}
