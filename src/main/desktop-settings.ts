import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

export const DEFAULT_PORT = 8000;

const PortSchema = z.number().int().min(0).max(65_535);
const DesktopSettingsSchema = z.object({
  port: PortSchema.default(DEFAULT_PORT),
  /** A workspace file to load and autosave, as `agui-mock serve --workspace`; none keeps the world in memory. */
  workspace: z.string().min(1).optional(),
});

export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export interface SettingsResult {
  settings: DesktopSettings;
  /** Why the file was not used, for the log; the defaults apply then. */
  problem?: string;
}

/**
 * The desktop app's own settings (`settings.json` in userData): the port the engine listens on and the
 * workspace it loads. `--port N` and `--workspace FILE` on the command line win, as in `agui-mock serve`, so
 * `npm start -- --port 0` works the same with and without Electron. Relative workspace paths are taken from the
 * settings file's folder, or from the working directory for the command line.
 */
export function readDesktopSettings(file: string, argv: readonly string[], cwd = process.cwd()): SettingsResult {
  const result = readSettingsFile(file);
  const settings = { ...result.settings };
  if (settings.workspace) settings.workspace = resolve(dirname(file), settings.workspace);
  const port = portArgument(argv);
  if (port !== undefined) settings.port = port;
  const workspace = optionValue(argv, '--workspace');
  if (workspace) settings.workspace = resolve(cwd, workspace);
  return { ...result, settings };
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
  const value = optionValue(argv, '--port');
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const port = PortSchema.safeParse(Number(value));
  return port.success ? port.data : undefined;
}

/** The value of `--name VALUE` or `--name=VALUE`, the last one given winning as in most CLIs. */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === name) value = argv[index + 1];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  });
  return value;
}
