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

/**
 * `issue`, checked as a whole request part (`["body", …]`), located under `loc` instead: the part it was within (a
 * record at `["body", 3]`, an event at `["body", "events", 2]`, a resume's payload).
 */
export function issueAt(loc: readonly (string | number)[], issue: ValidationIssue): ValidationIssue {
  return { ...issue, loc: [...loc, ...issue.loc.slice(1)] };
}

/**
 * Issues a 422 lists at most: FastAPI lists all, but a hostile body can break a schema half a million times, and
 * listing each would take the engine seconds and the answer tens of megabytes. Past it one last issue counts the rest.
 */
export const MAX_LISTED_ISSUES = 100;

/** The issue that stands for `count` issues not listed (`ctx.unlisted`); a RequestValidationError merges them. */
function unlistedIssues(count: number, part: string | number): ValidationIssue {
  return {
    type: 'too_many_errors',
    loc: [part],
    msg: `${count} more ${count === 1 ? 'problem' : 'problems'} not listed: fix the ones listed and send again`,
    input: null,
    ctx: { unlisted: count },
  };
}

/** `issues` bounded as a 422 lists them: the first `MAX_LISTED_ISSUES`, then one issue counting the rest. */
export function listedIssues<T>(
  items: readonly T[],
  toIssue: (item: T) => ValidationIssue,
  part: string | number,
): ValidationIssue[] {
  const listed = items.slice(0, MAX_LISTED_ISSUES).map(toIssue);
  if (items.length > MAX_LISTED_ISSUES) listed.push(unlistedIssues(items.length - MAX_LISTED_ISSUES, part));
  return listed;
}

/**
 * A 422; what each issue echoes of the request (its `input`, the keys in its `loc`) is bounded (`echoedInput`), and
 * so is how many it lists: the first `MAX_LISTED_ISSUES`, then one per part of the request counting the rest there
 * (those `unlistedIssues` stood for included).
 */
export class RequestValidationError extends HttpError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    // Counted by the part of the request they are in (path, query, header, body), each part's count its own issue.
    const unlisted = new Map<string | number, number>();
    const count = (part: string | number, more: number) => unlisted.set(part, (unlisted.get(part) ?? 0) + more);
    const echoed: ValidationIssue[] = [];
    for (const issue of issues) {
      const part = issue.loc[0] ?? 'body';
      if (issue.type === 'too_many_errors') count(part, Number(issue.ctx?.unlisted ?? 0));
      else if (echoed.length === MAX_LISTED_ISSUES) count(part, 1);
      else
        echoed.push({
          ...issue,
          loc: issue.loc.map((key) => (typeof key === 'string' ? (echoedInput(key) as string) : key)),
          input: echoedInput(issue.input),
        });
    }
    for (const [part, more] of unlisted) echoed.push(unlistedIssues(more, part));
    super(422, echoed);
    this.issues = echoed;
    this.name = 'RequestValidationError';
  }
}
