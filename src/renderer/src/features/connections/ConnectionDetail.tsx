import { useDeferredValue, useMemo, useRef, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { framesOf, useFramesStore } from '../../stores/frames-store';
import { useListKeys } from '../../ui/use-list-keys';
import { InjectDrawer } from '../inject/InjectDrawer';
import { FrameInspector } from './FrameInspector';
import { FrameStream } from './FrameStream';
import { buildStreamRows, evictedFramesRow, type FrameFilter } from './frame-rows';
import { RecordScenarioButton } from './RecordScenarioButton';
import { RunTimeline } from './RunTimeline';
import { TimelineLegend } from './TimelineLegend';
import { TimelineZoom } from './TimelineZoom';
import { buildTimeline, focusTimeline, type TimelineScope } from './timeline-spans';

/** One connection: its facts, run timeline, frame stream, inspector, and the inject drawer. */
export function ConnectionDetail({ connection }: { connection: ConnectionSummary }) {
  const liveFrames = useFramesStore(framesOf(connection.id));
  // Under a flood of frames React may skip intermediate lists: the stream stays responsive and catches up.
  const frames = useDeferredValue(liveFrames);
  const [filter, setFilter] = useState<FrameFilter>({ eventType: '', text: '' });
  const [follow, setFollow] = useState(true);
  const [cursorSeq, setCursorSeq] = useState<number | null>(null);
  const [inspectedSeq, setInspectedSeq] = useState<number | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const filterInput = useRef<HTMLInputElement>(null);

  const { evictedForMemory, droppedForSize } = connection.frameLog;
  const evictedRow = useMemo(
    () => evictedFramesRow({ evictedForMemory, droppedForSize }, frames),
    [evictedForMemory, droppedForSize, frames],
  );
  const frameRows = useMemo(() => buildStreamRows(frames, filter), [frames, filter]);
  const rows = useMemo(() => (evictedRow ? [evictedRow, ...frameRows] : frameRows), [evictedRow, frameRows]);
  const [scope, setScope] = useState<TimelineScope>('latest');
  const [timelineZoom, setTimelineZoom] = useState(1);
  const fullTimeline = useMemo(() => buildTimeline(frames), [frames]);
  const timeline = useMemo(() => focusTimeline(fullTimeline, scope), [fullTimeline, scope]);
  const runs = useMemo(() => fullTimeline.spans.filter((span) => span.kind === 'run'), [fullTimeline]);
  const eventTypes = useMemo(
    () => [...new Set(frames.map((frame) => frame.eventType).filter((type) => type !== null))].sort(),
    [frames],
  );
  // The summary's counters arrive with connection updates only; the frames kept here are newer when complete.
  const counters = useMemo(() => {
    if (frames[0]?.seq !== 1) return connection.counters;
    const framesIn = frames.filter((frame) => frame.direction === 'in').length;
    return { ...connection.counters, framesIn, framesOut: frames.length - framesIn };
  }, [frames, connection.counters]);
  const inspected = useMemo(
    () => (inspectedSeq === null ? null : (frames.find((frame) => frame.seq === inspectedSeq) ?? null)),
    [frames, inspectedSeq],
  );

  const pick = (seq: number) => {
    setCursorSeq(seq);
    setInspectedSeq(seq);
    setFollow(false);
  };

  useListKeys({
    focusFilter: () => filterInput.current?.focus(),
    move: (delta) => {
      const frameRows = rows.filter((row) => row.kind === 'frame');
      if (frameRows.length === 0) return;
      const at = frameRows.findIndex((row) => row.frame.seq === cursorSeq);
      const next = at === -1 ? (delta === 1 ? 0 : frameRows.length - 1) : at + delta;
      const row = frameRows[Math.max(0, Math.min(frameRows.length - 1, next))];
      if (row) {
        setCursorSeq(row.frame.seq);
        setFollow(false);
      }
    },
    inspect: () => setInspectedSeq(cursorSeq),
  });

  const open = connection.state === 'open';
  return (
    <div className="connection-detail">
      <div className="panel connection-header">
        <h2 className="mono">{connection.id}</h2>
        <div className="facts">
          <span>
            path <strong>{connection.path}</strong>
          </span>
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
                · {(evictedForMemory + droppedForSize).toLocaleString('en')} older gone
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
        </div>
        <span className="spacer" />
        <RecordScenarioButton connectionId={connection.id} />
        <button
          type="button"
          className={drawerOpen ? '' : 'primary'}
          onClick={() => setDrawerOpen(!drawerOpen)}
          disabled={!open && !drawerOpen}
          title={open ? 'Push events into this connection, run macros, close it' : 'This connection is closed'}
        >
          {drawerOpen ? 'Hide inject' : 'Inject…'}
        </button>
      </div>
      <div className="panel">
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
        <div style={{ padding: '0 10px 8px' }}>
          <RunTimeline timeline={timeline} onPick={pick} zoom={timelineZoom} onZoom={setTimelineZoom} />
        </div>
      </div>
      <div className={`connection-main${drawerOpen ? ' with-drawer' : ''}`}>
        <div className="panel">
          <div className="panel-header stream-toolbar">
            <h2>Frames</h2>
            <select
              aria-label="Filter by event type"
              value={filter.eventType}
              onChange={(event) => setFilter({ ...filter, eventType: event.target.value })}
            >
              <option value="">All types</option>
              {eventTypes.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
            <input
              ref={filterInput}
              type="search"
              placeholder="Filter text  ( / )"
              aria-label="Filter frames by text"
              value={filter.text}
              onChange={(event) => setFilter({ ...filter, text: event.target.value })}
            />
            <span className="spacer" />
            <span className="faint" data-testid="frame-count">
              {frames.length} frames
            </span>
            <button type="button" aria-pressed={follow} onClick={() => setFollow(!follow)}>
              {follow ? 'Pause' : 'Follow'}
            </button>
          </div>
          <FrameStream
            rows={rows}
            cursorSeq={cursorSeq}
            inspectedSeq={inspectedSeq}
            follow={follow}
            onFollowChange={setFollow}
            onPick={pick}
          />
        </div>
        <FrameInspector frame={inspected} />
        {drawerOpen && <InjectDrawer connection={connection} onClose={() => setDrawerOpen(false)} />}
      </div>
    </div>
  );
}
