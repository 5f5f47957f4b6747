import type { MockServer } from '../../src/server/index';
import { CONTROL_API_PREFIX } from '../../src/shared/control-api';

export interface ControlResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

type Call = <T = unknown>(path: string, body?: unknown) => Promise<ControlResponse<T>>;

/** The control API's methods; named so the type does not depend on where `undici-types` is installed. */
export interface ControlClient {
  get<T = unknown>(path: string, headers?: Record<string, string>): Promise<ControlResponse<T>>;
  post: Call;
  put: Call;
  patch: Call;
  delete<T = unknown>(path: string): Promise<ControlResponse<T>>;
}

/** Calls the console's control API with the server's token, as a script or the console would. */
export function controlClient(server: MockServer, token = server.token): ControlClient {
  async function call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ControlResponse<T>> {
    const response = await fetch(`${server.url}${CONTROL_API_PREFIX}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
  }
  return {
    get: <T = unknown>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = unknown>(path: string, body?: unknown) => call<T>('POST', path, body),
    put: <T = unknown>(path: string, body?: unknown) => call<T>('PUT', path, body),
    patch: <T = unknown>(path: string, body?: unknown) => call<T>('PATCH', path, body),
    delete: <T = unknown>(path: string) => call<T>('DELETE', path),
  };
}
