/** One problem with a mount, at a dotted path from the workspace root (`routes.2.responses.0.body.json.name`). */
export interface MountIssue {
  path: string;
  message: string;
}

/**
 * A workspace's mounts that cannot be served as written. It lists every problem found, not just the first, so a
 * person fixes the file in one go; nothing of the workspace is served until it compiles.
 */
export class MountValidationError extends Error {
  override name = 'MountValidationError';

  constructor(readonly issues: MountIssue[]) {
    super(
      issues.length === 1
        ? `${issues[0]?.path}: ${issues[0]?.message}`
        : `${issues.length} problems: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    );
  }
}

/** A place in the workspace, as the keys and indexes leading to it. */
export type IssuePath = readonly (string | number)[];

/** Collects the problems found while compiling mounts, then throws them all at once. */
export class MountIssues {
  private readonly found: MountIssue[] = [];

  add(path: IssuePath, message: string): void {
    this.found.push({ path: path.join('.'), message });
  }

  get count(): number {
    return this.found.length;
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new MountValidationError([...this.found]);
  }
}
