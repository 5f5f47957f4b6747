import { z } from 'zod';
import {
  type AgoraChange,
  HistoryMessageSchema,
  PreferencesSchema,
  SESSION_TITLE_MAX,
  USER_NAME_MAX,
  type User,
} from './agora-model';
import type { ConnectionSummary, FrameDirection, FrameFinding, FrameRecord } from './connections';
import type { CollectionChange } from './mounts/collection-change';
import type { PackName } from './mounts/pack';
import type { Route } from './mounts/route';
import type { RequestSummary } from './request-log';
import type { RetentionStats } from './retention';
import type { PayloadChange } from './saved-payload';
import type { ServerSettings, TlsSetting } from './settings';
import type { WorkspaceStatus, WorldSection } from './workspace';

/** Everything under `/__console/api` answers JSON; errors are `{"detail": ...}` like the mocked API. */
export const CONTROL_API_PREFIX = '/__console/api';
export const LIVE_FEED_PATH = '/__console/live';
/** The engine's liveness check: no token, answers `{"status":"ok"}` (docs/control-api.md). */
export const ENGINE_HEALTH_PATH = '/__console/health';

/** A WebSocket endpoint or an agent as the console offers it to connect to. */
export interface EndpointInfo {
  id: string;
  name?: string;
  /** Its path pattern. */
  path: string;
  /** Where to connect, when the path is a plain path (no parameters or wildcards); null otherwise. */
  url: string | null;
  /** The pack that declares it; absent for the workspace's own. */
  pack?: string;
}

/** `GET|PUT /__console/api/packs`: the packs this engine knows, and the workspace's. */
export interface PacksInfo {
  /**
   * Every pack the engine knows. `sharesDataWith`: the packs that are variants of the same contract (agora-mock ↔
   * agora-real): put in place of one of them, this pack takes over its data instead of starting from its seed.
   */
  available: { name: PackName; title: string; sharesDataWith: PackName[] }[];
  items: { pack: PackName; enabled: boolean }[];
}

export interface ServerInfo {
  name: 'AG-UI Mock Console';
  version: string;
  /** The packs serving (e.g. `agora-mock`), in the workspace's order. */
  packs: string[];
  /**
   * The engine's origin and console, and the first WebSocket endpoint and agent clients can connect to (null when
   * the workspace has none with a plain path).
   */
  urls: { http: string; ws: string | null; console: string; agent: string | null };
  /** Every enabled WebSocket endpoint (the workspace's, then the packs') and agent. */
  endpoints: { sockets: EndpointInfo[]; agents: EndpointInfo[] };
  settings: ServerSettings;
  /**
   * Settings only a start applies, as the engine started with them: when `settings` differs, the change waits
   * for a restart.
   */
  startupSettings: { tls: TlsSetting };
  /**
   * What the next start would refuse in the `tls` setting waiting for it (its certificate or key missing,
   * unreadable, not a pair, expired — e.g. a workspace opened from another machine); null when no file setting
   * waits, or its files serve.
   */
  pendingTlsProblem: string | null;
  /** The certificate the port serves HTTPS and WSS with; null when it speaks plain HTTP and WS. */
  tls: TlsInfo | null;
  /** API keys given at launch (`--api-key`): in force with the workspace's own, never saved to its file. */
  launchApiKeys: string[];
  /** Unix milliseconds. */
  startedAt: number;
  uptimeMs: number;
  /** Connections, requests, mounts and scenarios, plus what each pack counts (e.g. `users`, `sessions`). */
  counts: {
    openConnections: number;
    connections: number;
    requests: number;
    routes: number;
    collections: number;
    scenarios: number;
    [packCount: string]: number;
  };
  /** What the engine keeps for the console against `retainedMemoryBytes`, and what it evicted. */
  retention: RetentionStats;
  connectionLimit: ConnectionLimitStats;
}

/** The `maxConnections` bound: the setting, the connections open now, and those refused since the start. */
export interface ConnectionLimitStats {
  max: number;
  open: number;
  /** Refused since the engine started: closed on arrival, or answered 503 over the limit. */
  refused: number;
}

/** The facts about the engine's certificate people check in a browser's certificate viewer. */
export interface TlsInfo {
  /** SHA-256 of the certificate, colon-separated upper-case hex, as browsers show it. */
  fingerprint: string;
  /** Unix milliseconds. */
  validFrom: number;
  /** Unix milliseconds. */
  validTo: number;
  /** The engine's own certificate for localhost (kept in the config folder) rather than one given to it. */
  selfSigned: boolean;
  /** E.g. `CN=localhost`. */
  subject: string;
  /** The names and addresses it is valid for (its subject alternative names), e.g. `DNS:localhost`. */
  names: string[];
  /** The certificate's file (import it into a trust store to skip the browser's warning). */
  certFile: string;
}

