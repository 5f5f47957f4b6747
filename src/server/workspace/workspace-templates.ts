import type { WorkspaceInput, WorkspaceTemplate } from '../../shared/workspace';
import { PACK_TEMPLATES } from '../packs/pack-registry';
import { blankTemplate } from './templates/blank';
import { dojoTemplate } from './templates/dojo';
import { echoTemplate } from './templates/echo';
import { fastapiTutorialTemplate } from './templates/fastapi-tutorial';
import { genericTemplate } from './templates/generic';

const TEMPLATES: Record<WorkspaceTemplate, (now: number, name?: string) => WorkspaceInput> = {
  blank: blankTemplate,
  generic: genericTemplate,
  dojo: dojoTemplate,
  agora: PACK_TEMPLATES.agora as (now: number, name?: string) => WorkspaceInput,
  'agora-real': PACK_TEMPLATES['agora-real'] as (now: number, name?: string) => WorkspaceInput,
  echo: echoTemplate,
  'fastapi-tutorial': fastapiTutorialTemplate,
};

/** A built-in starting world: made only of what users can write themselves (mounts, scenarios, packs). */
export function workspaceTemplate(template: WorkspaceTemplate, now = Date.now(), name?: string): WorkspaceInput {
  return TEMPLATES[template](now, name);
}
