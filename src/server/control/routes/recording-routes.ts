import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ConnectionMount } from '../../../shared/connections';
import { type RecordingPreview, type RecordingResult, RecordScenarioRequestSchema } from '../../../shared/recording';
import { scenarioSelection } from '../../agui/endpoint-environment';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import {
  type Recording,
  RecordingError,
  type RecordingOptions,
  recordScenario,
} from '../../scenarios/scenario-recording';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { ControlDeps } from '../control-deps';
import { connectionFrom } from './connection-routes';
import { freeId } from './free-id';
import { catalogueErrorsAs422 } from './scenario-catalogue-errors';
import { checkWorkspaceRoom } from './workspace-room';

/**
 * Record & replay: a live or closed connection's frames become a scenario in the catalogue, so a run captured
 * once (from this mock or a real backend's traffic replayed through it) can be played to any client again. A
 * recording takes part in routing only when asked (`activate`); `GET` says what it would hold, to ask first.
 */
export function recordingRoutes(deps: ControlDeps): Router {
  const router = newRouter();
  const { scenarios } = deps.context;

  /**
   * The recording, and how it would take part in routing where it was recorded: the scenario answering its message
   * there now, which its default trigger is put above.
   */
  const record = (
    ctx: Context,
    options: Omit<RecordingOptions, 'source' | 'contextWrites' | 'id'> & { id?: string },
  ) => {
    const connection = connectionFrom(ctx, deps);
    const id =
      options.id ??
      freeId(
        `recorded-${connection.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`,
        (candidate) => scenarios.get(candidate) !== undefined,
      );
    let recording: Recording;
    try {
      recording = recordScenario(connection.frames.toArray(), {
        ...options,
        id,
        source: `connection ${connection.id}`,
        contextWrites: connection.contextWrites(),
      });
    } catch (error) {
      if (error instanceof RecordingError) throw new HttpError(409, error.message);
      throw error;
    }
    const { mount } = connection;
    const played = mount ? deps.context.world.scenariosPlayedBy(mount) : undefined;
    const selection = played === undefined ? '*' : scenarioSelection(played);
    const rival = scenarios.matchingTrigger(recording.userMessage, selection);
    const answeredBy = rival ? { scenarioId: rival.program.scenario.id, priority: rival.priority } : null;
    if (rival && rival.priority >= (recording.suggestedTrigger.priority ?? 0)) {
      recording.suggestedTrigger = { ...recording.suggestedTrigger, priority: rival.priority + 1 };
      if (options.activate && !options.trigger) recording.scenario.triggers = [recording.suggestedTrigger];
    }
    const listedOnly = selection !== '*' && !selection.has(id) ? mountWords(mount) : null;
    return { recording, selection, where: mountWords(mount), answeredBy, listedOnly };
  };

  router.get('/connections/:id/record', (ctx) => {
    const { recording, answeredBy, listedOnly } = record(ctx, {});
    const { scenario, ...preview } = recording;
    ctx.body = {
      id: scenario.id,
      name: scenario.name,
      ...preview,
      answeredBy,
      playsListedOnly: listedOnly,
    } satisfies RecordingPreview;
  });

  router.post('/connections/:id/record', jsonBody(deps.context.settings), (ctx) => {
    const input = parseRequestPart(RecordScenarioRequestSchema, requestBody(ctx) ?? {}, 'body');
    if (input.id && scenarios.get(input.id)) throw new HttpError(409, `A scenario with id ${input.id} exists`);
    const { recording, selection, where, listedOnly } = record(ctx, input);
    const { scenario: recorded, userMessage, suggestedTrigger: _trigger, ...facts } = recording;
    // A trigger given is the recorded scenario's only one: its problems (a regex RE2 cannot compile) are the body's.
    const placeInBody = (place: (string | number)[]) =>
      input.trigger && place[0] === 'triggers' && place[1] === 0 ? ['trigger', ...place.slice(2)] : undefined;
    const scenario = catalogueErrorsAs422(
      requestBody(ctx),
      () => scenarios.put(recorded, (next) => checkWorkspaceRoom(deps.workspace, { scenarios: next })),
      placeInBody,
    );
    const warnings = [...facts.warnings];
    if (input.activate) {
      if (listedOnly) warnings.push(listedOnlyWords(listedOnly, scenario.id));
      else {
        const answering = scenarios.match(userMessage, selection)?.scenario.id;
        // A trigger for other messages than the one recorded says nothing about who answers that one.
        if (answering !== scenario.id && scenarios.match(userMessage, new Set([scenario.id])))
          warnings.push(
            `on ${where}, the recorded message is still answered by scenario '${answering}' (its trigger comes first): give the recording's trigger a higher priority`,
          );
      }
    }
    ctx.status = 201;
    ctx.body = { scenario, active: scenario.triggers.length > 0, ...facts, warnings } satisfies RecordingResult;
  });

  return router;
}

function mountWords(mount: ConnectionMount | null): string {
  return mount ? `the ${mount.kind} '${mount.id}' this connection came in through` : 'this connection';
}

function listedOnlyWords(where: string, id: string): string {
  return `${where} plays only the scenarios it lists: add '${id}' to its list for the recording to answer there`;
}
