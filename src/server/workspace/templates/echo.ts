import type { WorkspaceInput } from '../../../shared/workspace';
import { emptyWorkspace } from './empty-workspace';

/**
 * The classic `websockets` echo server (its quick-start `serve(echo, "localhost", 8765)`): a WebSocket on every
 * path that answers each message with `Server echoes: <message>`. Connects and disconnects show in the console and
 * in `agui-mock serve`'s traffic lines. Serve it where the classic client looks: `--template echo --port 8765`.
 */
export function echoTemplate(_now: number, name = 'Echo server'): WorkspaceInput {
  return {
    ...emptyWorkspace(
      name,
      'The classic websockets echo server: ws://localhost:8765 (any path) says back what it is sent.',
    ),
    sockets: [
      {
        id: 'echo',
        name: 'Echo',
        description: 'Every message comes back as "Server echoes: <message>" (binary frames as binary).',
        path: '/{*path}',
        behaviour: { type: 'echo', reply: 'Server echoes: {{message}}' },
      },
    ],
  };
}
