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
  /** What it is asked for each of ROUTES, by position; `undefined` where it cannot serve that route. */
  routes: (LoadRoute | undefined)[];
  /** Its AGORA `/ws`, for the 1,000 concurrent runs, if it has one. */
  wsUrl?: string;
  note: string;
}

/**
 * Which of the mock's two shapes the file is, and whether this interpreter can run it: the FastAPI version
 * (an `app`, served by uvicorn) or the later one that answers HTTP through the `websockets` library alone (its
 * `process_request` hook, websockets 14 or newer). Printed as one word, or a reason on stderr and exit 1.
 */
const PROBE = `
import importlib, sys
sys.path.insert(0, sys.argv[1])
try:
    mock = importlib.import_module(sys.argv[2])
except Exception as error:
    sys.exit(f"importing it failed: {error!r}")
if hasattr(mock, "app"):
    try:
        import uvicorn
    except ImportError:
        sys.exit("its FastAPI version needs uvicorn (Debian: python3-uvicorn)")
    print("fastapi")
elif hasattr(mock, "process_request") and hasattr(mock, "handle_connection"):
    import websockets
    major = int(websockets.__version__.split(".")[0])
    if major < 14:
        sys.exit(f"it answers HTTP through websockets 14 or newer; this interpreter has websockets {websockets.__version__} (Debian 13's python3-websockets has it; point PYTHONPATH at a copy)")
    print("websockets")
else:
    sys.exit("it has neither an \`app\` (FastAPI) nor \`process_request\` and \`handle_connection\` (websockets)")
`;

/** The websockets version's own `main()` binds localhost:8000; this serves its handlers on the bench's port. */
const SERVE_WEBSOCKETS = `
import asyncio, importlib, sys
sys.path.insert(0, sys.argv[1])
mock = importlib.import_module(sys.argv[2])
import websockets
async def main():
    async with websockets.serve(mock.handle_connection, "127.0.0.1", int(sys.argv[3]), process_request=mock.process_request):
        await asyncio.Future()
asyncio.run(main())
`;

/**
 * AGORA's Python mock, run as its own `main()` runs it (uvicorn's defaults with its access log, or websockets'
 * server; its `print`s on): either version of its file. Throws, with what to do, when it cannot run here.
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
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', PROBE, dirname(path), module], {
    timeout: 30_000,
  }).catch((error: { stderr?: string }) => {
    const reason = error.stderr?.trim().split('\n').at(-1) || messageOf(error);
    throw new Error(`${PYTHON} cannot run ${basename(path)}: ${reason}`);
  });
  // The last line: the module may print on import.
  const shape = stdout.trim().split('\n').at(-1);
  const port = await freePort();
  const args =
    shape === 'fastapi'
      ? ['-m', 'uvicorn', '--app-dir', dirname(path), `${module}:app`, '--host', '127.0.0.1', '--port', String(port)]
      : ['-c', SERVE_WEBSOCKETS, dirname(path), module, String(port)];
  const server = await ExternalServer.start(PYTHON, args, port, '/health').catch((error: unknown) => {
    throw new Error(`the mock did not start: ${messageOf(error)}`);
  });
  const routes = ROUTES.map((route) =>
    route.method === 'PUT' ? { ...route, path: route.path.replace('user_id=koen', `user_id=${KOEN_UUID}`) } : route,
  );
  return {
    server,
    // websockets' HTTP parser refuses every method but GET (400 before the mock sees it): its PUT is not measured.
    routes: shape === 'fastapi' ? routes : routes.map((route) => (route.method === 'GET' ? route : undefined)),
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    note:
      shape === 'fastapi'
        ? "all routes; PUT as user_id=<Koen's UUID> (it keys users by UUID); FastAPI version, uvicorn"
        : 'GET routes only (websockets, which serves its HTTP, refuses PUT); a connection per request (it closes after each)',
  };
}
