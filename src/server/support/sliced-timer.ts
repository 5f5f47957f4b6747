/**
 * The engine's run work (a scenario's next frames, held frames released, clients' messages handled) in slices,
 * so every client keeps its turn.
 *
 * Node runs every expired timer before it polls for I/O, and every socket's data in one poll: with a thousand runs
 * playing, their frames come due together and a request such as `/health` waits behind seconds of them. Work that
 * comes after the current slice has used `SLICE_MS` waits in a queue that `setImmediate` drains after the poll
 * phase, a slice at a time: requests and socket reads are served between slices. Order is kept: once something
 * waits, what comes after it waits too. One queue for the process, as there is one event loop.
 */
import { type QueuedTimer, TimerQueue } from './timer-queue';

const SLICE_MS = 10;

/** A pending timer; `cancel` also drops its work if the timer already fired and the work is waiting its turn. */
export interface SlicedTimer {
  cancel(): void;
}

/** Work waiting for its time (in `timers`) or for its turn (in `queue`): one object either way. */
class Waiting implements SlicedTimer, QueuedTimer {
  cancelled = false;
  due = 0;
  seq = 0;
  at = -1;

  constructor(readonly work: () => void) {}

  cancel(): void {
    this.cancelled = true;
    timers.remove(this);
  }
}

const timers = new TimerQueue<Waiting>((waiting) => runOrQueue(waiting));
let sliceStartedAt: number | undefined;
let queue: Waiting[] = [];
let head = 0;
let drainScheduled = false;

/** Like `setTimeout(work, ms)`, but the work runs within the slicing above. */
export function slicedTimeout(work: () => void, ms: number): SlicedTimer {
  const waiting = new Waiting(work);
  timers.add(waiting, ms);
  return waiting;
}

/** Sliced timers waiting for their time (fired ones waiting for their turn not counted). */
export function pendingSlicedTimeouts(): number {
  return timers.size;
}

/** Runs `work` now, or, when the slice is spent, queued behind what already waits (for work an I/O event brings). */
export function inTurn(work: () => void): SlicedTimer {
  const waiting = new Waiting(work);
  runOrQueue(waiting);
  return waiting;
}

function runOrQueue(waiting: Waiting): void {
  const now = performance.now();
  if (sliceStartedAt === undefined) {
    sliceStartedAt = now;
    scheduleDrain();
  }
  if (head < queue.length || now - sliceStartedAt > SLICE_MS) {
    queue.push(waiting);
    return;
  }
  run(waiting);
}

/** The next check phase ends this slice (I/O has been polled by then) and starts the next with what waits. */
function scheduleDrain(): void {
  if (drainScheduled) return;
  drainScheduled = true;
  setImmediate(drain);
}

function drain(): void {
  drainScheduled = false;
  sliceStartedAt = undefined;
  if (head === queue.length) return;
  const started = performance.now();
  sliceStartedAt = started;
  while (head < queue.length && performance.now() - started <= SLICE_MS) {
    const waiting = queue[head] as Waiting;
    queue[head++] = undefined as unknown as Waiting;
    run(waiting);
  }
  if (head === queue.length) {
    queue = [];
    head = 0;
  }
  // Also when the queue is empty: the slice just used ends at the next check phase.
  scheduleDrain();
}

function run(waiting: Waiting): void {
  if (waiting.cancelled) return;
  try {
    waiting.work();
  } catch (error) {
    // As a throwing timer callback would: uncaught, but without stopping the work queued behind it.
    setImmediate(() => {
      throw error;
    });
  }
}
