import { isIP } from 'node:net';
import type { TlsIdentity } from './tls-identity';

/**
 * What will make clients refuse a certificate the engine can still serve: a name the URLs do not match, or a key
 * type browsers do not take.
 */
export function certificateWarnings({ certificate, info }: TlsIdentity, origin: string): string[] {
  const warnings: string[] = [];
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  const matches = isIP(host) ? certificate.checkIP(host) : certificate.checkHost(host);
  if (matches === undefined)
    warnings.push(
      `the TLS certificate ${info.certFile} is not for ${host} (it is for ${info.names.join(', ') || info.subject}): clients that check it will refuse ${origin}`,
    );
  if (certificate.publicKey.asymmetricKeyType === 'ed25519' || certificate.publicKey.asymmetricKeyType === 'ed448')
    warnings.push(
      `the TLS certificate ${info.certFile} has an ${certificate.publicKey.asymmetricKeyType} key: Node, curl and Python clients take it, browsers do not (use RSA or ECDSA for a browser)`,
    );
  return warnings;
}
