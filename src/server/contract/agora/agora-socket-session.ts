import type { Connection } from '../../ws/connection';
import type { ClientMessage, SocketSession } from '../../ws/message-socket-endpoint';

/** AGORA's `/ws`: one RunAgentInput (or an approval answer) per text frame in, AG-UI events out. */
export function agoraSocketSession(connection: Connection): SocketSession {
  const sendError = (errorCode: string, message: string) =>
    connection.send(
      JSON.stringify({ type: 'CUSTOM', name: 'agora:error', value: { errorCode, message }, timestamp: Date.now() }),
      'CUSTOM',
    );
  return {
    message(message: ClientMessage) {
      if (message.kind === 'binary')
        sendError('binary_frame', 'Binary frames are not supported: send JSON text frames');
      else if (message.kind === 'invalid-json') sendError('invalid_json', `Invalid JSON: ${message.error}`);
      else sendError('unknown_message', 'Expected a RunAgentInput or an agora:tool_approval_response');
    },
    closed() {},
  };
}
