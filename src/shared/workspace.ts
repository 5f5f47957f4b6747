import { z } from 'zod';
import { AgoraDataSchema } from './agora-model';
import { ScenarioSchema } from './scenario';
import { ServerSettingsSchema } from './settings';

/**
 * A workspace: the mock's whole world in one JSON file (users, sessions and histories, scenarios, settings),
 * meant to be committed next to a frontend and run headless in CI (`agui-mock serve --workspace FILE`).
 */

/** The format this build writes; older versions are migrated on load, newer ones refused. */
export const WORKSPACE_VERSION = 1;
export const WORKSPACE_PROFILES = ['agora-mock'] as const;
export const WORKSPACE_TEMPLATES = ['agora', 'generic'] as const;
export type WorkspaceTemplate = (typeof WORKSPACE_TEMPLATES)[number];

/** Where editors find the JSON Schema when a file names it in `$schema` (relative to the package). */
export const WORKSPACE_SCHEMA_FILE = 'resources/workspace.schema.json';

export const WorkspaceSchema = z
  .strictObject({
    /** Editors read it to validate the file; the engine ignores it. */
    $schema: z.string().optional(),
    version: z.literal(WORKSPACE_VERSION),
    name: z.string().min(1).max(200),
    profile: z.enum(WORKSPACE_PROFILES),
    settings: ServerSettingsSchema,
    agora: AgoraDataSchema,
    scenarios: z.array(ScenarioSchema),
  })
  .superRefine((workspace, ctx) => {
    // Routing and step references go by id, so two scenarios may not share one.
    const seen = new Set<string>();
    workspace.scenarios.forEach((scenario, index) => {
      if (seen.has(scenario.id))
        ctx.addIssue({ code: 'custom', path: ['scenarios', index, 'id'], message: `duplicate id '${scenario.id}'` });
      seen.add(scenario.id);
    });
  });
export type Workspace = z.infer<typeof WorkspaceSchema>;
export type WorkspaceInput = z.input<typeof WorkspaceSchema>;

/**
 * Version 0: the layout of AGORA's Python mock data (the AGORA data at the top level, no scenarios or
 * settings, the flows being built in). Migrated to version 1 with the AGORA scenario pack and default settings.
 */
export const WorkspaceV0Schema = z.looseObject({
  version: z.literal(0).optional(),
  name: z.string().min(1).max(200).optional(),
  users: AgoraDataSchema.shape.users,
  currentUserId: AgoraDataSchema.shape.currentUserId.default(null),
  userAliases: AgoraDataSchema.shape.userAliases.default({}),
  sessions: AgoraDataSchema.shape.sessions.default([]),
});
export type WorkspaceV0 = z.infer<typeof WorkspaceV0Schema>;

// ——— Control API ———————————————————————————————————————————————————————————————

/** A problem with the workspace file: where (line/column for JSON syntax, field path for schema) and what. */
export interface WorkspaceProblem {
  /** What was being done: reading the file, saving it, watching it. */
  operation: 'load' | 'save' | 'watch';
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path for schema problems (`agora.users.0.email`). */
  path?: string;
  problem: string;
  /** One line for people: file, place and problem. */
  message: string;
  /** Unix milliseconds. */
  at: number;
}

export interface RecentWorkspace {
  path: string;
  name: string;
  /** Unix milliseconds. */
  openedAt: number;
}

export interface WorkspaceStatus {
  /** The file, or null while the world lives in memory only (no `--workspace`, nothing saved yet). */
  path: string | null;
  name: string;
  version: number;
  /** Changes not yet written to the file. */
  dirty: boolean;
  /** A save has been running for a noticeable while (a big workspace): the console shows it in progress. */
  saving: boolean;
  /** Unix milliseconds of the last successful save (or load), null if never. */
  lastSavedAt: number | null;
  /** The last load/save/watch problem, cleared by the next success. */
  error: WorkspaceProblem | null;
  /** The file changed on disk while we had unsaved changes: neither side was overwritten. */
  conflict: { detectedAt: number; message: string } | null;
  /** Autosave is on (a file is attached and no conflict holds it back). */
  autosave: boolean;
  recent: RecentWorkspace[];
}

/** POSIX (`/…`), Windows drive (`C:\…`) or UNC (`\\server\…`) absolute paths. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/** A workspace file the console names: absolute, and something a file system can take. */
const FilePathSchema = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'must not contain NUL characters')
  .refine(
    (path) => ABSOLUTE_PATH.test(path),
    'must be an absolute path (such as /home/me/project/mock.agui.json): a relative one would depend on where the engine runs',
  );

export const WorkspaceSaveAsSchema = z.strictObject({ path: FilePathSchema });
export const WorkspaceOpenSchema = z.strictObject({ path: FilePathSchema });
export const WorkspaceNewSchema = z.strictObject({
  template: z.enum(WORKSPACE_TEMPLATES).default('agora'),
  /** Where to save it at once; without it the new world lives in memory until saved as. */
  path: FilePathSchema.optional(),
  name: z.string().min(1).max(200).optional(),
});
export const RecordScenarioSchema = z.strictObject({
  /** Scenario name; default from the first user message. */
  name: z.string().min(1).max(200).optional(),
  /** Scenario id; default `recorded-<connection id>`. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .max(100)
    .optional(),
});
