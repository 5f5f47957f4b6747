export function StatusCode({ status }: { status: number }) {
  const tone = status >= 500 ? 'server-error' : status >= 400 ? 'client-error' : 'ok';
  return <span className={`status-code mono ${tone}`}>{status}</span>;
}
