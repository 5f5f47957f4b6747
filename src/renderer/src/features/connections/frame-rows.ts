import type { FrameLogStats, FrameRecord } from '../../../../shared/connections';
import { formatCount } from '../../ui/format';
import { parsedFrame, stringField } from './parsed-frame';

export interface FrameFilter {
  /** Empty: every type. */
  eventType: string;
  text: string;
}

export type StreamRow =
  | { kind: 'run'; key: string; label: string; frames: number }
  /** The engine let older frames of this connection go. */
  | { kind: 'evicted'; key: string; label: string }
  | { kind: 'frame'; key: string; frame: FrameRecord };

/**
 * The row that opens the stream when the engine let older frames go (for its memory budget or its frames kept
 * per connection) and the console does not show the connection's first frame.
 */
export function evictedFramesRow(
  { evictedForMemory, droppedForSize }: Pick<FrameLogStats, 'evictedForMemory' | 'droppedForSize'>,
  frames: readonly FrameRecord[],
): Extract<StreamRow, { kind: 'evicted' }> | null {
  if (evictedForMemory + droppedForSize === 0 || frames[0]?.seq === 1) return null;
  const older = (count: number, what: string) =>
    `${formatCount(count, 'older frame')} ${count === 1 ? 'was' : 'were'} ${what}`;
  const parts = [
    evictedForMemory > 0 && older(evictedForMemory, 'evicted (memory budget)'),
    droppedForSize > 0 && older(droppedForSize, 'dropped (frames kept per connection)'),
  ].filter((part) => part !== false);
  return { kind: 'evicted', key: 'evicted', label: parts.join('; ') };
}

/**
 * The stream's rows: frames that pass the filter, grouped by run — a header before each run's frames and
 * before frames between runs — leaving out groups with nothing to show.
 */
export function buildStreamRows(frames: readonly FrameRecord[], filter: FrameFilter): StreamRow[] {
  const text = filter.text.trim().toLowerCase();
  const rows: StreamRow[] = [];
  let header: Extract<StreamRow, { kind: 'run' }> | null = null;
  let headerShown = false;
  let inRun = false;
  const startGroup = (label: string, frame: FrameRecord) => {
    header = { kind: 'run', key: `group-${frame.seq}`, label, frames: 0 };
    headerShown = false;
  };
  for (const frame of frames) {
    if (frame.direction === 'out' && frame.eventType === 'RUN_STARTED') {
      startGroup(`Run ${stringField(parsedFrame(frame), 'runId') ?? ''}`, frame);
      inRun = true;
    } else if (!inRun && header === null)
      startGroup(
        frame.seq === frames[0]?.seq && frame.seq > 1 ? 'Earlier frames (older ones not kept)' : 'Outside a run',
        frame,
      );
    if (
      (!filter.eventType || frame.eventType === filter.eventType) &&
      (!text || frame.text.toLowerCase().includes(text))
    ) {
      const group = header as Extract<StreamRow, { kind: 'run' }> | null;
      if (group && !headerShown) {
        rows.push(group);
        headerShown = true;
      }
      if (group) group.frames++;
      rows.push({ kind: 'frame', key: `f${frame.seq}`, frame });
    }
    if (frame.direction === 'out' && (frame.eventType === 'RUN_FINISHED' || frame.eventType === 'RUN_ERROR')) {
      inRun = false;
      header = null;
    }
  }
  return rows;
}
