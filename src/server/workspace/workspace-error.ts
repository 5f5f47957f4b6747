import { problemLine, type WorkspaceProblem } from '../../shared/workspace';

/** What kind of failure, for callers that answer differently (the control API's status codes). */
export type WorkspaceErrorReason =
  | 'invalid'
  | 'not-found'
  | 'exists'
  | 'no-file'
  | 'io'
  | 'left-behind'
  /** A save refused: the document is larger than the engine opens (WORKSPACE_MAX_BYTES). */
  | 'too-large';

export interface WorkspaceErrorInit {
  operation: WorkspaceProblem['operation'];
  /** Default: `invalid` for loading, `io` otherwise. */
  reason?: WorkspaceErrorReason;
  file: string;
  problem: string;
  line?: number;
  column?: number;
  /** Dotted field path for schema problems. */
  path?: string;
  /** The other problems the same check found, beyond the one in `problem` (schema problems: every one is worth fixing). */
  otherProblems?: readonly { path: string; problem: string }[];
  cause?: unknown;
}

/**
 * A workspace file that could not be read, validated or written. The message names the file, the place
 * (line:column for JSON syntax, the field path for schema problems) and the problem, in one line.
 */
export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
  readonly operation: WorkspaceProblem['operation'];
  readonly reason: WorkspaceErrorReason;
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  readonly problem: string;
  readonly otherProblems: readonly { path: string; problem: string }[];

  constructor(init: WorkspaceErrorInit) {
    super(describeProblem(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.operation = init.operation;
    this.reason = init.reason ?? (init.operation === 'save' ? 'io' : 'invalid');
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
    this.path = init.path;
    this.problem = init.problem;
    this.otherProblems = init.otherProblems ?? [];
  }

  toProblem(at = Date.now()): WorkspaceProblem {
    return {
      operation: this.operation,
      file: this.file,
      ...(this.line !== undefined && { line: this.line }),
      ...(this.column !== undefined && { column: this.column }),
      ...(this.path !== undefined && { path: this.path }),
      problem: this.problem,
      message: this.message,
      ...(this.otherProblems.length > 0 && { otherProblems: [...this.otherProblems] }),
      at,
    };
  }
}

/** `mock.agui.json:3:7: …` for syntax, `mock.agui.json: agora.users.0.email: …` for schema problems. */
function describeProblem(init: WorkspaceErrorInit): string {
  const place = init.line !== undefined ? `${init.file}:${init.line}:${init.column ?? 1}` : `${init.file}`;
  return init.path === undefined
    ? `${place}: ${init.problem}`
    : `${place}: ${problemLine({ path: init.path, problem: init.problem })}`;
}
