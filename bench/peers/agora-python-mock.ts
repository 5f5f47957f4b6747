import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LoadRoute } from '../http-load';
import { ROUTES } from '../rest-bench';
import { messageOf } from './error-message';
import { ExternalServer, freePort } from './external-server';

/** Where the bench finds AGORA's mock: a path to `docs/hai-contract/mock_server.py` of Gradient-DS/AGORA. */
export const AGORA_MOCK_ENV = 'BENCH_AGORA_MOCK';
/** Debian's interpreter (its `python3-fastapi python3-uvicorn python3-websockets` packages); `python3` on PATH may be another. */
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
/** The mock keys its users by UUID; this is Koen's (ours also accepts `koen`). */
const KOEN_UUID = '550e8400-e29b-41d4-a716-446655440001';

export interface StartedPeer {
  server: ExternalServer;
  routes: LoadRoute[];
  /** Its AGORA `/ws`, for the 1,000 concurrent runs, if it has one. */
  wsUrl?: string;
  note: string;
}

/**
 * AGORA's Python mock (the FastAPI version), served by uvicorn with its defaults (access log on, as its own
 * `main()` runs it). Throws, with what to do, when it cannot run here.
 */
export async function startAgoraPythonMock(env: NodeJS.ProcessEnv = process.env): Promise<StartedPeer> {
  const file = env[AGORA_MOCK_ENV];
  if (!file) throw new Error(`set ${AGORA_MOCK_ENV} to AGORA's docs/hai-contract/mock_server.py`);
  const path = resolve(file);
  await access(path).catch(() => {
    throw new Error(`${AGORA_MOCK_ENV}: no file at ${path}`);
  });
  const module = basename(path).replace(/\.py$/, '');
  if (!/^[A-Za-z_]\w*$/.test(module))
    throw new Error(`${AGORA_MOCK_ENV}: ${basename(path)} is not a Python module name`);
  await promisify(execFile)(PYTHON, ['-c', 'import fastapi, uvicorn, websockets'], { timeout: 30_000 }).catch(() => {
    throw new Error(
      `${PYTHON} cannot import fastapi, uvicorn and websockets (Debian: apt-get install python3-fastapi python3-uvicorn python3-websockets)`,
    );
  });
  const port = await freePort();
  const server = await ExternalServer.start(
    PYTHON,
    ['-m', 'uvicorn', '--app-dir', dirname(path), `${module}:app`, '--host', '127.0.0.1', '--port', String(port)],
    port,
    '/health',
  ).catch((error: unknown) => {
    throw new Error(`the mock did not start (is it the FastAPI version, with an \`app\`?): ${messageOf(error)}`);
  });
  return {
    server,
    routes: ROUTES.map((route) =>
      route.method === 'PUT' ? { ...route, path: route.path.replace('user_id=koen', `user_id=${KOEN_UUID}`) } : route,
    ),
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    note: "all routes; PUT as user_id=<Koen's UUID> (it keys users by UUID)",
  };
}
