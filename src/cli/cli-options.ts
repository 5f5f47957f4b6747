import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { hostProblem } from '../server/listen-host';
import { closestName } from '../shared/closest-name';
import { CONSOLE_TOKEN, CONSOLE_TOKEN_RULE } from '../shared/console-token-rule';
import { MAX_API_KEYS, MIN_HEARTBEAT_MS } from '../shared/setting-bounds';
import type { TlsSetting } from '../shared/settings';
import { WORKSPACE_TEMPLATES, type WorkspaceTemplate } from '../shared/workspace-template-names';

/** The commands, each with the lines that show how to call it. */
const SYNOPSES = {
  serve: `  agui-mock serve [options]     start the mock backend and its console`,
  init: `  agui-mock init [FILE] [--template NAME]
                                write a new workspace file (default mock.agui.json), making its folders; never overwrites`,
  validate: `  agui-mock validate FILE       check a workspace file: exit 0 with a summary, or 1 with line/field and problem`,
  'import-openapi': `  agui-mock import-openapi SPEC [--into FILE] [--base-path PATH] [--replace] [--dry-run]
                                turn an OpenAPI 3.0/3.1 document (a file or file: URL, or an http(s) URL such as
                                a FastAPI server's /openapi.json) into routes: merged into FILE by id (created from the
                                blank template when missing, its folders too), or printed as JSON without --into`,
} as const;

type CommandName = keyof typeof SYNOPSES;

const OPTIONS_OF: Partial<Record<CommandName, string>> = {
  serve: `Options for serve:
  --port N          port for HTTP and WebSocket (default 8000; 0 = any free port)
  --host HOST       interface to listen on (default 127.0.0.1)
  --workspace FILE  serve the world in FILE (mounts, packs, scenarios, settings) and autosave changes to it
                    (created from --template when missing); flags below override its settings
  --template NAME   the world to serve without --workspace, or to create a missing FILE from (default agora)
  --speed X         multiplies every scenario delay (default 1; 0 = no delays, for tests); the delays of routes
                    and of echo, push and rules sockets stay real time
  --token TOKEN     console token: 8 to 256 letters, digits, ".", "_", "~" or "-" (default: $AGUI_MOCK_TOKEN when
                    set, which other users cannot see in ps as they can a flag; else random per launch)
  --api-key KEY     require KEY as a gateway would: X-API-Key on every mocked REST request (else 401), ?token=KEY
                    on every mocked WebSocket (else closed 4001 "Unauthorized"); repeat for several keys. Joins
                    the workspace's keys for this launch only (not saved); /__console is not affected
  --heartbeat S     seconds between WebSocket pings, at least 1; 0 disables (default 30)
  --max-payload N   largest WebSocket frame in bytes (default 1048576)
  --tls             serve HTTPS and WSS with a self-signed certificate for localhost, 127.0.0.1 and ::1 (made
                    on first use and kept in the config folder, so a browser's exception survives restarts)
  --cert FILE       serve HTTPS and WSS with your own PEM certificate (intermediates may follow it) …
  --key FILE        … and its unencrypted PEM private key (RSA, ECDSA or Ed25519); give both or neither
  --quiet           do not log requests and connections, only the start banner and errors
  -h, --help        show this help (after a command, that command's alone: agui-mock serve --help)
  -v, --version     print the version`,
  init: `Options for init:
  --template NAME   agora (AGORA's HAI backend: its pack, data and demo flows; the default), agora-real (the
                    same, with the contract of AGORA's real servers), generic (any AG-UI client: chat, a tool
                    call, shared state, an approval on /agent and /ws), dojo (the AG-UI Dojo's seven
                    server-starter-all-features endpoints), blank (no pack, one example route), echo (the classic
                    websockets echo server on every path: "Server echoes: <message>"; serve it with --port 8765),
                    or fastapi-tutorial (the FastAPI tutorial server: its REST routes and the /ws/echo,
                    /ws/stream and /ws/v5/private sockets)`,
  'import-openapi': `Options for import-openapi:
  --into FILE       the workspace to add the routes to (same id: replaced; new: added; the rest kept)
  --base-path PATH  put PATH before every route's path (default: the path of the document's first server; / for none)
  --replace         the imported routes replace every route of FILE
  --dry-run         print what would change, write nothing`,
};

const COMMANDS_USAGE = `Usage:
${Object.values(SYNOPSES).join('\n')}
  agui-mock --help | --version`;

