import { useServerStore } from '../../stores/server-store';

const day = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * Whether the port speaks TLS, with the certificate's facts to compare with the browser's certificate viewer;
 * and, when the `tls` setting changed since the engine started, that it waits for a restart — or that the
 * restart would fail, and why.
 */
export function TlsStatusItem() {
  const info = useServerStore((state) => state.info);
  const setting = useServerStore((state) => state.settings?.tls);
  if (!info) return null;
  const { tls, startupSettings, pendingTlsProblem } = info;
  const pending = setting !== undefined && JSON.stringify(setting) !== JSON.stringify(startupSettings.tls);
  if (!tls && !pending) return null;
  // Checked when the server info was read: a workspace opened from elsewhere may name files this machine lacks.
  const failing = pending && pendingTlsProblem !== null;
  const facts = tls
    ? [
        tls.selfSigned ? 'Self-signed certificate' : `Certificate ${tls.subject}`,
        `SHA-256 ${tls.fingerprint}`,
        `Valid until ${day(tls.validTo)}`,
        tls.certFile,
      ]
    : ['Plain HTTP and WS'];
  const waiting = failing
    ? `The tls setting changed, but the next start would refuse it: ${pendingTlsProblem} Fix the files, or set tls in Settings.`
    : 'The tls setting changed: restart the engine to apply it.';
  const title = pending ? [...facts, waiting].join('\n') : facts.join('\n');
  return (
    <span className={`badge ${failing ? 'danger' : pending ? 'warn' : 'ok'}`} data-testid="tls-status" title={title}>
      {failing ? 'TLS: files unusable' : pending ? 'TLS: restart to apply' : 'TLS'}
    </span>
  );
}
