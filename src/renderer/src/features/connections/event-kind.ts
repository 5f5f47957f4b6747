/** The colour family of an event type, shared by the stream's badges and the timeline's spans. */
export type EventKind = 'run' | 'step' | 'text' | 'tool' | 'error' | 'other';

export function eventKind(eventType: string | null): EventKind {
  if (!eventType) return 'other';
  if (eventType === 'RUN_ERROR') return 'error';
  if (eventType.startsWith('RUN_')) return 'run';
  if (eventType.startsWith('STEP_')) return 'step';
  if (eventType.startsWith('TEXT_MESSAGE')) return 'text';
  if (eventType.startsWith('TOOL_CALL')) return 'tool';
  return 'other';
}
