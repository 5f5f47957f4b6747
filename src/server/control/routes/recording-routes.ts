import Router from '@koa/router';
import type { Context } from 'koa';
import { type RecordingPreview, type RecordingResult, RecordScenarioRequestSchema } from '../../../shared/recording';
import { HttpError } from '../../http/http-errors';
import { jsonBody } from '../../http/json-body';
import { requestBody } from '../../http/parse-query-and-body';
import { parseRequestPart } from '../../http/validation';
import { ScenarioValidationError } from '../../scenarios/scenario-catalogue';
import {
  type Recording,
  RecordingError,
  type RecordingOptions,
  recordScenario,
} from '../../scenarios/scenario-recording';
import type { ControlDeps } from '../control-deps';
import { connectionFrom } from './connection-routes';
import { freeId } from './free-id';

/**
 * Record & replay: a live or closed connection's frames become a scenario in the catalogue, so a run captured
 * once (from this mock or a real backend's traffic replayed through it) can be played to any client again. A
 * recording takes part in routing only when asked (`activate`); `GET` says what it would hold, to ask first.
 */
export function recordingRoutes(deps: ControlDeps): Router {
  const router = new Router();
  const { scenarios } = deps.context;

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
    try {
      return recordScenario(connection.frames.toArray(), {
        ...options,
        id,
        source: `connection ${connection.id}`,
        contextWrites: connection.contextWrites(),
      });
    } catch (error) {
      if (error instanceof RecordingError) throw new HttpError(409, error.message);
      throw error;
    }
  };

  router.get('/connections/:id/record', (ctx) => {
    const { scenario, ...preview }: Recording = record(ctx, {});
    ctx.body = { id: scenario.id, name: scenario.name, ...preview } satisfies RecordingPreview;
  });

  router.post('/connections/:id/record', jsonBody(deps.context.settings), (ctx) => {
    const input = parseRequestPart(RecordScenarioRequestSchema, requestBody(ctx) ?? {}, 'body');
    if (input.id && scenarios.get(input.id)) throw new HttpError(409, `A scenario with id ${input.id} exists`);
    const { scenario: recorded, userMessage: _message, suggestedTrigger: _trigger, ...facts } = record(ctx, input);
    try {
      const scenario = scenarios.put(recorded);
      ctx.status = 201;
      ctx.body = { scenario, active: scenario.triggers.length > 0, ...facts } satisfies RecordingResult;
    } catch (error) {
      if (error instanceof ScenarioValidationError)
        throw new HttpError(422, `The recording cannot be stored as a scenario: ${error.message}`);
      throw error;
    }
  });

  return router;
}
