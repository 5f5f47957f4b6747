import type { ReactNode } from 'react';
import type { RequestLogEntry } from '../../../../shared/request-log';
import { useDraftsStore } from '../../stores/mount-drafts-store';
import { NEW_ITEM, startNewMount, useMountEditorStore } from '../../stores/mount-editor-store';
import { useMountsStore } from '../../stores/mounts-store';
import { showView } from '../../stores/navigation-store';
import { useServerStore } from '../../stores/server-store';
import { CopyButton } from '../../ui/CopyButton';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { routeFromRequest } from '../routes/route-from-request';
import { AnsweredBy } from './AnsweredBy';
import { curlCommand } from './curl';
import { HeaderList } from './HeaderList';
import { LoggedBodyView } from './LoggedBodyView';
import { RequestHeading, requestTiming } from './RequestHeading';

/**
 * A new route answering like this request was answered, opened in Routes to edit and save. A new route being
 * written with changes is not thrown away without asking.
 */
function createRouteFrom(entry: RequestLogEntry): void {
  const { drafts } = useDraftsStore.getState();
  const unsaved = drafts[`routes:${NEW_ITEM}`];
  if (unsaved && unsaved.text !== unsaved.base && !window.confirm('Replace the new route you are writing?')) return;
  const taken = useMountsStore.getState().sections.routes.map((route) => route.id);
  startNewMount('routes', routeFromRequest(entry, taken));
  useMountEditorStore.setState({ routesPart: 'routes', importing: false, routeTab: 'form' });
  // Where the new route is written: its form's first field.
  showView('routes', () =>
    document.querySelector('[data-testid="route-form"] input, [data-testid="route-form"] select'),
  );
}

/**
 * One request both ways: what answered it, headers and bodies, a curl command that repeats it; `note` on top (what
 * the list's filter does to it), then `notice` (the engine's log let go of it since).
 */
export function RequestDetail({
  entry,
  notice = null,
  note = null,
}: {
  entry: RequestLogEntry;
  notice?: string | null;
  note?: ReactNode;
}) {
  const origin = useServerStore((state) => state.info?.urls.http ?? window.location.origin);
  const caFile = useServerStore((state) => state.info?.tls?.certFile);
  return (
    <div className="panel" data-testid="request-detail">
      <RequestHeading request={entry}>
        <CopyButton value={curlCommand(entry, origin, caFile)} label="as curl" text="Copy as curl" />
      </RequestHeading>
      <ScrollRegion label="Request detail" className="panel-body stack">
        {note}
        {notice && (
          <div className="notice warning" role="status" data-testid="request-dropped">
            {notice}
          </div>
        )}
        <div className="row">
          <span className="faint spacer">{requestTiming(entry)}</span>
          <button type="button" className="small" onClick={() => createRouteFrom(entry)}>
            Create route from this request
          </button>
        </div>
        {entry.refusal && (
          <div className="badge warn" data-testid="request-refusal">
            Refused: {entry.refusal}
          </div>
        )}
        <AnsweredBy entry={entry} />
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