/** The whole help: every command, then the options of each. */
export const USAGE = [COMMANDS_USAGE, ...Object.values(OPTIONS_OF)].join('\n\n');

const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(SYNOPSES, name);

/**
 * What to print after a usage error: how to call the command it was for and that command's options, not the whole
 * help (which buries the one line that matters); the list of commands when the error names none.
 */
export function usageFor(error: UsageError): string {
  const { command } = error;
  if (!isCommand(command)) return `${COMMANDS_USAGE}\n\nAll commands and options: agui-mock --help`;
  return commandUsage(command);
}

/** How to call `command` and its options: after a usage error of it, and for `agui-mock COMMAND --help`. */
export function commandUsage(command: CommandName): string {
  const options = OPTIONS_OF[command];
  return [
    `Usage:\n${SYNOPSES[command]}`,
    ...(options ? [options] : []),
    'All commands and options: agui-mock --help',
  ].join('\n\n');
}

/** Settings flags are undefined when not given, so a workspace's own settings apply. */
export interface ServeOptions {
  command: 'serve';
  port: number;
  host: string;
  workspace: string | undefined;
  template: WorkspaceTemplate | undefined;
  speed: number | undefined;
  token: string | undefined;
  heartbeatSeconds: number | undefined;
  maxPayloadBytes: number | undefined;
  /** Undefined when no TLS flag was given; cert and key paths are absolute. */
  tls: TlsSetting | undefined;
  /** Gateway API keys for this launch (`--api-key`, repeatable); empty when none was given. */
  apiKeys: string[];
  quiet: boolean;
}

export interface InitOptions {
  command: 'init';
  file: string;
  template: WorkspaceTemplate;
}

export interface ValidateOptions {
  command: 'validate';
  file: string;
}

export interface ImportOpenApiOptions {
  command: 'import-openapi';
  /** A file, or an http(s) URL. */
  spec: string;
  into: string | undefined;
  basePath: string | undefined;
  replace: boolean;
  dryRun: boolean;
}

export type CliCommand =
  | ServeOptions
  | InitOptions
  | ValidateOptions
  | ImportOpenApiOptions
  | { command: 'help'; of?: CommandName }
  | { command: 'version' };

/**
 * Thrown for anything the user typed wrong; the CLI prints it with the usage of `command` (`usageFor`) and exits 2.
 */
export class UsageError extends Error {
  /** The command the arguments were for, when they name one. */
  command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** A bad value in an environment variable: exit 2 as a usage error, said in one line (no argument was wrong). */
export class EnvironmentError extends UsageError {}

/** The console token for `serve` without `--token`: `ps` shows every user a process's arguments, not its environment. */
const TOKEN_ENV = 'AGUI_MOCK_TOKEN';

/**
 * Async only to load the API-key schema when `--api-key` is given: the options module imports nothing that builds
 * schemas, so --help, --version and most usage errors answer without loading zod.
 */
export async function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliCommand> {
  const args = withNegativeNumbersJoined(argv);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw parseError(error as Error & { code?: string }, args);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    // `agui-mock serve --help`: that command's usage; the whole help without one.
    const [of] = positionals;
    return isCommand(of) ? { command: 'help', of } : { command: 'help' };
  }
  if (values.version) return { command: 'version' };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError('missing command: did you mean `agui-mock serve`?');
  if (!isCommand(command)) throw new UsageError(unknownCommand(command));
  try {
    return await commandOptions(command, extra, values, env);
  } catch (error) {
    if (error instanceof UsageError) error.command ??= command;
    throw error;
  }
}

/** An unknown command, with the one it most likely meant (`sevre` → serve; `help` → --help, as git and npm take it). */
function unknownCommand(typed: string): string {
  const flag = ['help', 'version'].includes(typed.toLowerCase()) ? `--${typed.toLowerCase()}` : undefined;
  const meant = flag ?? closestName(typed, Object.keys(SYNOPSES));
  return `unknown command '${typed}'${meant ? `. Did you mean agui-mock ${meant}?` : ''}`;
}

