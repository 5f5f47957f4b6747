import { useMemo, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { useFramesStore } from '../../stores/frames-store';
import { injectDrawerOpen, setInjectDrawerOpen, useInjectDrawerStore } from '../../stores/inject-drawer-store';
import { formatCount, formatNumber } from '../../ui/format';
import { InjectDrawer } from '../inject/InjectDrawer';
import { FrameInspector } from './FrameInspector';
import { FramesPanel } from './FramesPanel';
import { evictedFramesRow } from './frame-rows';
import { RecordScenarioButton } from './RecordScenarioButton';
import { RunTimelinePanel } from './RunTimelinePanel';

/** One connection: its facts, run timeline, frame stream, inspector, and the inject drawer. */
export function ConnectionDetail({ connection }: { connection: ConnectionSummary }) {
  const drawerOpen = useInjectDrawerStore(injectDrawerOpen(connection.id));
  // Open as the view is drawn: the drawer is shown again as it was left (back from another view), not opened now.
  const [shownAgain, setShownAgain] = useState(drawerOpen);
  const setDrawerOpen = (open: boolean) => {
    setShownAgain(false);
    setInjectDrawerOpen(connection.id, open);
  };

  const { evictedForMemory, droppedForSize } = connection.frameLog;
  const keepsFirstFrame = useFramesStore((state) => state.byConnection[connection.id]?.[0]?.seq === 1);
  const evictedRow = useMemo(
    () => evictedFramesRow({ evictedForMemory, droppedForSize }, keepsFirstFrame ? [{ seq: 1 }] : []),
    [evictedForMemory, droppedForSize, keepsFirstFrame],
  );
  const { counters } = connection;

  const open = connection.state === 'open';
  // With the drawer open it runs the full height on the right; timeline, frames and inspector stack on the left.
  return (
    <div className={`connection-detail${drawerOpen ? ' with-drawer' : ''}`}>
      <div className="panel connection-header">
        <h2 className="mono" title={connection.id}>
          {connection.id}
        </h2>
        <div className="facts">
          <span title={connection.path}>
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
          <span title={connection.threadId ?? undefined}>
            thread <strong>{connection.threadId ?? '—'}</strong>
          </span>
          <span title={connection.userId ?? undefined}>
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
          {/* A pause and a latency hold frames of an open connection; once it closes, what it held never goes out. */}
          {open && connection.paused && <span className="badge warn">delivery paused</span>}
          {open && connection.latencyMs > 0 && <span className="badge warn">+{connection.latencyMs} ms latency</span>}
          {!open && connection.heldFramesDropped > 0 && (
            <span className="badge" title="Frames held back (a pause, a latency, a delay) that never went out">
              {formatCount(connection.heldFramesDropped, 'held frame')} dropped
            </span>
          )}
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
        {connection.protocol === 'agui' && <RunTimelinePanel connectionId={connection.id} />}
        <FramesPanel connection={connection} />
        <FrameInspector connectionId={connection.id} />
      </div>
      {drawerOpen && (
        <InjectDrawer connection={connection} shownAgain={shownAgain} onClose={() => setDrawerOpen(false)} />
      )}
    </div>
  );
}