export interface ItemsPage<T> {
  items: T[];
  /** How many match the filter (before paging). */
  total: number;
}

/** Answer of `DELETE /connections?state=closed`: the closed connections forgotten (each also goes out on the feed). */
export interface ClearedConnections {
  removed: number;
}

export interface FramesQuery {
  limit?: number;
  /** Only frames with `seq` below this (for paging back in time, newest first). */
  before?: number;
  direction?: FrameDirection;
  eventType?: string;
}

/** A rule an event would break, as the sequence tracker (mirroring @ag-ui/client verifyEvents) sees it. */
export interface SequenceFinding extends FrameFinding {
  /** Index of the event in the request's `events` list. */
  index: number;
}

export interface InjectResult {
  connectionId: string;
  /** Events sent (or queued behind a pause, latency or a paced macro). */
  sent: number;
  /** Of those, the ones held by the connection's paused delivery: they reach the client once it resumes. */
  held: number;
  /** Rules broken by events sent anyway (`force: true`). */
  findings: SequenceFinding[];
}

/** Body of a 409: nothing was sent because an event would break a rule. */
export interface InjectConflict {
  detail: string;
  connectionId: string;
  findings: SequenceFinding[];
}

/** Close codes a person may choose for a socket (RFC 6455 codes a server may send, plus application codes). */
export const ALLOWED_CLOSE_CODES = [1000, 1001, 1008, 1011, 1012, 1013, 1014] as const;
export const isAllowedCloseCode = (code: number): boolean =>
  (ALLOWED_CLOSE_CODES as readonly number[]).includes(code) || (code >= 3000 && code <= 4999);

// ——— Injection ———————————————————————————————————————————————————————————————————

/** At most this many events per injection request. */
export const MAX_INJECTED_EVENTS = 1000;

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** The events of an injection (or a check of one): at least one, at most MAX_INJECTED_EVENTS. */
const InjectedEventsSchema = z.array(JsonObjectSchema).min(1, 'send at least one event').max(MAX_INJECTED_EVENTS);

export const InjectBodySchema = z.strictObject({
  events: InjectedEventsSchema,
  force: z.boolean().default(false),
});

export const BroadcastBodySchema = InjectBodySchema.extend({
  /** Default: every open connection. Each once: the events' check is made per connection, before any is sent. */
  connectionIds: z
    .array(z.string().min(1))
    .min(1, 'list at least one connection id, or leave connectionIds out to send to every open connection')
    .refine((ids) => new Set(ids).size === ids.length, 'list each connection once: an id appears twice')
    .optional(),
});

export const CheckBodySchema = z.strictObject({ events: InjectedEventsSchema });

/**
 * Macros: common bursts built from the connection's context. When no run is active they are wrapped in
 * RUN_STARTED … RUN_FINISHED so the stream stays valid (set `wrapInRun: false` to send them bare).
 */
const MacroBase = { force: z.boolean().default(false), wrapInRun: z.boolean().optional() };

