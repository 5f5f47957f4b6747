import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { TlsInfo } from '../../shared/control-api';
import { TlsError } from './tls-error';

/** A PKCS#8 encrypted key, or a traditional one with an encryption header. */
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,ENCRYPTED/m;

/** A certificate with its private key, checked to belong together and to be valid now. */
export interface TlsIdentity {
  /** PEM: the certificate, then any intermediates. */
  cert: string;
  /** PEM. */
  key: string;
  certificate: X509Certificate;
  info: TlsInfo;
}

/** PEM text and the file it came from (named in every message). */
export interface PemText {
  text: string;
  file: string;
}

/** Key types OpenSSL can sign a TLS handshake with. */
const SIGNING_KEY_TYPES = new Set(['rsa', 'rsa-pss', 'ec', 'ed25519', 'ed448']);

/**
 * Parses a certificate and its key and checks what would otherwise fail in a client's handshake, not at start:
 * the key belongs to the certificate, and the certificate is valid at `now`.
 */
export function checkTlsIdentity(cert: PemText, key: PemText, selfSigned: boolean, now = Date.now()): TlsIdentity {
  const certificate = parseCertificate(cert);
  const privateKey = parsePrivateKey(key);
  if (!certificate.checkPrivateKey(privateKey))
    throw new TlsError(
      `the TLS key ${key.file} does not belong to the certificate ${cert.file}: give the key it was made with`,
    );
  const validFrom = Date.parse(certificate.validFrom);
  const validTo = Date.parse(certificate.validTo);
  if (now >= validTo)
    throw new TlsError(
      `the TLS certificate ${cert.file} expired on ${day(validTo)}: renew it, or serve the engine's self-signed one instead`,
    );
  if (now < validFrom)
    throw new TlsError(
      `the TLS certificate ${cert.file} is not valid before ${day(validFrom)}: check the clock, or make a new one`,
    );
  checkUsable(cert, key);
  return {
    cert: cert.text,
    key: key.text,
    certificate,
    info: {
      fingerprint: certificate.fingerprint256,
      validFrom,
      validTo,
      selfSigned,
      subject: certificate.subject.split('\n').join(', '),
      names: certificate.subjectAltName?.split(', ') ?? [],
      certFile: cert.file,
    },
  };
}

function parseCertificate({ text, file }: PemText): X509Certificate {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
      throw new TlsError(
        `the TLS certificate ${file} holds a private key, not a certificate: are the certificate and key swapped?`,
      );
    throw new TlsError(`the TLS certificate ${file} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`);
  }
  try {
    return new X509Certificate(text);
  } catch (error) {
    throw new TlsError(`the TLS certificate ${file} cannot be read: ${reason(error)}`);
  }
}

function parsePrivateKey({ text, file }: PemText): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    if (text.includes('-----BEGIN CERTIFICATE-----'))
      throw new TlsError(
        `the TLS key ${file} holds a certificate, not a private key: are the certificate and key swapped?`,
      );
    throw new TlsError(`the TLS key ${file} is not a PEM private key (no "-----BEGIN … PRIVATE KEY-----" line)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    // OpenSSL 3 reports a missing passphrase as "interrupted or cancelled": the PEM itself says it is encrypted.
    if ((error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' || ENCRYPTED_PEM.test(text))
      throw new TlsError(
        `the TLS key ${file} is encrypted: give it unencrypted (openssl pkey -in ${file} -out plain-key.pem)`,
      );
    throw new TlsError(`the TLS key ${file} cannot be read: ${reason(error)}`);
  }
  if (!SIGNING_KEY_TYPES.has(key.asymmetricKeyType ?? ''))
    throw new TlsError(
      `the TLS key ${file} is a ${key.asymmetricKeyType ?? 'unknown'} key, which cannot sign a TLS handshake: use RSA, ECDSA or Ed25519`,
    );
  return key;
}

/**
 * What the server will do with the pair, done now: OpenSSL refuses keys below its security level (a 512-bit RSA
 * key) and reads every block of the chain, where the checks above read the first certificate only.
 */
function checkUsable(cert: PemText, key: PemText): void {
  try {
    createSecureContext({ cert: cert.text, key: key.text });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (/KEY_TOO_SMALL/.test(code))
      throw new TlsError(
        `the TLS key ${key.file} is too small for OpenSSL's security level: make a new one (RSA of at least 2048 bits, or ECDSA P-256)`,
      );
    throw new TlsError(
      `the TLS certificate ${cert.file} cannot be served with the key ${key.file}: ${reason(error)} (is every block of the certificate file a whole PEM certificate?)`,
    );
  }
}

/** OpenSSL's words without its error-stack prefix (`error:1E08010C:DECODER routines::unsupported`). */
function reason(error: unknown): string {
  const message = (error as Error).message;
  return message.replace(/^error:[0-9A-F]+:/, '').replace(/::/, ': ');
}

function day(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
