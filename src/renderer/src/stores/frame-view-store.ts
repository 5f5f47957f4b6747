import { create } from 'zustand';
import type { FrameDirection } from '../../../shared/connections';

export interface FrameFilter {
  /** Event types to show; empty: every type. */
  types: readonly string[];
  direction: FrameDirection | 'both';
  /** Plain text (any case) or, with `regex`, a pattern; empty: no text filter. */
  text: string;
  regex: boolean;
  /** Only frames that broke a sequence rule. */
  ruleBreaksOnly: boolean;
}

export const NO_FRAME_FILTER: FrameFilter = {
  types: [],
  direction: 'both',
  text: '',
  regex: false,
  ruleBreaksOnly: false,
};

/**
 * How the selected connection's frames are looked at: the filter, whether the stream follows new frames, the
 * cursor (j/k) and the frame in the inspector. It belongs to one connection: another one starts fresh, while
 * switching views and back keeps what was typed.
 */
export interface FrameView {
  connectionId: string | null;
  filter: FrameFilter;
  follow: boolean;
  cursorSeq: number | null;
  inspectedSeq: number | null;
}

const FRESH: Omit<FrameView, 'connectionId'> = {
  filter: NO_FRAME_FILTER,
  follow: true,
  cursorSeq: null,
  inspectedSeq: null,
};

export const useFrameViewStore = create<FrameView>()(() => ({ connectionId: null, ...FRESH }));

/** Selector: the view of this connection (a fresh one when the store holds another's). */
export const frameViewOf =
  (connectionId: string) =>
  (state: FrameView): FrameView =>
    state.connectionId === connectionId ? state : freshView(connectionId);

/** One fresh view object per connection, so the selector's answer stays the same between renders. */
const freshViews = new Map<string, FrameView>();
function freshView(connectionId: string): FrameView {
  let view = freshViews.get(connectionId);
  if (!view) {
    if (freshViews.size > 50) freshViews.clear();
    view = { connectionId, ...FRESH };
    freshViews.set(connectionId, view);
  }
  return view;
}

function update(connectionId: string, patch: Partial<Omit<FrameView, 'connectionId'>>): void {
  useFrameViewStore.setState((state) => ({
    ...(state.connectionId === connectionId ? state : { connectionId, ...FRESH }),
    ...patch,
  }));
}

export function setFrameFilter(connectionId: string, patch: Partial<FrameFilter>): void {
  const { filter } = frameViewOf(connectionId)(useFrameViewStore.getState());
  update(connectionId, { filter: { ...filter, ...patch } });
}

export function setFollow(connectionId: string, follow: boolean): void {
  update(connectionId, { follow });
}

export function moveCursor(connectionId: string, seq: number): void {
  update(connectionId, { cursorSeq: seq, follow: false });
}

/** Shows a frame in the inspector (and puts the cursor on it, which stops following). */
export function pickFrame(connectionId: string, seq: number): void {
  update(connectionId, { cursorSeq: seq, inspectedSeq: seq, follow: false });
}

export function inspectFrame(connectionId: string, seq: number | null): void {
  update(connectionId, { inspectedSeq: seq });
}
