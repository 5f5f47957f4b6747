import type { ReactNode } from 'react';
import type { RequestSummary } from '../../../../shared/request-log';
import { formatClock } from '../../ui/format';
import { StatusCode } from './StatusCode';

/** A request's method, path and status atop its pane, with the pane's own actions (`children`) after them. */
export function RequestHeading({ request, children }: { request: RequestSummary; children?: ReactNode }) {
  return (
    <div className="panel-header">
      <span className="method">{request.method}</span>
      <h2 className="spacer request-path">
        <code>
          {request.path}
          {request.query ? `?${request.query}` : ''}
        </code>
      </h2>
      <StatusCode status={request.status} />
      {children}
    </div>
  );
}

/** When the request came, how long its answer took, and from where. */
export function requestTiming(request: RequestSummary): string {
  return `${formatClock(request.at)} · ${request.durationMs.toFixed(1)} ms · from ${request.remoteAddress}`;
}
