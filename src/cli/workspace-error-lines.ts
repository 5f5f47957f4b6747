import { terminalText } from '../server/support/terminal-text';
import type { WorkspaceError } from '../server/workspace/workspace-error';
import { problemLine } from '../shared/workspace';

/**
 * A workspace's problems for the terminal: the first on the line that says what failed, every other under it. They
 * quote the file (its keys, values, names), so each line is shown as `terminalText`: one line, whatever it quotes.
 */
export function writeWorkspaceError(lead: string, error: WorkspaceError): void {
  process.stderr.write(`${lead}${terminalText(error.message)}\n`);
  for (const other of error.otherProblems) process.stderr.write(`  ${terminalText(problemLine(other))}\n`);
}
