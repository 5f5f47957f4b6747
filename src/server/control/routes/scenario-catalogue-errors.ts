import { RequestValidationError } from '../../http/http-errors';
import { dottedPathKeys, valueAt } from '../../http/validation';
import { ScenarioValidationError } from '../../scenarios/scenario-catalogue';

type Place = (string | number)[];

/**
 * The catalogue refuses what does not compile (bad regex, unknown template); report it like schema errors, each at
 * its place in the body echoing the value `sent` there. `placeInBody` maps a place in the scenario to one in the body
 * (the same when the body is the scenario); a problem with none (a route built that part) is the body's, naming it.
 */
export function catalogueErrorsAs422<T>(
  sent: unknown,
  action: () => T,
  placeInBody: (place: Place) => Place | undefined = (place) => place,
): T {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof ScenarioValidationError)) throw error;
    throw new RequestValidationError(
      error.issues.map((issue) => {
        const place = placeInBody(dottedPathKeys(issue.path));
        if (!place) {
          const msg = issue.path ? `${issue.path}: ${issue.message}` : issue.message;
          return { type: 'value_error', loc: ['body'], msg, input: null };
        }
        return {
          type: 'value_error',
          loc: ['body', ...place],
          msg: issue.message,
          input: valueAt(sent, place) ?? null,
        };
      }),
    );
  }
}
