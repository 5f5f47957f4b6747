import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacCheck } from '../../../shared/mounts/socket-endpoint';
import type { RenderSession } from '../../templates/template-engine';
import type { IssuePath } from '../../world/mount-validation-error';
import type { SocketCompileTools } from './socket-compile-tools';
import { compileSocketText } from './socket-frames';
import type { SocketTemplateScope } from './socket-template-scope';

/** Whether the message carries the right signature. */
export type SignatureCheck = (scope: SocketTemplateScope, session: RenderSession) => boolean;

/**
 * Compiles an HMAC check: the digest of the signed text (a template of the message) under the secret, encoded as
 * the client encodes it, must equal the signature the client sent (a template too), compared in constant time.
 */
export function compileHmacCheck(check: HmacCheck, at: IssuePath, tools: SocketCompileTools): SignatureCheck {
  const signed = compileSocketText(check.message, [...at, 'message'], tools);
  const given = compileSocketText(check.signature, [...at, 'signature'], tools);
  const { algorithm, secret, encoding } = check;
  return (scope, session) => {
    const digest = createHmac(algorithm, secret).update(signed.render(scope, session), 'utf8').digest(encoding);
    const sent = given.render(scope, session);
    // Hex is the same digest in either case; base64 is compared exactly, as the client wrote it.
    const expected = Buffer.from(digest);
    const actual = Buffer.from(encoding === 'hex' ? sent.toLowerCase() : sent);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  };
}
