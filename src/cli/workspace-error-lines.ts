import type { WorkspaceError } from '../server/workspace/workspace-error';

/** A workspace's problems for the terminal: the first on the line that says what failed, every other under it. */
export function writeWorkspaceError(lead: string, error: WorkspaceError): void {
  process.stderr.write(`${lead}${error.message}\n`);
  for (const other of error.otherProblems) process.stderr.write(`  ${other.path}: ${other.problem}\n`);
}
