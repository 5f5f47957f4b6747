import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StartedServer } from '../child-protocol';

/** Starts a bare reference server on a free loopback port, as a child reports it (no token: nothing to guard). */
export async function listenLocally(server: Server): Promise<StartedServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: '',
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
