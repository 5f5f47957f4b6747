import { type BaseEvent, EventType } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  BroadcastBodySchema,
  CheckBodySchema,
  InjectBodySchema,
  type InjectConflict,
  type InjectResult,
  MACRO_NAMES,
  type MacroName,
  MacroSchemas,
  type SequenceFinding,
  type StreamContext,
} from '../../../shared/control-api';
import { RawMessageBodySchema, type RawMessageResult, rawMessageText } from '../../../shared/raw-messages';
import { planMacro } from '../../agui/event-macros';
import { eventTemplate } from '../../agui/event-templates';
import { outgoing } from '../../agui/events';
import { RUN_RULES, type RuleFinding, type RunRuleFinding, SEQUENCE_RULES } from '../../agui/sequence-tracker';
import { HttpError, issueAt, RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart, toValidationIssues } from '../../http/validation';
import { isTerminal, runControlOf } from '../../scenarios/run-control';
import { newRouter } from '../../support/koa-router-on-first-use';
import { BACKLOG_CLOSE, type Connection } from '../../ws/connection';
import type { ControlDeps } from '../control-deps';
import { connectionById, connectionFrom, requireOpen } from './connection-routes';

/** Schema-checks every event (422 even with force: a client cannot parse a malformed event at all). */
function validateEvents(events: Record<string, unknown>[]): BaseEvent[] {
  const issues = events.flatMap((event, index) => {
    const result = EventSchemas.safeParse(event);
    return result.success
      ? []
      : toValidationIssues(result.error.issues, event, 'body').map((issue) =>
          issueAt(['body', 'events', index], issue),
        );
  });
  if (issues.length > 0) throw new RequestValidationError(issues);
  // The originals are sent: extra fields (AGORA's toolDisplayName…) must survive, and the schemas keep them too.
  return events as unknown as BaseEvent[];
}

/**
 * Which rule each event would break if sent in order now: the sequence rules (the tracker mirrors @ag-ui/client
 * verifyEvents), else the engine's own for the run playing on the connection (SC1, ST1; see run-control.ts).
 */
function findingsFor(connection: Connection, events: BaseEvent[]): SequenceFinding[] {
  const sequence = connection.tracker.checkAll(events);
  const run = runControlOf(connection)?.check(events) ?? [];
  return events.flatMap((_, index) => {
    const finding = sequence[index] ?? run[index];
    return finding ? [toSequenceFinding(index, finding)] : [];
  });
}

function toSequenceFinding(index: number, { rule, message }: RuleFinding | RunRuleFinding): SequenceFinding {
  const title =
    rule in RUN_RULES ? RUN_RULES[rule as keyof typeof RUN_RULES] : SEQUENCE_RULES[rule as keyof typeof SEQUENCE_RULES];
  return { index, rule, title, message };
}

/** `rule T2`, `rules T2, SC1`: AG-UI's sequence rules and the playing run's (SC1, ST1) alike, by their ids. */
function rulesNamed(findings: readonly SequenceFinding[]): string {
  const rules = [...new Set(findings.map((finding) => finding.rule))];
  return `${rules.length === 1 ? 'rule' : 'rules'} ${rules.join(', ')}`;
}

function conflict(connection: Connection, findings: SequenceFinding[]): InjectConflict {
  const events = new Set(findings.map((finding) => finding.index)).size;
  return {
    detail: `${events === 1 ? 'An event' : `${events} events`} would break ${rulesNamed(findings)}; nothing was sent. Fix ${events === 1 ? 'it' : 'them'}, or send with "force": true to send anyway.`,
    connectionId: connection.id,
    findings,
  };
}

/**
 * The event as it goes out: one without a `timestamp` gets the moment it leaves (a paced macro's, its turn), not
 * when the request was made; one a person gave a timestamp keeps it.
 */
function stamped(connection: Connection, event: BaseEvent, delayMs: number): BaseEvent {
  return event.timestamp === undefined ? { ...event, timestamp: connection.sendsAt(delayMs) } : event;
}

