import { EventType } from '@ag-ui/core';
import { type EventSink, outgoing } from './events';
import type { SequenceTracker } from './sequence-tracker';

/**
 * A run's sink that, before the run's RUN_FINISHED, closes what is still open on the wire: what a console injected
 * into the run (a TEXT_MESSAGE_START, a STEP_STARTED…), which the scenario does not know it has to close. The
 * engine's own stream then keeps rule R5, as a stopped run's does. (A RUN_FINISHED injected by a person goes
 * out as sent: it does not pass here.)
 */
export function closingBeforeFinish(sink: EventSink, tracker: () => SequenceTracker | undefined): EventSink {
  return (event) => {
    if (event.event.type === EventType.RUN_FINISHED) {
      for (const closing of tracker()?.closingEvents() ?? []) sink(outgoing({ ...closing, timestamp: Date.now() }));
    }
    sink(event);
  };
}
