import { type MockServer, type MockServerOptions, PortInUseError } from '../server/index';

export interface EngineHostDeps {
  /** startMockServer in the app. */
  start: (options: MockServerOptions) => Promise<MockServer>;
  /** Asks whether to start on a free port instead of the busy one; false means quit. */
  askUseFreePort: (port: number) => Promise<boolean>;
  options?: Omit<MockServerOptions, 'port'>;
}

/**
 * Starts the engine in this process on the wanted port. When that port is taken the user chooses: any free
 * port, or quit (undefined). Every other failure is thrown, for the caller's error dialog.
 */
export async function startEngine(port: number, deps: EngineHostDeps): Promise<MockServer | undefined> {
  try {
    return await deps.start({ ...deps.options, port });
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    if (!(await deps.askUseFreePort(port))) return undefined;
    return deps.start({ ...deps.options, port: 0 });
  }
}
