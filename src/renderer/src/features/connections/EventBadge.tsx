import type { FrameDirection } from '../../../../shared/connections';
import { eventKind } from './event-kind';

export function EventBadge({ eventType, direction }: { eventType: string | null; direction: FrameDirection }) {
  const kind = direction === 'in' ? 'client' : eventKind(eventType);
  return (
    <span className={`event-badge ${kind}`}>{eventType ?? (direction === 'in' ? 'client message' : 'frame')}</span>
  );
}
