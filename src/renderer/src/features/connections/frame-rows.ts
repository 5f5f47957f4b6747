import type { ConnectionSummary, FrameLogStats, FrameRecord } from '../../../../shared/connections';
import type { FrameFilter } from '../../stores/frame-view-store';
import { formatCount } from '../../ui/format';
import { frameMemo } from './frame-memo';
import { parsedFrame, stringField } from './parsed-frame';

/** Whether the filter leaves some frames out (the count then says "N of M"). */
export function isFiltering(filter: FrameFilter): boolean {
  return filter.types.length > 0 || filter.direction !== 'both' || filter.text !== '' || filter.ruleBreaksOnly;
}

export type FrameRow = { kind: 'frame'; key: string; frame: FrameRecord };

export type StreamRow =
  | { kind: 'run'; key: string; label: string; frames: number }
  /** The engine let older frames of this connection go, or the console does not keep them all. */
  | { kind: 'evicted'; key: string; label: string }
  /** Frames sent but held by the connection's paused delivery: not yet in the log, which has what left. */
  | { kind: 'held'; key: string; label: string }
  /** The socket opened, errored or closed: not a frame, a moment in the connection's life. */
  | { kind: 'socket'; key: string; at: number; label: string; tone: 'ok' | 'warn' | 'error' }
  | FrameRow;

export interface StreamRows {
  rows: StreamRow[];
  /** Frames that pass the filter. */
  matched: number;
  /** Every event type among the frames, sorted. */
  types: string[];
  /** Frames that broke a sequence rule. */
  ruleBreaks: number;
}

/**
 * The row that opens the stream when the console does not show the connection's first frame: the engine let older
 * frames go (for its memory budget or its frames kept per connection), or it keeps more than the console holds (a
 * connection of large frames: see `FRAME_TEXT_KEPT_PER_CONNECTION`).
 */
export function evictedFramesRow(
  { evictedForMemory, droppedForSize }: Pick<FrameLogStats, 'evictedForMemory' | 'droppedForSize'>,
  frames: readonly Pick<FrameRecord, 'seq'>[],
): Extract<StreamRow, { kind: 'evicted' }> | null {
  const first = frames[0]?.seq;
  if (first === 1) return null;
  // Frames are numbered from 1 per connection: those before the first shown that the engine did not let go of.
  const notLoaded = first === undefined ? 0 : Math.max(0, first - 1 - evictedForMemory - droppedForSize);
  if (evictedForMemory + droppedForSize + notLoaded === 0) return null;
  const older = (count: number, what: string) =>
    `${formatCount(count, 'older frame')} ${count === 1 ? 'was' : 'were'} ${what}`;
  const parts = [
    evictedForMemory > 0 && older(evictedForMemory, 'evicted (memory budget)'),
    droppedForSize > 0 && older(droppedForSize, 'dropped (frames kept per connection)'),
    notLoaded > 0 &&
      `${formatCount(notLoaded, 'older frame')} ${notLoaded === 1 ? 'is' : 'are'} kept by the engine but not shown here (the console holds 5,000 frames or 32 M characters per connection)`,
  ].filter((part) => part !== false);
  return { kind: 'evicted', key: 'evicted', label: parts.join('; ') };
}

/** The row closing the stream while a pause holds frames: sent, and not yet received by the client. */
export function heldFramesRow({
  state,
  paused,
  heldFrames,
}: Pick<ConnectionSummary, 'state' | 'paused' | 'heldFrames'>): Extract<StreamRow, { kind: 'held' }> | null {
  if (state !== 'open' || !paused || heldFrames === 0) return null;
  const them = heldFrames === 1 ? 'it' : 'them';
  return {
    kind: 'held',
    key: 'held',
    label: `${formatCount(heldFrames, 'frame')} held: delivery is paused, the client gets ${them} once it resumes`,
  };
}

type SocketMoments = Pick<ConnectionSummary, 'openedAt' | 'closedAt' | 'closeCode' | 'closeReason' | 'lastError'>;

