import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ItemsPage } from '../../../shared/control-api';
import { type Scenario, ScenarioSchema } from '../../../shared/scenario';
import { HttpError, RequestValidationError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { pathIdMismatch } from '../../http/path-id-mismatch';
import { parseRequestPart } from '../../http/validation';
import { newRouter } from '../../support/koa-router-on-first-use';
import type { ControlDeps } from '../control-deps';
import { connectionById, requireOpen } from './connection-routes';
import { catalogueErrorsAs422 } from './scenario-catalogue-errors';
import { checkWorkspaceRoom } from './workspace-room';

const RunBodySchema = z.strictObject({ connectionId: z.string().min(1) });

/** Computed once: the editor's schema help does not change while the engine runs. */
let scenarioJsonSchema: unknown;

function scenarioFrom(ctx: Context, { context }: ControlDeps): Scenario {
  const scenario = context.scenarios.get(ctx.params.id ?? '');
  if (!scenario) throw new HttpError(404, `Scenario not found: ${ctx.params.id}`);
  return scenario;
}

/** List, read, create, replace and delete scenarios (they are data), and play one on a connection now. */
export function scenarioRoutes(deps: ControlDeps): Router {
  const router = newRouter();
  const { scenarios } = deps.context;
  const body = jsonBody(deps.context.settings);
  /** Refuses scenarios that would make the workspace too large to save (409), before they are stored. */
  const room = (next: Scenario[]) => checkWorkspaceRoom(deps.workspace, { scenarios: next });

  router.get('/scenarios', (ctx) => {
    const items = scenarios.list();
    ctx.body = { items, total: items.length } satisfies ItemsPage<Scenario>;
  });

  router.get('/scenarios/schema', (ctx) => {
    scenarioJsonSchema ??= z.toJSONSchema(ScenarioSchema, { unrepresentable: 'any', cycles: 'ref' });
    ctx.body = scenarioJsonSchema;
  });

  router.get('/scenarios/:id', (ctx) => {
    ctx.body = scenarioFrom(ctx, deps);
  });

  router.post('/scenarios', body, (ctx) => {
    const input = parseRequestPart(ScenarioSchema, requestBody(ctx), 'body');
    if (scenarios.get(input.id))
      throw new HttpError(409, `A scenario with id ${input.id} exists: PUT /scenarios/${input.id} replaces it`);
    ctx.status = 201;
    ctx.body = catalogueErrorsAs422(requestBody(ctx), () => scenarios.put(input, room));
  });

  router.put('/scenarios/:id', body, (ctx) => {
    const input = parseRequestPart(ScenarioSchema, requestBody(ctx), 'body');
    if (input.id !== ctx.params.id)
      throw new RequestValidationError([pathIdMismatch(['body', 'id'], 'id', input.id, ctx.params.id)]);
    const existed = scenarios.get(input.id) !== undefined;
    const saved = catalogueErrorsAs422(requestBody(ctx), () => scenarios.put(input, room));
    ctx.status = existed ? 200 : 201;
    ctx.body = saved;
  });

  router.delete('/scenarios/:id', (ctx) => {
    const { id } = scenarioFrom(ctx, deps);
    const players = deps.context.world.mountsPlaying(id);
    if (players.length > 0)
      throw new HttpError(
        409,
        `Scenario ${id} is played by ${players.join(' and ')}: take it out of their scenarios first, then delete it`,
      );
    scenarios.delete(id);
    ctx.status = 204;
  });

  router.post('/scenarios/:id/run', body, (ctx) => {
    const scenario = scenarioFrom(ctx, deps);
    const { connectionId } = parseRequestPart(RunBodySchema, requestBody(ctx), 'body');
    const connection = connectionById(connectionId, deps);
    requireOpen(connection);
    // A scenario's run in progress is cancelled cleanly by the new one; a run injected by hand is not the engine's
    // to close (it cannot know what the person meant to send next), and starting another over it breaks the stream.
    const wire = connection.tracker.snapshot();
    if (wire.runActive && wire.runId !== connection.activeRunId)
      throw new HttpError(
        409,
        `Connection ${connection.id} has run ${JSON.stringify(wire.runId)} open, injected from the console: finish it first (send its RUN_FINISHED or RUN_ERROR), then play the scenario`,
      );
    const runId = deps.runScenario(connection.id, scenario.id);
    if (!runId) throw new HttpError(409, cannotPlay(connection));
    ctx.status = 202;
    ctx.body = { connectionId: connection.id, scenarioId: scenario.id, runId };
  });

  return router;
}

/** Why a connection plays no scenario: an SSE stream answers the one run its request asked for; a raw socket none. */
function cannotPlay(connection: { id: string; kind: string }): string {
  if (connection.kind === 'sse')
    return `Connection ${connection.id} is an SSE stream: it plays the one run its request asked for. Play the scenario on a WebSocket connection, or POST a RunAgentInput whose message triggers it`;
  return `Connection ${connection.id} cannot play scenarios (it is not an AG-UI socket)`;
}
