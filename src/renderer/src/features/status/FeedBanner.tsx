import { useServerStore } from '../../stores/server-store';

/** Says so when the live feed is lost: what is on screen may be stale until it is back. */
export function FeedBanner() {
  const feed = useServerStore((state) => state.feed);
  if (feed !== 'reconnecting') return null;
  return (
    <div className="banner" role="status" data-testid="reconnecting">
      <span className="spinner" /> The engine went away — reconnecting. What you see may be out of date; it reloads when
      the engine is back.
    </div>
  );
}
