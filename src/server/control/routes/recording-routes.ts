import Router from '@koa/router';
import { RecordScenarioSchema } from '../../../shared/workspace';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { ScenarioValidationError } from '../../scenarios/scenario-catalogue';
import { RecordingError, recordScenario } from '../../scenarios/scenario-recording';
import type { ControlDeps } from '../control-deps';
import { connectionFrom } from './connection-routes';

/**
 * Record & replay: a live or closed connection's frames become a scenario in the catalogue, so a run captured
 * once (from this mock or a real backend's traffic replayed through it) can be played to any client again.
 */
export function recordingRoutes(deps: ControlDeps): Router {
  const router = new Router();
  const { scenarios } = deps.context;

  router.post('/connections/:id/record', jsonBody(deps.context.settings), (ctx) => {
    const connection = connectionFrom(ctx, deps);
    const input = parseRequestPart(RecordScenarioSchema, requestBody(ctx) ?? {}, 'body');
    const id =
      input.id ??
      freeId(
        `recorded-${connection.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`,
        (candidate) => scenarios.get(candidate) !== undefined,
      );
    if (input.id && scenarios.get(input.id)) throw new HttpError(409, `A scenario with id ${input.id} exists`);
    let recording: ReturnType<typeof recordScenario>;
    try {
      recording = recordScenario(connection.frames.toArray(), {
        id,
        name: input.name,
        source: `connection ${connection.id}`,
      });
    } catch (error) {
      if (error instanceof RecordingError) throw new HttpError(409, error.message);
      throw error;
    }
    try {
      const scenario = scenarios.put(recording.scenario);
      ctx.status = 201;
      ctx.body = {
        scenario,
        events: recording.events,
        durationMs: recording.durationMs,
        laterRuns: recording.laterRuns,
      };
    } catch (error) {
      if (error instanceof ScenarioValidationError)
        throw new HttpError(422, `The recording cannot be stored as a scenario: ${error.message}`);
      throw error;
    }
  });

  return router;
}

function freeId(base: string, taken: (id: string) => boolean): string {
  const stem = base.replace(/-+$/, '').slice(0, 90);
  if (!taken(stem)) return stem;
  for (let n = 2; ; n++) if (!taken(`${stem}-${n}`)) return `${stem}-${n}`;
}
