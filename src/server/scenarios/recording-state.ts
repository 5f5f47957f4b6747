import { counted } from '../../shared/counted-words';
import { isJsonObject } from '../../shared/json-value';
import type { JsonObject, JsonValue, StateSnapshotStep } from '../../shared/scenario';
import { shortenText } from '../../shared/shorten-text';
import { applyStateDelta } from './state-delta';

/**
 * The largest state (as JSON, in bytes) a recording sends first as a STATE_SNAPSHOT; a larger one is left out with a
 * warning, as a connection leaves out a context write too large to keep. Saved payloads have the same bound.
 */
export const MAX_RECORDED_STATE_BYTES = 256 * 1024;

/** The state a run started from, and where the engine took it from. */
export interface RunStartState {
  state: JsonValue;
  /**
   * `request`: the run's request brought it (RunAgentInput `state`); `thread`: the request brought none, and an
   * earlier run on the connection (or an event sent between runs) left it for the thread; `default`: neither, the
   * engine's empty state.
   */
  from: 'request' | 'thread' | 'default';
}

/**
 * Follows a thread's state through a connection's frames as the engine keeps it (`Conversation`): a run starts from
 * its request's state, else from what the last run left when that was on the same thread, else from `{}`; snapshots
 * replace it, deltas that apply move it. Fed the frames before the recorded run, it says what that run started from.
 */
export class FrameStateTracker {
  private kept: { threadId: string; state: JsonValue } | undefined;
  private threadId: string | undefined;

  /**
   * A RUN_STARTED went out; `requestState`: what its request brought (undefined when none, or no request; a null
   * one counts as none, as the engine reads it).
   */
  runStarted(threadId: string | undefined, requestState: JsonValue | undefined): RunStartState {
    this.threadId = threadId;
    const start: RunStartState =
      requestState !== undefined && requestState !== null
        ? { state: requestState, from: 'request' }
        : threadId !== undefined && this.kept?.threadId === threadId
          ? { state: this.kept.state, from: 'thread' }
          : { state: {}, from: 'default' };
    if (threadId !== undefined) this.kept = { threadId, state: start.state };
    return start;
  }

  /** An event the connection sent (in a run, or between runs on the thread of the last one). */
  event(event: JsonObject): void {
    const threadId = this.threadId;
    if (threadId === undefined) return;
    if (event.type === 'STATE_SNAPSHOT' && event.snapshot !== undefined) {
      this.kept = { threadId, state: event.snapshot };
    } else if (event.type === 'STATE_DELTA' && this.kept?.threadId === threadId) {
      const applied = applyStateDelta(this.kept.state, event.delta);
      if ('state' in applied) this.kept = { threadId, state: applied.state };
    }
  }
}

/**
 * The step a recording starts with when its run sent a STATE_DELTA before any STATE_SNAPSHOT of its own: those
 * deltas applied to the state the run started from (the recorded client's), which a replay elsewhere does not
 * have, so it is sent first as a STATE_SNAPSHOT. `apply` turns recorded values into the recording's templates. What
 * it does (or why it cannot) is added to `warnings`.
 */
export function openingStateStep(
  events: readonly JsonObject[],
  start: RunStartState | undefined,
  apply: (value: JsonValue) => JsonValue,
  warnings: string[],
): StateSnapshotStep | undefined {
  const first = events.find((event) => event.type === 'STATE_SNAPSHOT' || event.type === 'STATE_DELTA');
  if (first?.type !== 'STATE_DELTA') return undefined;
  // Up to the run's own first snapshot, from which on its deltas apply to what it set itself.
  const ownSnapshot = events.findIndex((event) => event.type === 'STATE_SNAPSHOT');
  const deltas = ownSnapshot === -1 ? events : events.slice(0, ownSnapshot);
  const leaveOut =
    'the replay sends its deltas as they were, so they apply to the replaying client’s state (and the run ends with RUN_ERROR state_delta_failed where that lacks what they change); add a stateSnapshot step first by hand';
  if (!start || !appliesAll(start.state, deltas)) {
    warnings.push(
      `the run’s STATE_DELTA events applied to a state the recording cannot see (${start?.from === 'request' ? 'not the one its request brought' : 'its request brought none, and the thread’s state came from a run the connection’s frames do not show'}): ${leaveOut}`,
    );
    return undefined;
  }
  const bytes = Buffer.byteLength(JSON.stringify(start.state));
  if (bytes > MAX_RECORDED_STATE_BYTES) {
    warnings.push(
      `the run’s STATE_DELTA events applied to ${origin(start)}, ${bytes} bytes as JSON: more than a recording keeps (${MAX_RECORDED_STATE_BYTES}), so ${leaveOut}`,
    );
    return undefined;
  }
  warnings.push(
    `the run’s STATE_DELTA events applied to ${origin(start)} (${describe(start.state)}): the replay sends that state first as a STATE_SNAPSHOT, so its deltas apply as they did, and the replaying client sees its own state replaced by it`,
  );
  return { type: 'stateSnapshot', snapshot: apply(start.state) };
}

/** Whether every STATE_DELTA among `events` applies, in turn, starting from `state`. */
function appliesAll(state: JsonValue, events: readonly JsonObject[]): boolean {
  let current = state;
  for (const event of events) {
    if (event.type !== 'STATE_DELTA') continue;
    const applied = applyStateDelta(current, event.delta);
    if (!('state' in applied)) return false;
    current = applied.state;
  }
  return true;
}

function origin(start: RunStartState): string {
  if (start.from === 'request') return 'the state its request brought';
  if (start.from === 'thread')
    return 'the state an earlier run on the connection left for the thread (its request brought none)';
  return 'the empty state the engine starts a thread with (its request brought none, and nothing before it on the connection set one)';
}

/** A state in a few words: an object by its keys. */
function describe(state: JsonValue): string {
  if (isJsonObject(state)) {
    const keys = Object.keys(state);
    if (keys.length === 0) return 'no keys';
    const named = keys.slice(0, 8).map((key) => JSON.stringify(key));
    return `keys ${named.join(', ')}${keys.length > 8 ? `, … ${keys.length} in all` : ''}`;
  }
  if (Array.isArray(state)) return `an array of ${counted(state.length, 'item')}`;
  return `the value ${shortenText(JSON.stringify(state), 60)}`;
}
