import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { RequestLogEntry, RequestSummary } from '../../../../shared/request-log';
import { ApiError, errorMessage } from '../../api/api-error';
import { api } from '../../api/control-client';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { type DropReason, droppedNotice } from './log-losses';
import { RequestDetail } from './RequestDetail';
import { RequestHeading, requestTiming } from './RequestHeading';

interface RequestDetailLoaderProps {
  id: number;
  /** The request's row in the list, while the console has it. */
  row: RequestSummary | null;
  /** Why the engine's log no longer holds the request, when the console knows it does not. */
  dropped: DropReason | null;
  /** Why, should the engine answer that it no longer holds it (404) before the console knew. */
  whyIfGone: DropReason;
  requestLogSize: number | null;
  /** Shown above the detail: what the list's filter does to the request. */
  note: ReactNode;
}

/**
 * Fetches a request's headers and bodies when it is opened: the live feed carries only what the list shows,
 * which keeps a busy API cheap to watch. A request the engine's log lets go of is not asked for (a 404 is all there
 * would be); one it let go of while shown stays shown, saying so.
 */
export function RequestDetailLoader({ id, row, dropped, whyIfGone, requestLogSize, note }: RequestDetailLoaderProps) {
  const [entry, setEntry] = useState<RequestLogEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The engine answered that its log no longer holds the request: an answer to expect, not an error. */
  const [gone, setGone] = useState(false);
  const droppedWhenOpened = useRef(dropped !== null);
  useEffect(() => {
    if (droppedWhenOpened.current) return;
    let current = true;
    api.request(id).then(
      (loaded) => current && setEntry(loaded),
      (caught: unknown) => {
        if (!current) return;
        if (caught instanceof ApiError && caught.status === 404) setGone(true);
        else setError(errorMessage(caught));
      },
    );
    return () => {
      current = false;
    };
  }, [id]);
  const reason = dropped ?? (gone ? whyIfGone : null);
  const notice = reason && droppedNotice(reason, requestLogSize, entry !== null);
  if (entry) return <RequestDetail entry={entry} notice={notice} note={note} />;
  if (notice)
    return (
      <div className="panel" data-testid="request-detail">
        {row && <RequestHeading request={row} />}
        <div className="panel-body stack">
          {note}
          {row && <span className="faint">{requestTiming(row)}</span>}
          <div className="notice warning" role="status" data-testid="request-dropped">
            {notice}
          </div>
        </div>
      </div>
    );
  if (error) return <ErrorNotice error={error} />;
  return (
    <div className="panel">
      <div className="empty">Loading request {id}…</div>
    </div>
  );
}
