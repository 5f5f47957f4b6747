import { useMemo, useRef, useState } from 'react';
import type { FrameRecord } from '../../../../shared/connections';
import { frameViewOf, useFrameViewStore } from '../../stores/frame-view-store';
import { frameBySeq, useFramesStore } from '../../stores/frames-store';
import { CopyButton } from '../../ui/CopyButton';
import { formatBytes, formatClock } from '../../ui/format';
import { JsonTree } from '../../ui/JsonTree';
import { EventBadge } from './EventBadge';
import { parsedFrame, parseJsonString, stringField, withNestedJson } from './parsed-frame';

/** The frame picked in the stream (or on the timeline) of this connection. */
export function FrameInspector({ connectionId }: { connectionId: string }) {
  const inspectedSeq = useFrameViewStore((state) => frameViewOf(connectionId)(state).inspectedSeq);
  const found = useFramesStore((state) => frameBySeq(state.byConnection[connectionId], inspectedSeq));
  // A frame the console let go of (the newest 5 000 are kept) stays in view until another is picked.
  const shown = useRef<FrameRecord | null>(null);
  if (found || shown.current?.seq !== inspectedSeq) shown.current = found;
  const frame = shown.current;
  if (!frame)
    return (
      <div className="panel" data-testid="frame-inspector">
        {/* One line: until a frame is picked the stream above keeps the room. */}
        <div className="panel-header">
          <h2>Frame</h2>
          <span className="muted inspector-hint">
            Pick a frame to inspect it — or move with <kbd>j</kbd>/<kbd>k</kbd> and press <kbd>Enter</kbd>.
          </span>
        </div>
      </div>
    );
  return <FrameDetails key={frame.seq} connectionId={connectionId} frame={frame} />;
}

/** What the frame is, when, the rule it broke, and its JSON as a tree — JSON inside strings parsed. */
function FrameDetails({ connectionId, frame }: { connectionId: string; frame: FrameRecord }) {
  const [asSent, setAsSent] = useState(false);
  const event = parsedFrame(frame);
  const nested = useMemo(() => withNestedJson(event), [event]);
  const toolArgs = useMemo(() => toolArgumentsSoFar(connectionId, frame), [connectionId, frame]);
  const { finding } = frame;
  return (
    <div className="panel" data-testid="frame-inspector">
      <div className="panel-header">
        <EventBadge eventType={frame.eventType} direction={frame.direction} />
        <span className="muted mono">#{frame.seq}</span>
        <span className="spacer" />
        <CopyButton value={event ? JSON.stringify(event, null, 2) : frame.text} label="frame JSON" />
      </div>
      <div className="panel-body stack">
        {finding && (
          <div className="notice warning frame-finding" data-testid="frame-finding">
            <strong>Broke rule {finding.rule}</strong>: {finding.title}.<div className="mono">{finding.message}</div>
          </div>
        )}
        <dl className="kv">
          <dt>direction</dt>
          <dd>{frame.direction === 'in' ? '↑ from the client' : '↓ to the client'}</dd>
          <dt>time</dt>
          <dd>{formatClock(frame.at)}</dd>
          <dt>size</dt>
          <dd>{formatBytes(frame.size)}</dd>
        </dl>
        {nested.paths.length > 0 && (
          <div className="nested-json-note" data-testid="nested-json">
            <span className="muted">
              JSON inside {nested.paths.length === 1 ? 'a string' : 'strings'}:{' '}
              <span className="mono">{nested.paths.join(', ')}</span> {asSent ? 'as sent' : 'shown parsed'}
            </span>
            <label>
              <input type="checkbox" checked={asSent} onChange={(e) => setAsSent(e.target.checked)} /> Strings as sent
            </label>
          </div>
        )}
        {event ? <JsonTree value={asSent ? event : nested.value} /> : <pre className="body">{frame.text}</pre>}
        {toolArgs && (
          <div className="stack" data-testid="tool-arguments">
            <h3 className="muted">
              Arguments of {toolArgs.toolCallId} so far ({toolArgs.chunks} {toolArgs.chunks === 1 ? 'chunk' : 'chunks'}
              {toolArgs.parsed === undefined ? ', not yet complete JSON' : ''})
            </h3>
            {toolArgs.parsed === undefined ? (
              <pre className="body">{toolArgs.text}</pre>
            ) : (
              <JsonTree value={toolArgs.parsed} />
            )}
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * A tool call's arguments stream in pieces (`TOOL_CALL_ARGS.delta`): for one of them (or its END), the pieces
 * kept up to this frame, joined, and parsed when they already make JSON.
 */
function toolArgumentsSoFar(connectionId: string, frame: FrameRecord) {
  if (frame.eventType !== 'TOOL_CALL_ARGS' && frame.eventType !== 'TOOL_CALL_END') return null;
  const toolCallId = stringField(parsedFrame(frame), 'toolCallId');
  if (toolCallId === null) return null;
  const frames = useFramesStore.getState().byConnection[connectionId] ?? [];
  let text = '';
  let chunks = 0;
  for (const other of frames) {
    if (other.seq > frame.seq) break;
    if (other.eventType !== 'TOOL_CALL_ARGS') continue;
    const event = parsedFrame(other);
    if (stringField(event, 'toolCallId') !== toolCallId) continue;
    text += stringField(event, 'delta') ?? '';
    chunks++;
  }
  // One chunk holding all of it is already shown parsed in the tree above.
  if (chunks < 2 && frame.eventType === 'TOOL_CALL_ARGS') return null;
  if (chunks === 0) return null;
  return { toolCallId, chunks, text, parsed: parseJsonString(text) };
}