async function commandOptions(
  command: CommandName,
  extra: string[],
  values: Values,
  env: NodeJS.ProcessEnv,
): Promise<CliCommand> {
  if (command === 'init' || command === 'validate') return workspaceCommand(command, extra, values);
  if (command === 'import-openapi') return importCommand(extra, values);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  misplacedFlag(IMPORT_ONLY, 'import-openapi', values);
  return {
    command: 'serve',
    port: integer('--port', values.port ?? '8000', 0, 65535),
    host: host(values.host),
    workspace: values.workspace === undefined ? undefined : fileName('--workspace', values.workspace),
    template: values.template === undefined ? undefined : template(values.template),
    speed: optional(values.speed, (text) => number('--speed', text, 0, 100)),
    token: token(values.token, env[TOKEN_ENV]),
    heartbeatSeconds: optional(values.heartbeat, (text) => {
      const seconds = number('--heartbeat', text, 0, 3600);
      // Each peer gets one interval to answer a ping: the setting's own bound, said in the flag's unit.
      if (seconds > 0 && seconds * 1000 < MIN_HEARTBEAT_MS)
        throw new UsageError(`--heartbeat must be 0 (off) or at least ${MIN_HEARTBEAT_MS / 1000} s (got ${text})`);
      return seconds;
    }),
    maxPayloadBytes: optional(values['max-payload'], (text) => integer('--max-payload', text, 1024, 64 * 1024 * 1024)),
    tls: tls(values),
    apiKeys: await apiKeys(values['api-key'] ?? []),
    quiet: values.quiet ?? false,
  };
}

const SERVE_ONLY = [
  'port',
  'host',
  'workspace',
  'speed',
  'token',
  'heartbeat',
  'max-payload',
  'tls',
  'cert',
  'key',
  'api-key',
  'quiet',
] as const;
const IMPORT_ONLY = ['into', 'base-path', 'replace', 'dry-run'] as const;

type Values = ReturnType<typeof parse>['values'];

/** A flag of another command: said plainly rather than ignored. */
function misplacedFlag(flags: readonly (keyof Values)[], owner: string, values?: Values): void {
  const misplaced = values && flags.find((flag) => values[flag] !== undefined);
  if (misplaced) throw new UsageError(`--${String(misplaced)} belongs to \`agui-mock ${owner}\``);
}

function workspaceCommand(command: 'init' | 'validate', args: string[], values: Values): InitOptions | ValidateOptions {
  misplacedFlag(SERVE_ONLY, 'serve', values);
  misplacedFlag(IMPORT_ONLY, 'import-openapi', values);
  if (args.length > 1) throw new UsageError(`unexpected argument '${args[1]}'`);
  if (command === 'validate') {
    if (args[0] === undefined) throw new UsageError('validate needs a FILE: agui-mock validate mock.agui.json');
    if (values.template !== undefined) throw new UsageError('--template belongs to `agui-mock init` and `serve`');
    return { command, file: fileName('FILE', args[0]) };
  }
  return {
    command,
    file: fileName('FILE', args[0] ?? 'mock.agui.json'),
    template: template(values.template ?? 'agora'),
  };
}

async function importCommand(args: string[], values: Values): Promise<ImportOpenApiOptions> {
  misplacedFlag(SERVE_ONLY, 'serve', values);
  if (values.template !== undefined) throw new UsageError('--template belongs to `agui-mock init` and `serve`');
  if (args[0] === undefined)
    throw new UsageError('import-openapi needs a SPEC: a file or URL, e.g. agui-mock import-openapi openapi.json');
  if (args.length > 1) throw new UsageError(`unexpected argument '${args[1]}'`);
  const basePath = await checkedBasePath(values['base-path']);
  return {
    command: 'import-openapi',
    spec: fileName('SPEC', args[0]),
    into: values.into === undefined ? undefined : fileName('--into', values.into),
    basePath,
    replace: values.replace ?? false,
    dryRun: values['dry-run'] ?? false,
  };
}

/** `--cert` and `--key` go together (and imply TLS); `--tls` alone is the self-signed certificate. */
function tls(values: Values): TlsSetting | undefined {
  const { cert, key } = values;
  if ((cert === undefined) !== (key === undefined))
    throw new UsageError(
      `${cert === undefined ? '--key' : '--cert'} needs ${cert === undefined ? '--cert' : '--key'} too: give the certificate and its key`,
    );
  // Two certificates asked for, one served: which would be a guess.
  if (cert !== undefined && values.tls)
    throw new UsageError('--tls makes a self-signed certificate and --cert/--key serve yours: give one or the other');
  if (cert !== undefined && key !== undefined)
    return { cert: resolve(fileName('--cert', cert)), key: resolve(fileName('--key', key)) };
  return values.tls ? 'self-signed' : undefined;
}

