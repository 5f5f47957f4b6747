import type { EchoSocketBehaviour } from '../../../shared/mounts/socket-endpoint';
import type { IssuePath } from '../../world/mount-validation-error';
import type { SocketSession } from '../message-socket-endpoint';
import type { SocketCompileTools } from './socket-compile-tools';
import type { SocketConversation } from './socket-conversation';
import { compileSocketText } from './socket-frames';

/**
 * Echo: every message goes back, text as text and binary as binary — as it came, or through the reply template
 * (a binary message then gets the reply's UTF-8 bytes).
 */
export function compileEcho(behaviour: EchoSocketBehaviour, at: IssuePath, tools: SocketCompileTools) {
  const reply = behaviour.reply === undefined ? undefined : compileSocketText(behaviour.reply, [...at, 'reply'], tools);
  const { delayMs } = behaviour;
  return (conversation: SocketConversation): SocketSession => ({
    message(message) {
      conversation.receive();
      const { connection } = conversation;
      if (!reply) {
        if (message.kind === 'binary')
          connection.sendFrame({ bytes: message.bytes, eventType: null, skippable: true }, delayMs);
        else connection.sendFrame({ text: message.text, eventType: null, skippable: true }, delayMs);
        return;
      }
      const text = conversation.render('reply', () =>
        reply.render(conversation.scope(message), conversation.session('echo')),
      );
      if (text === undefined) return;
      if (message.kind !== 'binary') {
        connection.sendFrame({ text, eventType: null, skippable: true }, delayMs);
        return;
      }
      connection.sendFrame({ bytes: Buffer.from(text), eventType: null, skippable: true }, delayMs);
    },
    closed() {},
  });
}
