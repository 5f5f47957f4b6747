import type { HistoryEvictionCause } from '../../../../shared/agora-model';
import { counted } from '../../../../shared/counted-words';
import { useStateStore } from '../../stores/state-store';

/** A cause as the notice names it: a limit by its setting's name. */
const causeName = (cause: HistoryEvictionCause) => (cause === 'workspaceFile' ? 'the workspace file’s 64 MiB' : cause);

/**
 * Says that recorded history was evicted (and why: which limits, or the workspace file's size), until dismissed.
 */
export function HistoryEvictedNotice() {
  const eviction = useStateStore((state) => state.eviction);
  if (!eviction) return null;
  return (
    <div className="notice warning row" role="status" data-testid="history-evicted">
      <span className="spacer">
        Recorded history hit a limit ({eviction.limits.map(causeName).join(', ')}):{' '}
        {counted(eviction.removedMessages, 'recorded message')} evicted, oldest first
        {eviction.deletedSessions > 0 && ` (${counted(eviction.deletedSessions, 'run session')} removed whole)`}.
        Hand-made history is kept; change the limits in Settings.
      </span>
      <button
        type="button"
        className="ghost small"
        onClick={() => useStateStore.setState({ eviction: null })}
        aria-label="Dismiss notice"
      >
        ✕
      </button>
    </div>
  );
}