/**
 * The socket's opening (when the first frame is kept, so it belongs at the top), its error and its close, as
 * rows around the frames. Shown only without a filter: they are not frames.
 */
export function socketRows(
  connection: SocketMoments,
  frames: readonly FrameRecord[],
): { before: StreamRow[]; after: StreamRow[] } {
  const before: StreamRow[] = [];
  const after: StreamRow[] = [];
  if ((frames[0]?.seq ?? 1) === 1)
    before.push({ kind: 'socket', key: 'opened', at: connection.openedAt, label: 'socket opened', tone: 'ok' });
  if (connection.lastError)
    after.push({
      kind: 'socket',
      key: 'error',
      at: connection.lastError.at,
      label: `socket error: ${connection.lastError.message}`,
      tone: 'error',
    });
  if (connection.closedAt !== null) {
    const code = connection.closeCode === null ? '' : ` ${connection.closeCode}`;
    const reason = connection.closeReason ? ` · ${connection.closeReason}` : '';
    const clean = connection.closeCode === 1000 || connection.closeCode === 1001;
    after.push({
      kind: 'socket',
      key: 'closed',
      at: connection.closedAt,
      label: `socket closed${code}${reason}`,
      tone: clean ? 'ok' : 'warn',
    });
  }
  return { before, after };
}

const ROW = Symbol('frame row');

/** Frame rows are made once per frame and reused by every rebuild (frames never change). */
function rowOf(frame: FrameRecord): FrameRow {
  return frameMemo(ROW, frame, () => ({ kind: 'frame', key: `f${frame.seq}`, frame }));
}

/**
 * The stream's rows: frames that pass the filter, grouped by run — a header before each run's frames and
 * before frames between runs — leaving out groups with nothing to show; with the counts the toolbar shows.
 * One pass that allocates nothing per frame: it runs again whenever frames arrive. `matchesText` is the text
 * filter (it may remember its answers per frame); without it every frame passes the text filter.
 */
export function buildStreamRows(
  frames: readonly FrameRecord[],
  filter: FrameFilter,
  matchesText?: (frame: FrameRecord) => boolean,
): StreamRows {
  const types = filter.types.length > 0 ? new Set(filter.types) : null;
  const seenTypes = new Set<string>();
  const rows: StreamRow[] = [];
  let matched = 0;
  let ruleBreaks = 0;
  let header: Extract<StreamRow, { kind: 'run' }> | null = null;
  let headerShown = false;
  let inRun = false;
  const startGroup = (label: string, frame: FrameRecord) => {
    header = { kind: 'run', key: `group-${frame.seq}`, label, frames: 0 };
    headerShown = false;
  };
  for (const frame of frames) {
    if (frame.eventType !== null) seenTypes.add(frame.eventType);
    if (frame.finding) ruleBreaks++;
    if (frame.direction === 'out' && frame.eventType === 'RUN_STARTED') {
      startGroup(`Run ${stringField(parsedFrame(frame), 'runId') ?? ''}`, frame);
      inRun = true;
    } else if (!inRun && header === null)
      startGroup(
        frame.seq === frames[0]?.seq && frame.seq > 1 ? 'Earlier frames (older ones not kept)' : 'Outside a run',
        frame,
      );
    if (
      (types === null || (frame.eventType !== null && types.has(frame.eventType))) &&
      (filter.direction === 'both' || frame.direction === filter.direction) &&
      (!filter.ruleBreaksOnly || frame.finding !== undefined) &&
      (matchesText === undefined || matchesText(frame))
    ) {
      matched++;
      const group = header as Extract<StreamRow, { kind: 'run' }> | null;
      if (group && !headerShown) {
        rows.push(group);
        headerShown = true;
      }
      if (group) group.frames++;
      rows.push(rowOf(frame));
    }
    if (frame.direction === 'out' && (frame.eventType === 'RUN_FINISHED' || frame.eventType === 'RUN_ERROR')) {
      inRun = false;
      header = null;
    }
  }
  return { rows, matched, types: [...seenTypes].sort(), ruleBreaks };
}