export const MacroSchemas = {
  'text-message': z
    .strictObject({
      ...MacroBase,
      text: z.string().min(1).max(1_000_000),
      /** Characters per TEXT_MESSAGE_CONTENT. */
      chunkSize: z.number().int().min(1).max(100_000).default(20),
      /** Pause between chunks. */
      delayMs: z.number().int().min(0).max(60_000).default(0),
      messageId: z.string().min(1).optional(),
    })
    // One event per chunk, held to what an injection may send: a long text in 1-character chunks was a million
    // events, built and sent in one go while the engine served nothing else.
    .superRefine(({ text, chunkSize }, ctx) => {
      const chunks = Math.ceil(text.length / chunkSize);
      if (chunks > MAX_INJECTED_EVENTS)
        ctx.addIssue({
          code: 'custom',
          path: ['chunkSize'],
          input: chunkSize,
          message: `the text would be sent in ${chunks} chunks, and a macro sends at most ${MAX_INJECTED_EVENTS}: make chunkSize at least ${Math.ceil(text.length / MAX_INJECTED_EVENTS)}, or the text shorter`,
        });
    }),
  'tool-call': z.strictObject({
    ...MacroBase,
    toolCallName: z.string().min(1),
    args: JsonObjectSchema.default({}),
    result: z.union([z.string(), JsonObjectSchema]).optional(),
    /** AGORA's `toolDisplayName` on TOOL_CALL_START. */
    displayName: z.string().optional(),
    toolCallId: z.string().min(1).optional(),
    parentMessageId: z.string().min(1).optional(),
  }),
  'state-delta': z.strictObject({
    ...MacroBase,
    delta: z
      .array(
        z.looseObject({
          op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
          path: z.string(),
        }),
      )
      .min(1, 'a state delta needs at least one operation'),
  }),
  'approval-request': z.strictObject({
    ...MacroBase,
    toolName: z.string().min(1).default('generate_inspection_report'),
    toolDescription: z.string().default('Genereer het inspectierapport'),
    parameters: JsonObjectSchema.default({}),
    reasoning: z.string().default('De gebruiker vroeg om een rapport.'),
    riskLevel: z.enum(['low', 'medium', 'high']).default('high'),
    approvalId: z.string().min(1).optional(),
  }),
  'run-error': z.strictObject({
    force: z.boolean().default(false),
    message: z.string().min(1),
    code: z.string().min(1).optional(),
  }),
} as const;

export type MacroName = keyof typeof MacroSchemas;
export const MACRO_NAMES = Object.keys(MacroSchemas) as MacroName[];
export type MacroParams<N extends MacroName> = z.input<(typeof MacroSchemas)[N]>;

export interface OpenToolCall {
  toolCallId: string;
  toolCallName: string;
  parentMessageId?: string;
}

export interface OpenStep {
  stepName: string;
  /** The agent the step is scoped to; absent for the parent agent. */
  subagentRunId?: string;
}

export interface ActiveSubagent {
  subagentRunId: string;
  name: string;
}

/** What the sequence tracker knows about a connection's stream (templates are filled from it). Lists are in opening order. */
export interface StreamContext {
  runActive: boolean;
  /** The last run ended with RUN_FINISHED (and no RUN_ERROR after it). */
  finished: boolean;
  /** The last run ended with RUN_ERROR. */
  errored: boolean;
  /** Of the current run, or of the last one once it ended. */
  threadId: string | undefined;
  runId: string | undefined;
  openTextMessages: string[];
  openToolCalls: OpenToolCall[];
  openSteps: OpenStep[];
  openReasoningMessages: string[];
  openReasoningSpans: string[];
  activeSubagents: ActiveSubagent[];
}

// ——— State editing ————————————————————————————————————————————————————————————

/** A user as the console shows it: the stored user, and whether `GET /users/me` answers with it. */
export type ConsoleUser = User & { isCurrentUser: boolean };

const PreferencesPatchSchema = PreferencesSchema.partial();

export const NewUserSchema = z.strictObject({
  email: z.email(),
  name: z.string().trim().min(1).max(USER_NAME_MAX),
  preferences: PreferencesPatchSchema.optional(),
  isCurrentUser: z.boolean().optional(),
});
export type NewUserInput = z.infer<typeof NewUserSchema>;

export const UserEditSchema = z
  .strictObject({
    email: z.email().optional(),
    name: z.string().trim().min(1).max(USER_NAME_MAX).optional(),
    preferences: PreferencesPatchSchema.optional(),
    isCurrentUser: z.boolean().optional(),
  })
  .refine((edit) => Object.values(edit).some((value) => value !== undefined), 'Send at least one field to change');
export type UserEdit = z.infer<typeof UserEditSchema>;

export const NewSessionSchema = z.strictObject({
  sessionId: z.string().trim().min(1).max(200).optional(),
  userId: z.string().trim().min(1),
  title: z.string().max(SESSION_TITLE_MAX),
  history: z.array(HistoryMessageSchema).max(10_000).optional(),
});
export type NewSessionInput = z.infer<typeof NewSessionSchema>;

export const SessionEditSchema = z
  .strictObject({ title: z.string().max(SESSION_TITLE_MAX).optional(), userId: z.string().trim().min(1).optional() })
  .refine((edit) => edit.title !== undefined || edit.userId !== undefined, 'Send title and/or userId');
export type SessionEdit = z.infer<typeof SessionEditSchema>;

export const HistoryReplaceSchema = z.strictObject({ messages: z.array(HistoryMessageSchema).max(10_000) });

// ——— OpenAPI import ——————————————————————————————————————————————————————————————

