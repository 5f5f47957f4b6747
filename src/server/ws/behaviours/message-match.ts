import type { JsonValue } from '../../../shared/json-value';
import type { SocketMatch } from '../../../shared/mounts/socket-endpoint';
import { compileBodyCondition, type RequestValues } from '../../routes/request-conditions';
import { compileUserRegex, type UserRegex } from '../../support/user-regex';
import type { IssuePath, MountIssues } from '../../world/mount-validation-error';
import type { ClientMessage } from '../message-socket-endpoint';

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
  issues: MountIssues,
): MessageMatcher {
  if (!match) return () => true;
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

/** The message as JSON conditions read it: a JSON body, or none at all. */
function jsonValues(message: ClientMessage): RequestValues {
  if (message.kind === 'json')
    return { ...NO_VALUES, body: { kind: 'json', value: message.value as JsonValue }, bodyValue: message.value };
  return { ...NO_VALUES, body: { kind: 'none' }, bodyValue: undefined };
}
