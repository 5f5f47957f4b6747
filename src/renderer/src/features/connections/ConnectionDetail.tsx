import { useMemo, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { pickFrame } from '../../stores/frame-view-store';
import { useFramesStore } from '../../stores/frames-store';
import { formatNumber } from '../../ui/format';
import { InjectDrawer } from '../inject/InjectDrawer';
import { FrameInspector } from './FrameInspector';
import { FramesPanel } from './FramesPanel';
import { evictedFramesRow } from './frame-rows';
import { RecordScenarioButton } from './RecordScenarioButton';
import { RunTimeline } from './RunTimeline';
import { TimelineLegend } from './TimelineLegend';
import { TimelineZoom } from './TimelineZoom';
import { buildTimeline, focusTimeline, type TimelineScope } from './timeline-spans';
import { useThrottledFrames } from './use-throttled-frames';

/** The timeline is redrawn at most this often: it is rebuilt from every frame kept. */
const TIMELINE_REFRESH_MS = 500;

/** One connection: its facts, run timeline, frame stream, inspector, and the inject drawer. */
export function ConnectionDetail({ connection }: { connection: ConnectionSummary }) {
  const frames = useThrottledFrames(connection.id, TIMELINE_REFRESH_MS);
  const [drawerOpen, setDrawerOpen] = useState(false);

  const { evictedForMemory, droppedForSize } = connection.frameLog;
  const keepsFirstFrame = useFramesStore((state) => state.byConnection[connection.id]?.[0]?.seq === 1);
  const evictedRow = useMemo(
    () => evictedFramesRow({ evictedForMemory, droppedForSize }, keepsFirstFrame ? [{ seq: 1 }] : []),
    [evictedForMemory, droppedForSize, keepsFirstFrame],
  );
  const [scope, setScope] = useState<TimelineScope>('latest');
  const [timelineZoom, setTimelineZoom] = useState(1);
  const fullTimeline = useMemo(() => buildTimeline(frames), [frames]);
  const timeline = useMemo(() => focusTimeline(fullTimeline, scope), [fullTimeline, scope]);
  const runs = useMemo(() => fullTimeline.spans.filter((span) => span.kind === 'run'), [fullTimeline]);
  const { counters } = connection;
  const pick = (seq: number) => pickFrame(connection.id, seq);

  const open = connection.state === 'open';
  // With the drawer open it runs the full height on the right; timeline, frames and inspector stack on the left.
  return (
    <div className={`connection-detail${drawerOpen ? ' with-drawer' : ''}`}>
      <div className="panel connection-header">
        <h2 className="mono" title={connection.id}>
          {connection.id}
        </h2>
        <div className="facts">
          <span>
            path <strong>{connection.path}</strong>
          </span>
          {connection.mount && (
            <span title={connection.mount.pack ? `declared by the ${connection.mount.pack} pack` : undefined}>
              {connection.mount.kind} <strong>{connection.mount.name ?? connection.mount.id}</strong>
            </span>
          )}
          <span>
            client <strong>{connection.remoteAddress}</strong>
          </span>
          <span>
            thread <strong>{connection.threadId ?? '—'}</strong>
          </span>
          <span>
            user <strong>{connection.userId ?? '—'}</strong>
          </span>
          <span>
            frames{' '}
            <strong>
              ↑{counters.framesIn} ↓{counters.framesOut}
            </strong>
            {evictedRow && (
              // The row opening the stream is out of sight while following: the same words, at hand.
              <span className="faint" title={evictedRow.label} data-testid="frames-evicted-badge">
                {' '}
                · {formatNumber(evictedForMemory + droppedForSize)} older gone
              </span>
            )}
          </span>
          {connection.paused && <span className="badge warn">delivery paused</span>}
          {connection.latencyMs > 0 && <span className="badge warn">+{connection.latencyMs} ms latency</span>}
          {connection.state === 'closed' && (
            <span className="badge">
              closed {connection.closeCode ?? ''} {connection.closeReason ?? ''}
            </span>
          )}
          {connection.refusal && (
            <span className="badge warn" data-testid="connection-refusal">
              refused: {connection.refusal}
            </span>
          )}
        </div>
        <span className="spacer" />
        {/* A scenario replays AG-UI runs: a socket of another protocol has none to record. */}
        {connection.protocol === 'agui' && <RecordScenarioButton connectionId={connection.id} />}
        <button
          type="button"
          className={drawerOpen ? '' : 'primary'}
          aria-expanded={drawerOpen}
          onClick={() => setDrawerOpen(!drawerOpen)}
          disabled={!open && !drawerOpen}
          title={
            !open
              ? 'This connection is closed'
              : connection.protocol === 'agui'
                ? 'Push events into this connection, run macros, close it'
                : 'Send a text or JSON frame into this connection, close it'
          }
        >
          {drawerOpen ? 'Hide inject' : 'Inject…'}
        </button>
      </div>
      {/* Runs are AG-UI's: a socket of another protocol has no timeline to draw. */}
      <div className={`connection-panes${connection.protocol === 'agui' ? '' : ' no-timeline'}`}>
        {connection.protocol === 'agui' && (
          <div className="panel timeline-panel">
            <div className="panel-header">
              <h2>Run timeline</h2>
              <select
                aria-label="Timeline scope"
                value={String(scope)}
                onChange={(event) => {
                  const value = event.target.value;
                  setScope(value === 'latest' || value === 'all' ? value : Number(value));
                }}
              >
                <option value="latest">Latest run</option>
                {runs.map((run, index) => (
                  <option key={run.seq} value={run.seq}>
                    Run {index + 1} · {run.label.replace(/^run /, '').slice(0, 8)}
                    {run.end === null ? ' (open)' : ''}
                  </option>
                ))}
                <option value="all">All runs</option>
              </select>
              <span className="spacer" />
              <TimelineLegend />
              <TimelineZoom zoom={timelineZoom} onZoom={setTimelineZoom} />
            </div>
            <div className="timeline-body">
              <RunTimeline timeline={timeline} onPick={pick} zoom={timelineZoom} onZoom={setTimelineZoom} />
            </div>
          </div>
        )}
        <FramesPanel connection={connection} />
        <FrameInspector connectionId={connection.id} />
      </div>
      {drawerOpen && <InjectDrawer connection={connection} onClose={() => setDrawerOpen(false)} />}
    </div>
  );
}
