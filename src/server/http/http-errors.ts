import { echoedInput } from './echoed-input';

/** nginx's status for a request its client gave up on before the answer: no HTTP response carries it, the log does. */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Errors a route throws on purpose. The error middleware turns them into FastAPI-shaped bodies:
 * `{"detail": "..."}` or, for validation, `{"detail": [{type, loc, msg, input}]}`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.name = 'HttpError';
  }
}

/** One entry of a FastAPI 422 body. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  /** The limit or expectation that failed, where pydantic reports one (`{"ge": 1}`, `{"pattern": "…"}`). */
  ctx?: Record<string, unknown>;
}

/** A 422; what each issue echoes of the request (its `input`, the keys in its `loc`) is bounded (`echoedInput`). */
export class RequestValidationError extends HttpError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    const echoed = issues.map((issue) => ({
      ...issue,
      loc: issue.loc.map((key) => (typeof key === 'string' ? (echoedInput(key) as string) : key)),
      input: echoedInput(issue.input),
    }));
    super(422, echoed);
    this.issues = echoed;
    this.name = 'RequestValidationError';
  }
}
