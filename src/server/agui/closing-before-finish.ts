import { EventType } from '@ag-ui/core';
import { type EventSink, type OutgoingEvent, outgoing } from './events';
import type { SequenceTracker } from './sequence-tracker';

/** What an opener opens, and the field that names it; a closer of the same kind names it in the same field. */
interface Entity {
  kind: 'message' | 'toolCall' | 'reasoning';
  field: 'messageId' | 'toolCallId';
}

const MESSAGE: Entity = { kind: 'message', field: 'messageId' };
const TOOL_CALL: Entity = { kind: 'toolCall', field: 'toolCallId' };
const REASONING: Entity = { kind: 'reasoning', field: 'messageId' };

const OPENERS: Partial<Record<string, Entity>> = {
  [EventType.TEXT_MESSAGE_START]: MESSAGE,
  [EventType.TOOL_CALL_START]: TOOL_CALL,
  [EventType.REASONING_START]: REASONING,
  [EventType.REASONING_MESSAGE_START]: REASONING,
};

/** Events that close what an opener opened (a tool call's result follows its END): they belong to its owner. */
const CLOSERS: Partial<Record<string, Entity>> = {
  [EventType.TEXT_MESSAGE_END]: MESSAGE,
  [EventType.TOOL_CALL_END]: TOOL_CALL,
  [EventType.TOOL_CALL_RESULT]: TOOL_CALL,
  [EventType.REASONING_END]: REASONING,
  [EventType.REASONING_MESSAGE_END]: REASONING,
};

/**
 * A run's sink that keeps the closing of a run within AG-UI's rules:
 *
 * - a closing event without a `subagentRunId` (the engine closes what a stopped or finished run left open with
 *   such events: `TEXT_MESSAGE_END`, `TOOL_CALL_END` and its cancelled `TOOL_CALL_RESULT`, `STEP_FINISHED`…) goes
 *   out with its opener's, as AG-UI wants of every continuation: a step a subagent opened, closed untagged, is
 *   one the official client refuses to let the parent agent finish (rule S3). A step the parent agent has open
 *   under that name is the parent's to finish, and is left so;
 * - before the run's RUN_FINISHED, what is still open on the wire is closed: what a console injected into the run
 *   (a TEXT_MESSAGE_START, a STEP_STARTED…), which the scenario does not know it has to close, and the subagents
 *   still active, each finished (`SUBAGENT_FINISHED`, outcome success) after everything it opened is closed.
 *
 * The engine's own stream then keeps rule R5, as a stopped run's does. (A RUN_FINISHED injected by a person goes
 * out as sent: it does not pass here.) Runs without subagents pay one field read per event for the first point.
 */
export function closingBeforeFinish(sink: EventSink, tracker: () => SequenceTracker | undefined): EventSink {
  /** `kind\0id` -> the subagent that opened it, this run; none until an event of the run names a subagent. */
  let owners: Map<string, string> | undefined;

  /** An event of a run in which a subagent took part, without a subagentRunId of its own. */
  const attributed = (sent: OutgoingEvent): OutgoingEvent => {
    const { event } = sent;
    const type = event.type;
    if (type === EventType.RUN_STARTED || type === EventType.RUN_ERROR) {
      owners = undefined;
      return sent;
    }
    let owner: string | undefined;
    if (type === EventType.STEP_FINISHED) {
      // Finished by the parent agent, it must be the parent's step: S3 says it is not, but a subagent's.
      const current = tracker();
      if (current?.check(event)?.rule === 'S3') {
        owner = current
          .snapshot()
          .openSteps.find(
            (step) => step.stepName === event.stepName && step.subagentRunId !== undefined,
          )?.subagentRunId;
      }
    } else {
      const closes = CLOSERS[type];
      if (closes) owner = owners?.get(`${closes.kind}\0${event[closes.field]}`);
    }
    return owner === undefined ? sent : outgoing({ ...event, subagentRunId: owner });
  };

  return (sent) => {
    const { event } = sent;
    const subagentRunId = event.subagentRunId;
    if (typeof subagentRunId === 'string') {
      const opens = OPENERS[event.type];
      owners ??= new Map();
      if (opens) owners.set(`${opens.kind}\0${event[opens.field]}`, subagentRunId);
    } else if (owners !== undefined && subagentRunId === undefined) {
      sent = attributed(sent);
    }
    if (event.type === EventType.RUN_FINISHED) {
      for (const closing of tracker()?.closingEvents() ?? []) sink(outgoing({ ...closing, timestamp: Date.now() }));
      owners = undefined;
    }
    sink(sent);
  };
}
