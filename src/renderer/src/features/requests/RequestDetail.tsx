import type { RequestLogEntry } from '../../../../shared/request-log';
import { useServerStore } from '../../stores/server-store';
import { CopyButton } from '../../ui/CopyButton';
import { formatClock } from '../../ui/format';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { curlCommand } from './curl';
import { HeaderList } from './HeaderList';
import { LoggedBodyView } from './LoggedBodyView';
import { StatusCode } from './StatusCode';

/** One request both ways: headers and bodies, and a curl command that repeats it. */
export function RequestDetail({ entry }: { entry: RequestLogEntry }) {
  const origin = useServerStore((state) => state.info?.urls.http ?? window.location.origin);
  const caFile = useServerStore((state) => state.info?.tls?.certFile);
  return (
    <div className="panel" data-testid="request-detail">
      <div className="panel-header">
        <span className="method">{entry.method}</span>
        <h2 className="spacer request-path">
          <code>
            {entry.path}
            {entry.query ? `?${entry.query}` : ''}
          </code>
        </h2>
        <StatusCode status={entry.status} />
        <CopyButton value={curlCommand(entry, origin, caFile)} label="as curl" text="Copy as curl" />
      </div>
      <ScrollRegion label="Request detail" className="panel-body stack">
        <div className="faint">
          {formatClock(entry.at)} · {entry.durationMs.toFixed(1)} ms · from {entry.remoteAddress}
        </div>
        {entry.refusal && (
          <div className="badge warn" data-testid="request-refusal">
            Refused: {entry.refusal}
          </div>
        )}
        <h3>Request headers</h3>
        <HeaderList headers={entry.requestHeaders} />
        <h3>Request body</h3>
        <LoggedBodyView body={entry.requestBody} label="Request body" testId="request-body" />
        <h3>Response headers</h3>
        <HeaderList headers={entry.responseHeaders} />
        <h3>Response body</h3>
        <LoggedBodyView body={entry.responseBody} label="Response body" testId="response-body" />
      </ScrollRegion>
    </div>
  );
}