/** Body of `POST /routes/import-openapi`. */
export interface OpenApiImportRequest {
  /** The document, as JSON or YAML text. */
  document: string;
  /** Put before every path (default: the path of the document's first server). */
  basePath?: string;
  /** The imported routes become the whole list instead of being merged in by id. */
  replaceAll?: boolean;
  /** Work out and return what would change, change nothing. */
  dryRun?: boolean;
}

/**
 * What an import changed (or, with `dryRun`, would change): route ids added, replaced where they stand, kept, and
 * removed (only `replaceAll` removes: the routes the document has no operation of the same id for).
 */
export interface OpenApiImportResult {
  added: string[];
  replaced: string[];
  kept: string[];
  removed: string[];
  /** What was left out or changed, one line per operation. */
  warnings: string[];
  /** The document's `info.title`. */
  title?: string;
  dryRun: boolean;
  /** With `dryRun`: the whole route list as it would be. */
  routes?: Route[];
}

// ——— Live feed ————————————————————————————————————————————————————————————————

/** A change to the scenario catalogue (`id` is "*" when everything was replaced). */
export interface ScenarioChange {
  type: 'scenario-saved' | 'scenario-deleted' | 'scenarios-replaced';
  id: string;
}

/** Connection ids one feed message may name, and connections one subscriber may follow by id ("*" follows all). */
export const MAX_FEED_CONNECTION_IDS = 1000;
/** Longest connection id a feed message may name (ids are UUIDs). */
export const MAX_FEED_CONNECTION_ID_LENGTH = 100;
/** Largest client message the feed reads; anything bigger is malformed without being parsed. */
export const MAX_FEED_MESSAGE_BYTES = 128 * 1024;

/** Frames are only sent for subscribed connections ("*" = all), to keep the feed light. */
const FeedConnectionIdsSchema = z.union(
  [z.literal('*'), z.array(z.string().min(1).max(MAX_FEED_CONNECTION_ID_LENGTH)).max(MAX_FEED_CONNECTION_IDS)],
  {
    error: `must be "*" or a list of at most ${MAX_FEED_CONNECTION_IDS} connection ids (each 1–${MAX_FEED_CONNECTION_ID_LENGTH} characters)`,
  },
);

/**
 * Codes the live feed closes with: 4001 not authenticated (the reason says what to send), 1008 too many unusable
 * messages, 1011 the engine failed handling a message (a bug, logged), 1001 shutting down.
 */
export const FEED_CLOSE_CODES = { unauthorized: 4001, policy: 1008, internalError: 1011, shutdown: 1001 } as const;

/** Client → server messages on the live feed. The first must be `auth`; the server checks each against this. */
export const FeedClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(1024) }),
  z.strictObject({ type: z.literal('subscribe-frames'), connectionIds: FeedConnectionIdsSchema }),
  z.strictObject({ type: z.literal('unsubscribe-frames'), connectionIds: FeedConnectionIdsSchema }),
]);
export type FeedClientMessage = z.infer<typeof FeedClientMessageSchema>;

export type FeedItem =
  | { type: 'connection-opened'; connection: ConnectionSummary }
  | { type: 'connection-updated'; connection: ConnectionSummary }
  | { type: 'connection-closed'; connection: ConnectionSummary }
  /** A closed connection the engine no longer keeps (evicted for the memory budget, or past the closed-kept count). */
  | { type: 'connection-removed'; connectionId: string }
  | { type: 'frame'; connectionId: string; frame: FrameRecord }
  | { type: 'request'; request: RequestSummary }
  | { type: 'state-changed'; change: AgoraChange }
  /** The workspace's mounts changed (`*`: all of them, a workspace loaded): the console refetches that section. */
  | { type: 'mounts-changed'; section: WorldSection | '*' }
  | { type: 'collection-changed'; change: CollectionChange }
  | { type: 'scenarios-changed'; change: ScenarioChange }
  | { type: 'payloads-changed'; change: PayloadChange }
  | { type: 'settings-changed'; settings: ServerSettings }
  | { type: 'workspace-changed'; status: WorkspaceStatus };

/** Server → client messages on the live feed. */
export type FeedServerMessage =
  | { type: 'ready'; server: ServerInfo }
  /** Items in the order they happened; `dropped` counts items this subscriber lost because it read too slowly. */
  | { type: 'batch'; items: FeedItem[]; dropped: number }
  /** A client message the server could not use (malformed, unknown, too big): nothing changed; `detail` says why. */
  | { type: 'error'; detail: string };