function template(name: string): WorkspaceTemplate {
  if (!(WORKSPACE_TEMPLATES as readonly string[]).includes(name))
    throw new UsageError(`--template must be one of ${WORKSPACE_TEMPLATES.join(', ')} (got '${name}')`);
  return name as WorkspaceTemplate;
}

function fileName(what: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`${what} must be a file name`);
  // A name whose bytes are not UTF-8 arrives with U+FFFD in their place: it names no file there is (serve would
  // create one beside the user's, validate call the user's missing), unless a file is really named so.
  if (text.includes('\uFFFD') && !existsSync(text))
    throw new UsageError(
      `${what} ${JSON.stringify(text)}: the name is not UTF-8 (\uFFFD stands for bytes that are not), so agui-mock cannot open it; rename it in UTF-8`,
    );
  return text;
}

function optional<T>(text: string | undefined, parse: (text: string) => T): T | undefined {
  return text === undefined ? undefined : parse(text);
}

/** Options whose value is a number: `--port -1` means that value, to be refused as one, not a missing value. */
const NUMBER_OPTIONS = new Set(['--port', '--speed', '--heartbeat', '--max-payload']);

/** `--port -1` as `--port=-1`: parseArgs takes a value starting with a dash for another option. */
function withNegativeNumbersJoined(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    // After `--`, every argument is a positional one, as typed.
    if (arg === '--') return [...joined, ...argv.slice(i)];
    const next = argv[i + 1];
    if (NUMBER_OPTIONS.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** Long options whose names a mistyped one is compared with, by the command it was given to. */
const OPTIONS_FOR: Record<CommandName, readonly string[]> = {
  serve: [...SERVE_ONLY, 'template', 'help', 'version'],
  init: ['template', 'help', 'version'],
  validate: ['help', 'version'],
  'import-openapi': [...IMPORT_ONLY, 'help', 'version'],
};

/**
 * A parseArgs error as a usage error for the command the arguments name (the first of them that is one). An unknown
 * option is said plainly, with the option it most likely meant when one is close (`Unknown option --prot for serve.
 * Did you mean --port?`), instead of parseArgs' words about positional arguments after `--`.
 */
function parseError(error: Error & { code?: string }, args: string[]): UsageError {
  // Read again without refusing anything, for what the arguments hold.
  const { tokens } = parseArgs({ args, allowPositionals: true, strict: false, tokens: true, options: OPTIONS });
  const command = tokens.find(
    (token): token is Extract<typeof token, { kind: 'positional' }> =>
      token.kind === 'positional' && isCommand(token.value),
  )?.value;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const problem = valueProblem(tokens, args);
    if (problem) return new UsageError(problem, command);
  }
  const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(OPTIONS, token.name));
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || unknown?.kind !== 'option')
    return new UsageError(error.message, command);
  const options = isCommand(command) ? OPTIONS_FOR[command] : Object.keys(OPTIONS);
  // `-port` is read as the short options -p -o -r -t: typed as one long option with one dash, it is named as typed.
  const typed = args[unknown.index] ?? '';
  const group = /^-[^-]./.test(typed) ? typed.split('=')[0] : undefined;
  const groupMeant = group && closestName(group.slice(1), options);
  const shown = groupMeant ? group : unknown.rawName;
  const meant = groupMeant || closestName(unknown.rawName.replace(/^-+/, ''), options);
  return new UsageError(
    `Unknown option ${shown}${command ? ` for ${command}` : ''}.${meant ? ` Did you mean --${meant}?` : ''}`,
    command,
  );
}

type ParsedToken = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * An option given without its value (`--port` last, or followed by another option) or a flag given one
 * (`--tls=yes`), said in one line with how to write it: parseArgs' own words take three lines, about `--port=-XYZ`.
 */
function valueProblem(tokens: ParsedToken[], args: string[]): string | undefined {
  for (const token of tokens) {
    if (token.kind !== 'option' || !Object.hasOwn(OPTIONS, token.name)) continue;
    const name = token.name as keyof typeof OPTIONS;
    const option = OPTIONS[name];
    if (option.type === 'boolean' && token.value !== undefined)
      return `${token.rawName} takes no value (got ${args[token.index]})`;
    // Read without refusing anything, an option takes the argument after it as its value, even `--quiet`.
    const taken = token.inlineValue ? undefined : token.value;
    if (option.type === 'string' && (token.value === undefined || taken?.startsWith('-'))) {
      // Before another option the value was forgotten; anything else may be a value that starts with "-".
      const dashed =
        taken && !isOptionName(taken) ? `; a value that starts with "-" is written ${token.rawName}=${taken}` : '';
      return `${token.rawName} needs a value: ${token.rawName} ${VALUE_NAMES[name as StringOption]}${dashed}`;
    }
  }
  return undefined;
}

