import { z } from 'zod';
import {
  AgoraDataSchema,
  AssistantHistoryMessageSchema,
  SessionMetadataSchema,
  StoredSessionSchema,
  ToolCallHistoryMessageSchema,
  ToolResultHistoryMessageSchema,
  UserHistoryMessageSchema,
  UserSchema,
} from './agora-model';
import { AgentSchema } from './mounts/agent';
import { CollectionSchema } from './mounts/collection';
import { refineUniqueIds, WITH_OTHER_PROBLEMS } from './mounts/mount-fields';
import { PackSchema } from './mounts/pack';
import { RouteSchema } from './mounts/route';
import { SocketEndpointSchema } from './mounts/socket-endpoint';
import { StaticFolderSchema } from './mounts/static-folder';
import { nameText } from './name-text';
import { SavedPayloadsSchema } from './saved-payload';
import { ScenarioSchema } from './scenario';
import { ServerSettingsSchema } from './settings';
import { WORKSPACE_TEMPLATES, type WorkspaceTemplate } from './workspace-template-names';

/**
 * A workspace: the mock's whole world in one JSON file — what is mounted on the one port (HTTP routes,
 * collections, static folders, WebSocket endpoints, AG-UI agents, built-in packs with their data), the scenarios
 * agents play, and the engine's settings — meant to be committed next to a frontend and run headless in CI
 * (`agui-mock serve --workspace FILE`). Every list is ordered and keyed by stable ids, so diffs read well.
 */

/** The format this build writes; older versions are migrated on load, newer ones refused. */
export const WORKSPACE_VERSION = 2;
export { WORKSPACE_TEMPLATES, type WorkspaceTemplate };

/** Where editors find the JSON Schema when a file names it in `$schema` (relative to the package). */
export const WORKSPACE_SCHEMA_FILE = 'resources/workspace.schema.json';

/**
 * A workspace's name: one line of text. It is printed in terminals (`validate`, the banner) and shown in titles,
 * where a line break or an escape sequence would forge output.
 */
export const WORKSPACE_NAME_MAX = 200;

export const WorkspaceNameSchema = nameText(WORKSPACE_NAME_MAX).regex(
  /^[^\p{Cc}]*$/u,
  'one line of text, without control characters (line breaks, tabs, escapes, NUL)',
);

/**
 * How many items each list of a workspace may hold: the file's schema refuses more, and the engine refuses an edit
 * that would store more (a list it could save but not open again).
 */
export const WORKSPACE_LIST_LIMITS = {
  packs: 20,
  routes: 10_000,
  collections: 1000,
  staticFolders: 1000,
  sockets: 1000,
  agents: 1000,
  scenarios: 10_000,
} as const;

export const WorkspaceSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema editors validate this file with; the engine ignores it.'),
    version: z.literal(WORKSPACE_VERSION).describe('The workspace format; older files are migrated when opened.'),
    name: WorkspaceNameSchema.describe('The name shown in the console and the recent list.'),
    description: z.string().max(4000).optional().describe('What this workspace mocks, for the people who open it.'),
    settings: ServerSettingsSchema.prefault({}).describe(
      'Engine settings (speed, limits, timeouts); missing ones take their defaults. The console edits them live.',
    ),
    packs: z
      .array(PackSchema)
      .max(WORKSPACE_LIST_LIMITS.packs)
      .default([])
      .describe('Built-in backend contracts (e.g. agora-mock) and their data; they answer after your own mounts.'),
    routes: z
      .array(RouteSchema)
      .max(WORKSPACE_LIST_LIMITS.routes)
      .default([])
      .describe('HTTP routes, tried in order before everything else (see docs/routes.md).'),
    collections: z
      .array(CollectionSchema)
      .max(WORKSPACE_LIST_LIMITS.collections)
      .default([])
      .describe('Lists of JSON records with a generated REST API, tried after the routes.'),
    staticFolders: z
      .array(StaticFolderSchema)
      .max(WORKSPACE_LIST_LIMITS.staticFolders)
      .default([])
      .describe('Folders of files served under a path, tried after the collections.'),
    sockets: z
      .array(SocketEndpointSchema)
      .max(WORKSPACE_LIST_LIMITS.sockets)
      .default([])
      .describe("WebSocket endpoints, matched by path in order, before the packs' own."),
    agents: z
      .array(AgentSchema)
      .max(WORKSPACE_LIST_LIMITS.agents)
      .default([])
      .describe('AG-UI agents on the official HTTP binding (POST a RunAgentInput, get SSE), tried after the folders.'),
    scenarios: z
      .array(ScenarioSchema)
      .max(WORKSPACE_LIST_LIMITS.scenarios)
      .default([])
      .describe('What agents do for a run: triggers on the request and the events to send (see docs/scenarios.md).'),
    payloads: SavedPayloadsSchema.default([]).describe(
      "Payloads saved from the console's inject drawer, named, to send again into any connection.",
    ),
  })
  .superRefine((workspace, ctx) => {
    // `workspace` may be malformed here (WITH_OTHER_PROBLEMS): each check reads only what is there.
    refineUniqueIds(workspace.routes, ctx, ['routes'], 'route');
    refineUniqueIds(workspace.collections, ctx, ['collections'], 'collection');
    refineUniqueIds(workspace.staticFolders, ctx, ['staticFolders'], 'static folder');
    refineUniqueIds(workspace.sockets, ctx, ['sockets'], 'socket');
    refineUniqueIds(workspace.agents, ctx, ['agents'], 'agent');
    // Routing and step references go by id, so two scenarios may not share one.
    refineUniqueIds(workspace.scenarios, ctx, ['scenarios'], 'scenario');
    if (!Array.isArray(workspace.packs)) return;
    const packs = new Set<unknown>();
    workspace.packs.forEach((pack: unknown, index) => {
      const name = typeof pack === 'object' && pack !== null ? (pack as { pack?: unknown }).pack : undefined;
      if (typeof name !== 'string') return;
      if (packs.has(name))
        ctx.addIssue({ code: 'custom', path: ['packs', index, 'pack'], message: `pack '${name}' is listed twice` });
      packs.add(name);
    });
  }, WITH_OTHER_PROBLEMS);
