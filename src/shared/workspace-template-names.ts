// The built-in templates' names, apart from the workspace schema: the CLI checks `--template` before zod and the
// schemas are loaded (which --help and --version never load). workspace.ts exports them with the schema.

export const WORKSPACE_TEMPLATES = [
  'blank',
  'generic',
  'dojo',
  'agora',
  'agora-real',
  'echo',
  'fastapi-tutorial',
] as const;
export type WorkspaceTemplate = (typeof WORKSPACE_TEMPLATES)[number];
