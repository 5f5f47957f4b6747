import type { JsonValue } from '../../../shared/json-value';
import type { SocketMatch } from '../../../shared/mounts/socket-endpoint';
import { compileBodyCondition, type RequestValues } from '../../routes/request-conditions';
import { compileUserRegex, type UserRegex } from '../../support/user-regex';
import type { IssuePath } from '../../world/mount-validation-error';
import type { ClientMessage } from '../message-socket-endpoint';
import type { SocketCompileTools } from './socket-compile-tools';

/** Whether a message is like a rule (or a feed's start) wants it. */
export type MessageMatcher = (message: ClientMessage) => boolean;

/** The text of a message: what a text regex reads and templates get as `message` (binary decoded as UTF-8). */
export function messageText(message: ClientMessage): string {
  return message.kind === 'binary' ? message.bytes.toString('utf8') : message.text;
}

/**
 * Compiles what a message must be like: a text regex (RE2), JSON conditions at JSONPaths (as a route's body
 * conditions), text or binary. Problems are added to `issues` at their field (`…match.text`, `…match.json.0.path`).
 */
export function compileMessageMatch(
  match: SocketMatch | undefined,
  at: IssuePath,
  tools: Pick<SocketCompileTools, 'issues' | 'reads'>,
): MessageMatcher {
  if (!match) return () => true;
  const { issues } = tools;
  let regex: UserRegex | undefined;
  if (match.text !== undefined) {
    try {
      regex = compileUserRegex(match.text);
    } catch (error) {
      issues.add([...at, 'text'], (error as Error).message);
    }
  }
  const conditions = (match.json ?? []).flatMap((condition, index) => {
    const failure = compileBodyCondition(condition, [...at, 'json', index], issues);
    return failure ? [failure] : [];
  });
  if (conditions.length > 0 && tools.reads) tools.reads.json = true;
  const { binary } = match;
  return (message) => {
    if (binary !== undefined && binary !== (message.kind === 'binary')) return false;
    if (regex && !regex.test(messageText(message))) return false;
    if (conditions.length === 0) return true;
    const values = jsonValues(message);
    return conditions.every((failure) => failure(values) === undefined);
  };
}

const NO_VALUES = { params: {}, query: {}, headers: {} };

/**
 * The message parsed as JSON, as templates (`json`) and JSON conditions read it: a text frame's, or a binary frame's
 * UTF-8 text when its endpoint reads JSON (`ClientMessage`); undefined when it is not JSON the engine takes.
 */
export function messageJson(message: ClientMessage): unknown {
  if (message.kind === 'json') return message.value;
  return message.kind === 'binary' ? message.json : undefined;
}

/** The message as JSON conditions read it: a JSON body, or none at all. */
function jsonValues(message: ClientMessage): RequestValues {
  const value = messageJson(message);
  if (value !== undefined) return { ...NO_VALUES, body: { kind: 'json', value: value as JsonValue }, bodyValue: value };
  return { ...NO_VALUES, body: { kind: 'none' }, bodyValue: undefined };
}