/**
 * Sends events in order (with per-event pauses for paced macros) and reports the rules they broke. Through the
 * connection's run control when it has one, so the run playing there follows them: a RUN_FINISHED or RUN_ERROR
 * ends it. An SSE response ends after such an event: the events after it in the list are not sent (`sent` says how
 * many were). `held`: those that wait for the connection's paused delivery to resume.
 */
function send(
  connection: Connection,
  events: BaseEvent[],
  checked: SequenceFinding[],
  delaysMs: number[] = [],
): InjectResult {
  const control = runControlOf(connection);
  const findings: SequenceFinding[] = [];
  const framesOutBefore = connection.counters.framesOut;
  let sent = 0;
  for (const [index, event] of events.entries()) {
    const delayMs = delaysMs[index] ?? 0;
    const out = outgoing(stamped(connection, event, delayMs));
    const finding = control ? control.send(out, delayMs) : connection.sendEvent(out, delayMs);
    sent++;
    // The engine's own findings (`checked` before sending) are known only then: the run they concern may end.
    const reported = finding
      ? toSequenceFinding(index, finding)
      : checked.find((checkedFinding) => checkedFinding.index === index && checkedFinding.rule in RUN_RULES);
    if (reported) findings.push(reported);
    if (connection.kind === 'sse' && isTerminal(event)) break;
  }
  // Events that closed the connection for its backlog were dropped with what it held: count only those that left.
  if (connection.closedForBacklog) sent = Math.min(sent, connection.counters.framesOut - framesOutBefore);
  return {
    connectionId: connection.id,
    sent,
    held: connection.isOpen && connection.deliveryPaused ? sent : 0,
    findings,
  };
}

/**
 * A request whose frames made the connection close for its backlog (BACKLOG_CLOSE) did not do what it asked: 409,
 * saying so, rather than a success for frames dropped with the connection. `sent`: those that left before it closed.
 */
function closedByRequest(connection: Connection, sent = 0): HttpError {
  return new HttpError(
    409,
    `Connection ${connection.id} was closed ${BACKLOG_CLOSE.code}: over 4 MiB of frames were waiting to be sent ` +
      "(not read, or held by a pause or delay), this request's included; " +
      (sent === 0 ? 'nothing was sent' : `only ${sent} of its events went out, the rest were dropped with it`),
  );
}

/** The answer of a single connection's send: what `send` did, or 409 when it closed the connection (see above). */
function sentOrRefused(connection: Connection, result: InjectResult): InjectResult {
  if (connection.closedForBacklog) throw closedByRequest(connection, result.sent);
  return result;
}

function openConnection(ctx: Context, deps: ControlDeps): Connection {
  const connection = connectionFrom(ctx, deps);
  requireOpen(connection);
  return connection;
}

/** Refuses AG-UI events on a socket of another protocol (an echo, a feed): they would mean nothing to its client. */
function requireAgui(connection: Connection): Connection {
  if (connection.protocol !== 'agui')
    throw new HttpError(
      409,
      `Connection ${connection.id} does not speak AG-UI: send it a text or JSON frame with POST /connections/${connection.id}/messages`,
    );
  return connection;
}

/** An open AG-UI connection named in the path, or 404/409. */
function openAguiConnection(ctx: Context, deps: ControlDeps): Connection {
  return requireAgui(openConnection(ctx, deps));
}

/**
 * Injection: events, macros and templates for one AG-UI connection, events for several or all of them, and raw
 * text or JSON frames for any open WebSocket. Every event is schema-checked and run past the connection's sequence
 * tracker first; nothing is sent when a rule would break, unless the caller forces it.
 */
