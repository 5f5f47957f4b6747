import type { FrameRecord } from '../../../../shared/connections';
import { CopyButton } from '../../ui/CopyButton';
import { formatBytes, formatClock } from '../../ui/format';
import { JsonTree } from '../../ui/JsonTree';
import { EventBadge } from './EventBadge';
import { parsedFrame } from './parsed-frame';

/** The selected frame: what it is, when, and its JSON as a tree. */
export function FrameInspector({ frame }: { frame: FrameRecord | null }) {
  if (!frame)
    return (
      <div className="panel" data-testid="frame-inspector">
        <div className="panel-header">
          <h2>Frame</h2>
        </div>
        <div className="empty">
          Pick a frame to inspect it — or move with <kbd>j</kbd>/<kbd>k</kbd> and press <kbd>Enter</kbd>.
        </div>
      </div>
    );
  const event = parsedFrame(frame);
  return (
    <div className="panel" data-testid="frame-inspector">
      <div className="panel-header">
        <EventBadge eventType={frame.eventType} direction={frame.direction} />
        <span className="muted mono">#{frame.seq}</span>
        <span className="spacer" />
        <CopyButton value={event ? JSON.stringify(event, null, 2) : frame.text} label="frame JSON" />
      </div>
      <div className="panel-body stack">
        <dl className="kv">
          <dt>direction</dt>
          <dd>{frame.direction === 'in' ? '↑ from the client' : '↓ to the client'}</dd>
          <dt>time</dt>
          <dd>{formatClock(frame.at)}</dd>
          <dt>size</dt>
          <dd>{formatBytes(frame.size)}</dd>
        </dl>
        {event ? <JsonTree value={event} /> : <pre className="body">{frame.text}</pre>}
      </div>
    </div>
  );
}