/** Whether `arg` is one of the options as typed (`--quiet`, `--port=1`, `-h`). */
function isOptionName(arg: string): boolean {
  const name = arg.startsWith('--') ? arg.slice(2).split('=')[0] : undefined;
  if (name !== undefined) return Object.hasOwn(OPTIONS, name);
  return Object.values(OPTIONS).some((option) => 'short' in option && arg === `-${option.short}`);
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  workspace: { type: 'string' },
  template: { type: 'string' },
  speed: { type: 'string' },
  token: { type: 'string' },
  heartbeat: { type: 'string' },
  'max-payload': { type: 'string' },
  tls: { type: 'boolean' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'api-key': { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  into: { type: 'string' },
  'base-path': { type: 'string' },
  replace: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

type StringOption = {
  [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K]['type'] extends 'string' ? K : never;
}[keyof typeof OPTIONS];

/** What each option's value is called in the usage. */
const VALUE_NAMES: Record<StringOption, string> = {
  port: 'N',
  host: 'HOST',
  workspace: 'FILE',
  template: 'NAME',
  speed: 'X',
  token: 'TOKEN',
  heartbeat: 'S',
  'max-payload': 'N',
  cert: 'FILE',
  key: 'FILE',
  'api-key': 'KEY',
  into: 'FILE',
  'base-path': 'PATH',
};

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
}

/** Plain decimal notation (`.5` too): what `Number` also reads (`0x50`, `1e3`, ` 80`) is a typo more often than meant. */
const DECIMAL = /^-?(\d+(\.\d+)?|\.\d+)$/;

function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || value < min || value > max)
    throw new UsageError(`${flag} must be a number from ${min} to ${max} (got '${text}')`);
  return value;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = number(flag, text, min, max);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number (got '${text}')`);
  return value;
}

function host(text: string | undefined): string {
  if (text === undefined) return '127.0.0.1';
  if (text.trim() === '')
    throw new UsageError('--host needs an interface: a name or address such as 127.0.0.1 or 0.0.0.0');
  const problem = hostProblem(text);
  if (problem) throw new UsageError(`--host ${problem}`);
  return text;
}

/** `--token`, else `$AGUI_MOCK_TOKEN`: the flag wins, and the variable is not looked at then. */
function token(flag: string | undefined, fromEnv: string | undefined): string | undefined {
  if (flag !== undefined) {
    if (!CONSOLE_TOKEN.test(flag)) throw new UsageError(`--token must be ${CONSOLE_TOKEN_RULE}`);
    return flag;
  }
  if (fromEnv !== undefined && !CONSOLE_TOKEN.test(fromEnv))
    throw new EnvironmentError(`the environment variable ${TOKEN_ENV} must be ${CONSOLE_TOKEN_RULE}`);
  return fromEnv;
}

/** A prefix every imported route can have, refused before the document is read rather than once per route. */
async function checkedBasePath(text: string | undefined): Promise<string | undefined> {
  if (text === undefined) return undefined;
  if (!/^(\/[^\s/]+)*\/?$/.test(text))
    throw new UsageError(`--base-path must be a path such as /api/v1 (got '${text}')`);
  // By the routes' own path rule (loaded only when a base path is given).
  const { basePathProblem } = await import('../server/openapi/base-path');
  const problem = basePathProblem(text);
  if (problem) throw new UsageError(`--base-path '${text}': no route can have a path under it: ${problem}`);
  return text;
}

async function apiKeys(keys: string[]): Promise<string[]> {
  if (keys.length > MAX_API_KEYS) throw new UsageError(`--api-key may be given at most ${MAX_API_KEYS} times`);
  if (keys.length === 0) return [];
  // Checked by the workspace's own rule, so a key the flag takes the file takes too (loaded only when keys are given).
  const { ApiKeySchema } = await import('../shared/settings');
  for (const key of keys) {
    const checked = ApiKeySchema.safeParse(key);
    if (!checked.success)
      throw new UsageError(`--api-key: ${checked.error.issues[0]?.message} (got ${JSON.stringify(key)})`);
  }
  return [...new Set(keys)];
}
