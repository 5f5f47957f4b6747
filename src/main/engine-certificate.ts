import { X509Certificate } from 'node:crypto';

/** What Chromium asks about a server's certificate (Electron's `Request` of `setCertificateVerifyProc`). */
export interface CertificateCheck {
  hostname: string;
  /** The server's certificate, PEM. */
  certificate: { data: string };
}

/** The part of an Electron Session the trust uses. */
export interface CertificateSession {
  setCertificateVerifyProc(proc: (request: CertificateCheck, callback: (verdict: number) => void) => void): void;
}

/** Chromium's verdicts: 0 trusts the certificate; -3 leaves it to Chromium's own verification (its default). */
export const TRUST = 0;
export const CHROMIUM_DECIDES = -3;

/**
 * The verdict on a certificate: the engine's own (its host, its exact SHA-256 fingerprint) is trusted, so the
 * window can show a console served with a self-signed certificate; every other certificate is verified by
 * Chromium as usual, so nothing else is trusted that a browser would not trust.
 */
export function certificateVerdict(check: CertificateCheck, engineUrl: string, fingerprint: string): number {
  if (unbracketed(check.hostname) !== unbracketed(new URL(engineUrl).hostname)) return CHROMIUM_DECIDES;
  try {
    return new X509Certificate(check.certificate.data).fingerprint256 === fingerprint ? TRUST : CHROMIUM_DECIDES;
  } catch {
    return CHROMIUM_DECIDES;
  }
}

/** Trusts the engine's certificate in this session (nothing to do for an engine on plain HTTP). */
export function trustEngineCertificate(
  session: CertificateSession,
  engine: { url: string; tls: { fingerprint: string } | null },
): void {
  const { tls } = engine;
  if (!tls) return;
  session.setCertificateVerifyProc((check, callback) =>
    callback(certificateVerdict(check, engine.url, tls.fingerprint)),
  );
}

/** IPv6 hosts come bracketed in URLs and may come bare from Chromium. */
function unbracketed(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}
