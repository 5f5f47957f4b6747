import { problemLine } from '../../../shared/workspace';
/** One problem in a request body, as FastAPI-style 422 answers list them. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

/** An answer from the control API that was not a success, with the engine's `detail` kept for the UI. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The parsed body (`{detail: …}` and whatever else the route sent), or null. */
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The 422 issues, when the engine listed them. */
  get issues(): ValidationIssue[] {
    const detail = (this.body as { detail?: unknown } | null)?.detail;
    return Array.isArray(detail) ? (detail as ValidationIssue[]) : [];
  }
}

/** Where a 422 issue is, as a person reads it: `agora.users[0].email` (the body itself is not named). */
export function issuePlace(loc: readonly (string | number)[]): string {
  const parts = loc[0] === 'body' ? loc.slice(1) : loc;
  return parts.reduce<string>(
    (place, part) => (typeof part === 'number' ? `${place}[${part}]` : place ? `${place}.${part}` : part),
    '',
  );
}

/**
 * What the engine said, readably, for any `{detail}` shape: a string; a FastAPI issue list (one `place: msg` per
 * line); or a problem object with a `message` (workspace failures name the file and what is wrong with it).
 */
export function describeDetail(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string' && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0)
    return (detail as Partial<ValidationIssue>[])
      .map((issue) => {
        const place = Array.isArray(issue.loc) ? issuePlace(issue.loc) : '';
        const msg = typeof issue.msg === 'string' ? issue.msg : 'not accepted';
        return place ? `${place}: ${msg}` : msg;
      })
      .join('\n');
  if (detail && typeof detail === 'object') {
    const { message, problem, otherProblems } = detail as {
      message?: unknown;
      problem?: unknown;
      otherProblems?: unknown;
    };
    if (typeof message === 'string' && message.trim()) return withOtherProblems(message, otherProblems);
    if (typeof problem === 'string' && problem.trim()) return problem;
  }
  return `The engine answered ${status} without saying why`;
}

/** A workspace problem's line, then each other problem the same check found on a line of its own. */
export function withOtherProblems(message: string, otherProblems: unknown): string {
  if (!Array.isArray(otherProblems)) return message;
  const lines = otherProblems
    .filter((other): other is { path: string; problem: string } => typeof other?.problem === 'string')
    .map(problemLine);
  return [message, ...lines].join('\n');
}

/** What to show for an error caught anywhere in the console. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The engine cannot be reached (it may have stopped): try again in a moment';
  return error instanceof Error ? error.message : String(error);
}