export function injectRoutes(deps: ControlDeps): Router {
  const router = newRouter();
  const body = jsonBody(deps.context.settings);

  router.post('/connections/:id/messages', body, (ctx) => {
    const connection = openConnection(ctx, deps);
    if (connection.kind !== 'ws')
      throw new HttpError(
        409,
        `Connection ${connection.id} is an SSE stream of AG-UI events: inject events with POST /connections/${connection.id}/events`,
      );
    const input = parseRequestPart(RawMessageBodySchema, requestBody(ctx), 'body');
    const text = rawMessageText(input);
    if (!connection.send(text, null)) {
      if (connection.closedForBacklog) throw closedByRequest(connection);
      // The client is closing the socket: ws takes no more frames from the engine.
      throw new HttpError(409, `Connection ${connection.id} is closing: nothing was sent`);
    }
    ctx.body = {
      connectionId: connection.id,
      size: Buffer.byteLength(text),
      held: connection.heldBytes > 0,
    } satisfies RawMessageResult;
  });

  router.post('/connections/:id/events', body, (ctx) => {
    const connection = openAguiConnection(ctx, deps);
    const input = parseRequestPart(InjectBodySchema, requestBody(ctx), 'body');
    const events = validateEvents(input.events);
    const findings = findingsFor(connection, events);
    if (findings.length > 0 && !input.force) {
      ctx.status = 409;
      ctx.body = conflict(connection, findings);
      return;
    }
    ctx.body = sentOrRefused(connection, send(connection, events, findings));
  });

  router.post('/connections/:id/events/check', body, (ctx) => {
    const connection = openAguiConnection(ctx, deps);
    const { events } = parseRequestPart(CheckBodySchema, requestBody(ctx), 'body');
    ctx.body = { findings: findingsFor(connection, validateEvents(events)) };
  });

  router.post('/events', body, (ctx) => {
    const input = parseRequestPart(BroadcastBodySchema, requestBody(ctx), 'body');
    const events = validateEvents(input.events);
    const targets = input.connectionIds
      ? input.connectionIds.map((id) => {
          const connection = connectionById(id, deps);
          requireOpen(connection);
          return requireAgui(connection);
        })
      : [...deps.context.registry.openConnections()].filter((connection) => connection.protocol === 'agui');
    const checked = targets.map((connection) => ({ connection, findings: findingsFor(connection, events) }));
    const conflicts = checked.filter(({ findings }) => findings.length > 0);
    if (conflicts.length > 0 && !input.force) {
      ctx.status = 409;
      ctx.body = {
        detail: `Events would break ${rulesNamed(conflicts.flatMap(({ findings }) => findings))} on ${conflicts.length === 1 ? '1 connection' : `${conflicts.length} connections`}; nothing was sent. Send with "force": true to send anyway.`,
        conflicts: conflicts.map(({ connection, findings }) => conflict(connection, findings)),
      };
      return;
    }
    ctx.body = { results: checked.map(({ connection, findings }) => send(connection, events, findings)) };
  });

  router.post('/connections/:id/macros/:name', body, (ctx) => {
    const name = ctx.params.name as MacroName;
    if (!MACRO_NAMES.includes(name))
      throw new HttpError(
        404,
        `Unknown macro ${JSON.stringify(ctx.params.name)}: use one of ${MACRO_NAMES.join(', ')}`,
      );
    const connection = openAguiConnection(ctx, deps);
    const params = parseRequestPart(MacroSchemas[name], requestBody(ctx) ?? {}, 'body');
    const plan = planMacro(name, params, connection.tracker.snapshot() satisfies StreamContext, connection.kind);
    const findings = findingsFor(connection, plan.events);
    if (findings.length > 0 && !params.force) {
      ctx.status = 409;
      ctx.body = conflict(connection, findings);
      return;
    }
    ctx.body = sentOrRefused(connection, send(connection, plan.events, findings, plan.delaysMs));
  });

  router.get('/connections/:id/templates/:eventType', (ctx) => {
    const type = ctx.params.eventType as EventType;
    if (!Object.values(EventType).includes(type))
      throw new HttpError(
        404,
        `Unknown event type ${JSON.stringify(ctx.params.eventType)}: use one of ${Object.values(EventType).join(', ')}`,
      );
    // Not only open connections: a closed one keeps its tracker. A raw one never had an AG-UI stream.
    const connection = requireAgui(connectionFrom(ctx, deps));
    ctx.body = { event: eventTemplate(type, connection.tracker.snapshot()) };
  });

  router.get('/connections/:id/tracker', (ctx) => {
    ctx.body = requireAgui(connectionFrom(ctx, deps)).tracker.snapshot() satisfies StreamContext;
  });

  return router;
}
