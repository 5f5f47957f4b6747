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

/** A readable one-liner for any `{detail}` shape: a string, a FastAPI issue list, or a workspace problem. */
export function describeDetail(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail))
    return (detail as ValidationIssue[])
      .map((issue) => `${issue.loc.filter((part) => part !== 'body').join('.') || 'body'}: ${issue.msg}`)
      .join('; ');
  // The workspace routes answer a WorkspaceProblem, whose message names the file and what went wrong.
  const message = (detail as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return `The engine answered ${status}`;
}

/** What to show for an error caught anywhere in the console. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The engine cannot be reached (it may have stopped): try again in a moment';
  return error instanceof Error ? error.message : String(error);
}
