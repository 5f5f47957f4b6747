import type { PushSocketBehaviour } from '../../../shared/mounts/socket-endpoint';
import { type SlicedTimer, slicedTimeout } from '../../support/sliced-timer';
import type { IssuePath } from '../../world/mount-validation-error';
import type { ClientMessage, SocketSession } from '../message-socket-endpoint';
import { compileMessageMatch } from './message-match';
import type { SocketCompileTools } from './socket-compile-tools';
import type { SocketConversation } from './socket-conversation';
import { compileFrame } from './socket-frames';

/**
 * Push: a frame every `intervalMs`, from connect or from a message that starts it (a subscribe) until one that
 * stops it, `count` frames, or the socket's end. Ticks keep to the schedule set when the feed started (a slow
 * event loop does not make them drift); a tick that falls behind by a whole interval is skipped, not sent in a
 * burst. Each frame may be skipped when the client is not reading (counted on the connection), so a stalled client
 * never makes the engine hold more and more frames. The timer stops when the socket closes.
 */
export function compilePush(behaviour: PushSocketBehaviour, at: IssuePath, tools: SocketCompileTools) {
  const frame = compileFrame(behaviour.frame, [...at, 'frame'], tools);
  const startOn = behaviour.startOn && compileMessageMatch(behaviour.startOn, [...at, 'startOn'], tools);
  const stopOn = behaviour.stopOn && compileMessageMatch(behaviour.stopOn, [...at, 'stopOn'], tools);
  const { intervalMs, firstAfterMs, count } = behaviour;

  return (conversation: SocketConversation): SocketSession => {
    let timer: SlicedTimer | undefined;
    let origin = 0;
    let tick = 0;
    let sent = 0;
    let startedBy: ClientMessage | undefined;

    const stop = () => {
      timer?.cancel();
      timer = undefined;
    };
    const schedule = () => {
      const now = performance.now();
      let due = origin + tick * intervalMs;
      if (due < now - intervalMs) {
        tick = Math.ceil((now - origin) / intervalMs);
        due = origin + tick * intervalMs;
      }
      // Sliced, as run work is: thousands of feeds due at once ran in one stretch of the timers phase as Node timers.
      timer = slicedTimeout(push, Math.max(0, due - now));
    };
    const push = () => {
      timer = undefined;
      if (!conversation.connection.isOpen) return;
      const text = conversation.render('frame', () =>
        frame.render(conversation.scope(startedBy), conversation.session('push')),
      );
      // A template that fails fails on every tick: the feed stops, reported once.
      if (text === undefined) return;
      conversation.connection.sendFrame({ text, eventType: null, skippable: true }, frame.delayMs);
      sent++;
      tick++;
      if (count !== undefined && sent >= count) return;
      schedule();
    };
    const start = (message?: ClientMessage) => {
      startedBy = message;
      origin = performance.now() + firstAfterMs;
      tick = 0;
      sent = 0;
      schedule();
    };

    if (!startOn) start();
    return {
      message(message) {
        conversation.receive();
        if (stopOn?.(message)) stop();
        else if (startOn?.(message) && timer === undefined) start(message);
      },
      closed: stop,
    };
  };
}
