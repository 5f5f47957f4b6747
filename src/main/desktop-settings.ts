import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const DEFAULT_PORT = 8000;

const PortSchema = z.number().int().min(0).max(65_535);
const DesktopSettingsSchema = z.object({ port: PortSchema.default(DEFAULT_PORT) });

export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export interface SettingsResult {
  settings: DesktopSettings;
  /** Why the file was not used, for the log; the defaults apply then. */
  problem?: string;
}

/**
 * The desktop app's own settings (`settings.json` in userData): for now the port the engine listens on.
 * `--port N` on the command line wins, as in `agui-mock serve`, so `npm start -- --port 0` works in both.
 */
export function readDesktopSettings(file: string, argv: readonly string[]): SettingsResult {
  const result = readSettingsFile(file);
  const port = portArgument(argv);
  return port === undefined ? result : { ...result, settings: { ...result.settings, port } };
}

function readSettingsFile(file: string): SettingsResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { settings: DesktopSettingsSchema.parse({}) };
  }
  try {
    const parsed = DesktopSettingsSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { settings: parsed.data };
    return { settings: DesktopSettingsSchema.parse({}), problem: `${file}: ${z.prettifyError(parsed.error)}` };
  } catch (error) {
    return { settings: DesktopSettingsSchema.parse({}), problem: `${file}: ${(error as Error).message}` };
  }
}

/** `--port N` or `--port=N`; an invalid value is ignored rather than guessed at. */
export function portArgument(argv: readonly string[]): number | undefined {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    const value = arg === '--port' ? argv[index + 1] : arg.startsWith('--port=') ? arg.slice(7) : undefined;
    if (value === undefined || !/^\d+$/.test(value)) continue;
    const port = PortSchema.safeParse(Number(value));
    if (port.success) return port.data;
  }
  return undefined;
}
