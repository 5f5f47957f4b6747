import { useEffect, useState } from 'react';
import type { RequestLogEntry } from '../../../../shared/request-log';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { RequestDetail } from './RequestDetail';

/**
 * Fetches a request's headers and bodies when it is opened: the live feed carries only what the list shows,
 * which keeps a busy API cheap to watch.
 */
export function RequestDetailLoader({ id }: { id: number }) {
  const [entry, setEntry] = useState<RequestLogEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api.request(id).then(
      (loaded) => current && setEntry(loaded),
      (caught: unknown) => current && setError(errorMessage(caught)),
    );
    return () => {
      current = false;
    };
  }, [id]);
  if (error) return <ErrorNotice error={error} />;
  if (!entry)
    return (
      <div className="panel">
        <div className="empty">Loading request {id}…</div>
      </div>
    );
  return <RequestDetail entry={entry} />;
}
