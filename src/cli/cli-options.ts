import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  agui-mock serve [options]     start the mock AG-UI backend and its console
  agui-mock --help | --version

Options for serve:
  --port N          port for HTTP and WebSocket (default 8000; 0 = any free port)
  --host HOST       interface to listen on (default 127.0.0.1)
  --speed X         multiplies every scripted delay (default 1; 0 = no delays, for tests)
  --token TOKEN     console token (default: random per launch)
  --heartbeat S     seconds between WebSocket pings; 0 disables (default 30)
  --max-payload N   largest WebSocket frame in bytes (default 1048576)
  --quiet           do not log requests and connections, only the start banner and errors
  -h, --help        show this help
  -v, --version     print the version`;

export interface ServeOptions {
  command: 'serve';
  port: number;
  host: string;
  speed: number;
  token: string | undefined;
  heartbeatSeconds: number;
  maxPayloadBytes: number;
  quiet: boolean;
}

export type CliCommand = ServeOptions | { command: 'help' } | { command: 'version' };

/** Thrown for anything the user typed wrong; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

export function parseCliArgs(argv: string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError('missing command: did you mean `agui-mock serve`?');
  if (command !== 'serve') throw new UsageError(`unknown command '${command}'`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  return {
    command: 'serve',
    port: integer('--port', values.port ?? '8000', 0, 65535),
    host: values.host ?? '127.0.0.1',
    speed: number('--speed', values.speed ?? '1', 0, 100),
    token: token(values.token),
    heartbeatSeconds: number('--heartbeat', values.heartbeat ?? '30', 0, 3600),
    maxPayloadBytes: integer('--max-payload', values['max-payload'] ?? '1048576', 1024, 64 * 1024 * 1024),
    quiet: values.quiet ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      speed: { type: 'string' },
      token: { type: 'string' },
      heartbeat: { type: 'string' },
      'max-payload': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`${flag} must be a number from ${min} to ${max} (got '${text}')`);
  return value;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = number(flag, text, min, max);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number (got '${text}')`);
  return value;
}

function token(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9._~-]{8,256}$/.test(text))
    throw new UsageError('--token must be 8 to 256 characters of letters, digits, ".", "_", "~" or "-"');
  return text;
}