export type Workspace = z.infer<typeof WorkspaceSchema>;
export type WorkspaceInput = z.input<typeof WorkspaceSchema>;

/** What is mounted on the port: the workspace sections the engine's world is built from. */
export type WorldParts = Pick<Workspace, 'packs' | 'routes' | 'collections' | 'staticFolders' | 'sockets' | 'agents'>;
export const WORLD_SECTIONS = ['packs', 'routes', 'collections', 'staticFolders', 'sockets', 'agents'] as const;
export type WorldSection = (typeof WORLD_SECTIONS)[number];

/**
 * The AGORA data as versions 0 and 1 read it: fields they did not know were dropped, not refused, so an old file
 * still migrates (the strict current schema then checks what is left).
 */
const LegacyAgoraDataSchema = AgoraDataSchema.strip().extend({
  users: z.array(UserSchema.strip()),
  sessions: z.array(
    StoredSessionSchema.strip().extend({
      metadata: SessionMetadataSchema.strip(),
      history: z.array(
        z.discriminatedUnion('role', [
          UserHistoryMessageSchema.strip(),
          AssistantHistoryMessageSchema.strip(),
          ToolCallHistoryMessageSchema.strip(),
          ToolResultHistoryMessageSchema.strip(),
        ]),
      ),
    }),
  ),
});

/**
 * Version 1: one profile (agora-mock) with its data under `agora`, the scenarios, and settings that named the
 * HTTP binding's path (`agentPath`). Migrated to version 2: the AGORA data becomes the `agora-mock` pack, the
 * binding an agent mount, and `/ws` comes with the pack.
 */
export const WorkspaceV1Schema = z.looseObject({
  version: z.literal(1),
  name: z.string().min(1).max(200),
  profile: z.literal('agora-mock'),
  settings: z.looseObject({ agentPath: z.string().optional() }),
  agora: LegacyAgoraDataSchema,
  scenarios: z.array(z.unknown()),
});
export type WorkspaceV1 = z.infer<typeof WorkspaceV1Schema>;

/**
 * Version 0: the layout of AGORA's Python mock data (the AGORA data at the top level, no scenarios or
 * settings, the flows being built in). Migrated to version 1 with the AGORA scenario pack and default settings.
 */
export const WorkspaceV0Schema = z.looseObject({
  version: z.literal(0).optional(),
  name: z.string().min(1).max(200).optional(),
  users: LegacyAgoraDataSchema.shape.users,
  currentUserId: LegacyAgoraDataSchema.shape.currentUserId.default(null),
  userAliases: LegacyAgoraDataSchema.shape.userAliases.default({}),
  sessions: LegacyAgoraDataSchema.shape.sessions.default([]),
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
  /** The other schema problems the same check found (field path and problem), when there were several. */
  otherProblems?: { path: string; problem: string }[];
  /** Unix milliseconds. */
  at: number;
}

/** The `file` of an imported document's problems (`import:4:3: invalid JSON: …`): it came as a body, not from a file. */
export const IMPORTED_DOCUMENT = 'import';

/** One of a workspace's problems on a line of its own: its field path (`(root)` for the document itself), then what. */
export function problemLine(problem: { path: string; problem: string }): string {
  return `${problem.path || '(root)'}: ${problem.problem}`;
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
  /**
   * Changed from the console or the control API (routes, scenarios, data, settings, an import) since it was last
   * opened or written to a file; what clients did (runs recorded, REST writes) does not count. An untitled world
   * with such changes is asked about before the console replaces it or the desktop app quits.
   */
  edited: boolean;
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
  name: WorkspaceNameSchema.optional(),
});
