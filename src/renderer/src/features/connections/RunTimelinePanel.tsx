import { useMemo, useState } from 'react';
import { pickFrame } from '../../stores/frame-view-store';
import { RunTimeline } from './RunTimeline';
import { TimelineLegend } from './TimelineLegend';
import { TimelineZoom } from './TimelineZoom';
import {
  buildTimeline,
  emptyTimelineWords,
  focusTimeline,
  shortRunId,
  type TimelineScope,
  type TimelineSpan,
} from './timeline-spans';
import { useThrottledFrames } from './use-throttled-frames';

/** The timeline is redrawn at most this often: it is rebuilt from every frame kept. */
const TIMELINE_REFRESH_MS = 500;

/**
 * An AG-UI connection's runs as a timeline, with its scope and zoom. Its own component so that a socket of another
 * protocol (which shows none) never rebuilds one from its frames.
 */
export function RunTimelinePanel({ connectionId }: { connectionId: string }) {
  const frames = useThrottledFrames(connectionId, TIMELINE_REFRESH_MS);
  const [scope, setScope] = useState<TimelineScope>('latest');
  const [timelineZoom, setTimelineZoom] = useState(1);
  const fullTimeline = useMemo(() => buildTimeline(frames), [frames]);
  const timeline = useMemo(() => focusTimeline(fullTimeline, scope), [fullTimeline, scope]);
  const runs = useMemo(() => fullTimeline.spans.filter((span) => span.kind === 'run'), [fullTimeline]);
  const pick = (seq: number) => pickFrame(connectionId, seq);
  const picked = typeof scope === 'number' ? runs.find((run) => run.seq === scope) : undefined;
  return (
    <div className="panel timeline-panel">
      <div className="panel-header">
        <h2>Run timeline</h2>
        <select
          aria-label="Timeline scope"
          value={String(scope)}
          title={picked ? `Run ${runId(picked)}` : undefined}
          onChange={(event) => {
            const value = event.target.value;
            setScope(value === 'latest' || value === 'all' ? value : Number(value));
          }}
        >
          <option value="latest">Latest run</option>
          {runs.map((run, index) => (
            <option key={run.seq} value={run.seq} title={runId(run)}>
              Run {index + 1} · {shortRunId(runId(run))}
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
        <RunTimeline
          timeline={timeline}
          empty={emptyTimelineWords(frames[0]?.seq)}
          onPick={pick}
          zoom={timelineZoom}
          onZoom={setTimelineZoom}
        />
      </div>
    </div>
  );
}

/** A run span's runId (its label is `run <runId>`). */
const runId = (run: TimelineSpan) => run.label.replace(/^run /, '');
