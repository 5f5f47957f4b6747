import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { benchPath } from '../bench-dir';
import { ROUTES } from '../rest-bench';
import type { BareKoaPayload } from '../servers/bare-koa-child';
import type { StartedPeer } from './agora-python-mock';
import { messageOf } from './error-message';
import { ExternalServer, freePort } from './external-server';

/** Installed on demand into a gitignored cache, not a dependency: most `npm install`s never need it. */
const CACHE_DIR = benchPath('.peers', 'mockoon');
const CLI_PACKAGE = '@mockoon/cli';
/** The major the environment below is written for (its `lastMigration`; `--repair` migrates older files). */
const CLI_MAJOR = 9;
const ENVIRONMENT_MIGRATION = 33;
const INSTALL_TIMEOUT_MS = 120_000;

/**
 * Mockoon's CLI serving an environment with the engine's recorded bodies on the same methods and paths (the
 * PUT answers by the `theme` in the body, through response rules). Bodies are Mockoon's default inline
 * bodies: templating on, as a user's environment has it. Throws, with the reason, when it cannot run.
 */
export async function startMockoon(bodies: BareKoaPayload, log: (message: string) => void): Promise<StartedPeer> {
  const cli = await installedCli(log);
  const port = await freePort();
  const environment = join(CACHE_DIR, 'environment.json');
  await writeFile(environment, `${JSON.stringify(mockoonEnvironment(bodies, port), null, 2)}\n`);
  const server = await ExternalServer.start(
    process.execPath,
    [
      cli.bin,
      'start',
      '--data',
      environment,
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
      '--disable-log-to-file',
      '--disable-admin-api',
      '--repair',
    ],
    port,
    '/health',
  ).catch((error: unknown) => {
    throw new Error(`mockoon-cli ${cli.version} did not start: ${messageOf(error)}`);
  });
  return { server, routes: ROUTES, note: `all routes; @mockoon/cli ${cli.version}` };
}

async function installedCli(log: (message: string) => void): Promise<{ bin: string; version: string }> {
  const manifestPath = join(CACHE_DIR, 'node_modules', CLI_PACKAGE, 'package.json');
  const read = async () =>
    JSON.parse(await readFile(manifestPath, 'utf8')) as { version: string; bin: Record<string, string> };
  let manifest = await read().catch(() => undefined);
  if (!manifest || Number(manifest.version.split('.')[0]) !== CLI_MAJOR) {
    log(`peers: installing ${CLI_PACKAGE}@${CLI_MAJOR} into ${CACHE_DIR}`);
    await mkdir(CACHE_DIR, { recursive: true });
    const args = ['install', '--prefix', CACHE_DIR, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
    await promisify(execFile)('npm', [...args, `${CLI_PACKAGE}@${CLI_MAJOR}`], { timeout: INSTALL_TIMEOUT_MS }).catch(
      (error: { stderr?: string; message: string }) => {
        const lines = error.stderr?.split('\n').filter((line) => /error/i.test(line) && !/complete log/.test(line));
        const reason = lines?.[0]?.replace(/^npm error\s*/, '').trim() || error.message;
        throw new Error(`npm install ${CLI_PACKAGE}@${CLI_MAJOR} failed (offline?): ${reason}`);
      },
    );
    manifest = await read();
  }
  const bin = manifest.bin['mockoon-cli'];
  if (!bin) throw new Error(`${CLI_PACKAGE} ${manifest.version} has no mockoon-cli binary`);
  return { bin: join(dirname(manifestPath), bin), version: manifest.version };
}

/** A Mockoon environment file: fields left out take Mockoon's defaults when it validates the file. */
function mockoonEnvironment(recorded: BareKoaPayload, port: number): unknown {
  const jsonBody = (value: unknown) => JSON.stringify(value);
  const routes = [
    ...Object.entries(recorded.bodies).map(([key, body]) =>
      route(key, [{ uuid: randomUUID(), body: jsonBody(body), statusCode: 200, default: true }]),
    ),
    ...Object.entries(recorded.putBodies).map(([key, answers]) =>
      route(
        key,
        Object.entries(answers).map(([theme, body], index) => ({
          uuid: randomUUID(),
          body: jsonBody(body),
          statusCode: 200,
          default: index === 0,
          rules: [{ target: 'body', modifier: 'theme', value: theme, invert: false, operator: 'equals' }],
          rulesOperator: 'OR',
        })),
      ),
    ),
  ];
  return {
    uuid: randomUUID(),
    lastMigration: ENVIRONMENT_MIGRATION,
    name: 'agui-mock bench',
    port,
    hostname: '127.0.0.1',
    routes,
    rootChildren: routes.map((entry) => ({ type: 'route', uuid: entry.uuid })),
    headers: [{ key: 'Content-Type', value: 'application/json' }],
  };
}

function route(key: string, responses: unknown[]): { uuid: string } & Record<string, unknown> {
  const [method, path] = key.split(' ') as [string, string];
  return { uuid: randomUUID(), type: 'http', method: method.toLowerCase(), endpoint: path.slice(1), responses };
}
