import type { RulesSocketBehaviour, SocketAction, SocketRule } from '../../../shared/mounts/socket-endpoint';
import { inTurn } from '../../support/sliced-timer';
import type { IssuePath } from '../../world/mount-validation-error';
import type { ClientMessage, SocketSession } from '../message-socket-endpoint';
import { compileHmacCheck, type SignatureCheck } from './hmac-check';
import { compileMessageMatch, type MessageMatcher } from './message-match';
import type { SocketCompileTools } from './socket-compile-tools';
import type { SocketConversation } from './socket-conversation';
import { type CompiledAction, compileAction } from './socket-frames';

interface CompiledRule {
  readonly id: string;
  readonly matches: MessageMatcher;
  readonly requireFlags: readonly string[];
  readonly forbidFlags: readonly string[];
  readonly verify: SignatureCheck | undefined;
  readonly action: CompiledAction;
}

/**
 * Rules: a greeting on connect, then each message goes to the first rule that applies — its match holds, the
 * flags it requires are set and those it forbids are not, and its signature (when it verifies one) is right — and
 * that rule replies, broadcasts to the endpoint's other connections, changes flags and may close. A message no rule
 * takes gets `unmatched`. Once an action closes the connection, later messages are not answered.
 */
export function compileRules(behaviour: RulesSocketBehaviour, at: IssuePath, tools: SocketCompileTools) {
  const rules = behaviour.rules.map((rule, index) => compileRule(rule, [...at, 'rules', index], tools));
  const onConnect = behaviour.onConnect ? compileAction(behaviour.onConnect, [...at, 'onConnect'], tools) : undefined;
  const unmatched = compileAction(behaviour.unmatched, [...at, 'unmatched'], tools);
  checkFlags(behaviour, at, tools);

  return (conversation: SocketConversation): SocketSession => {
    // Greeted in its turn, as a message is answered (`inTurn`), not in the upgrade's I/O callback: a thousand clients
    // connecting at once, each greeting broadcast to every peer, held the engine for seconds in one go.
    if (onConnect)
      inTurn(() => {
        if (conversation.closing) return;
        try {
          conversation.act(onConnect, conversation.scope(), 'connect', 'onConnect');
        } catch (error) {
          conversation.fault(`onConnect could not be handled: ${(error as Error).message}`, error);
        }
      });
    const applies = (rule: CompiledRule, message: ClientMessage) =>
      rule.requireFlags.every((flag) => conversation.hasFlag(flag)) &&
      !rule.forbidFlags.some((flag) => conversation.hasFlag(flag)) &&
      rule.matches(message);
    return {
      message(message) {
        conversation.receive();
        if (conversation.closing) return;
        const scope = conversation.scope(message);
        for (const rule of rules) {
          if (!applies(rule, message)) continue;
          const where = `rule ${rule.id}`;
          const { verify } = rule;
          if (verify && !conversation.render(where, () => verify(scope, conversation.session(`rule:${rule.id}`))))
            continue;
          conversation.act(rule.action, scope, `rule:${rule.id}`, where);
          return;
        }
        conversation.act(unmatched, scope, 'unmatched', 'unmatched');
      },
      closed() {},
    };
  };
}

function compileRule(rule: SocketRule, at: IssuePath, tools: SocketCompileTools): CompiledRule {
  return {
    id: rule.id,
    matches: compileMessageMatch(rule.match, [...at, 'match'], tools),
    requireFlags: rule.requireFlags,
    forbidFlags: rule.forbidFlags,
    verify: rule.verify && compileHmacCheck(rule.verify.hmac, [...at, 'verify', 'hmac'], tools),
    action: compileAction(rule, at, tools),
  };
}

/** A rule that requires a flag nothing sets can never apply, a broadcast to such a flag never reach anyone: a typo. */
function checkFlags(behaviour: RulesSocketBehaviour, at: IssuePath, tools: SocketCompileTools): void {
  const actions = [behaviour.onConnect, behaviour.unmatched, ...behaviour.rules];
  const set = new Set(actions.flatMap((action) => action?.setFlags ?? []));
  behaviour.rules.forEach((rule, index) => {
    rule.requireFlags.forEach((flag, position) => {
      if (!set.has(flag))
        tools.issues.add(
          [...at, 'rules', index, 'requireFlags', position],
          `no action sets the flag "${flag}", so this rule could never apply: set it with setFlags`,
        );
    });
  });
  const placed: [IssuePath, SocketAction | undefined][] = [
    [[...at, 'onConnect'], behaviour.onConnect],
    [[...at, 'unmatched'], behaviour.unmatched],
    ...behaviour.rules.map((rule, index): [IssuePath, SocketAction] => [[...at, 'rules', index], rule]),
  ];
  for (const [where, action] of placed)
    action?.broadcast?.toFlags.forEach((flag, position) => {
      if (!set.has(flag))
        tools.issues.add(
          [...where, 'broadcast', 'toFlags', position],
          `no action sets the flag "${flag}", so this broadcast could never reach anyone: set it with setFlags`,
        );
    });
}
