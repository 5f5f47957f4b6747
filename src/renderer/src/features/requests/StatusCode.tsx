/**
 * The request log's codes that no HTTP response carries (nginx's, as the engine logs them): what the client got
 * instead, said beside the number since the number alone reads as a client error.
 */
const NO_RESPONSE: Readonly<Record<number, string>> = {
  444: 'no response: the mock closed the connection without one (a reset or empty fault)',
  499: 'no response: the client left before it',
};

export function StatusCode({ status }: { status: number }) {
  const tone = status >= 500 ? 'server-error' : status >= 400 ? 'client-error' : 'ok';
  const meaning = NO_RESPONSE[status];
  return (
    <span className={`status-code mono ${tone}`} title={meaning}>
      {status}
      {meaning && <span className="visually-hidden"> ({meaning})</span>}
    </span>
  );
}
