import type { WorkspaceInput, WorkspaceTemplate } from '../../shared/workspace';
import { agoraTemplate } from '../packs/agora/agora-template';
import { genericTemplate } from './templates/generic';

/** A built-in starting world: `agora` (the default) or `generic` (any AG-UI client). */
export function workspaceTemplate(template: WorkspaceTemplate, now = Date.now(), name?: string): WorkspaceInput {
  return template === 'generic' ? genericTemplate(now, name) : agoraTemplate(now, name);
}
