import { basename } from 'node:path';
import { WORKSPACE_NAME_MAX } from '../../shared/workspace';

/**
 * The name a workspace takes from its file (`mock.agui.json` → `mock`), as a workspace name must be: one line of
 * text (a file name may hold a line break or an escape), at most WORKSPACE_NAME_MAX characters.
 */
export function workspaceNameFor(file: string): string {
  const stem = basename(file)
    .replace(/(\.agui)?\.json$/i, '')
    .replace(/\p{Cc}/gu, '')
    .trim();
  // By code points, so a character outside the BMP is never cut in half.
  return [...stem].slice(0, WORKSPACE_NAME_MAX).join('') || 'workspace';
}
