import { z } from 'zod';

/** Engine settings a user may change at run time (console, workspace, CLI flags). */
/** Paths of the mocked AGORA API and the console: the AG-UI agent endpoint must not shadow them. */
const RESERVED_PATHS = ['/health', '/agents', '/sessions', '/users', '/mock_documents', '/ws', '/__console'];

/** The highest `maxJsonDepth` may be set: files that hold accepted values stay within it plus their own nesting. */
export const MAX_JSON_DEPTH_SETTING = 1000;

export const ServerSettingsSchema = z.object({
  /** Multiplies every scripted delay; 0 plays scenarios without waiting. */
  speed: z.number().min(0).max(100).default(1),
  /** How long a run waits for an answer to an approval request (real time, not scaled by speed). 0 waits forever. */
  approvalTimeoutMs: z.number().int().min(0).max(86_400_000).default(300_000),
  /** Interval between WebSocket pings; a peer that misses one pong is terminated. 0 disables. */
  heartbeatIntervalMs: z.number().int().min(0).max(3_600_000).default(30_000),
  /** Largest accepted WebSocket frame; larger frames close the socket with 1009. */
  maxPayloadBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Frames kept per connection for the console (ring buffer). */
  frameBufferSize: z.number().int().min(10).max(1_000_000).default(10_000),
  /** REST requests kept for the console (ring buffer). */
  requestLogSize: z.number().int().min(10).max(100_000).default(1_000),
  /** Largest JSON request body accepted by the mocked REST API. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /**
   * Deepest nesting of objects and arrays accepted in any JSON a client sends (request bodies, socket frames,
   * control API input, workspace files). Deeper input is refused with a message naming this limit. The default
   * is far beyond what real clients send and far below where recursive code (stringify, zod) fails.
   */
  maxJsonDepth: z.number().int().min(8).max(MAX_JSON_DEPTH_SETTING).default(64),
  /**
   * What the engine may keep only for the console: every connection's frame log (open and recently closed)
   * and the request log, as an estimate that errs on the high side. Past it the oldest go first: closed
   * connections, then open connections' oldest frames, then logged request bodies, then logged requests.
   */
  retainedMemoryBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(16 * 1024 * 1024 * 1024)
    .default(256 * 1024 * 1024),
  /**
   * Longest a client may take to send a request's line and headers; a slower one is answered 408 and
   * disconnected. Applies to requests started after a change.
   */
  headersTimeoutMs: z.number().int().min(1000).max(600_000).default(10_000),
  /**
   * Longest a client may take to send a whole request, body included (not how long the answer may take: SSE
   * streams and WebSockets stay open). A slower one is answered 408 and disconnected.
   */
  requestTimeoutMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  /** How long an idle keep-alive connection is kept open waiting for its next request. */
  keepAliveTimeoutMs: z.number().int().min(1000).max(600_000).default(5_000),
  /** Body bytes kept per request-log entry; longer bodies are truncated in the log only. */
  logBodyBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024)
    .default(16 * 1024),
  /**
   * Messages agent runs may record in one session. Past it the session's oldest recorded messages are evicted;
   * messages made by hand (seed, console, workspace file) are never evicted.
   */
  maxRecordedMessagesPerSession: z.number().int().min(1).max(1_000_000).default(1_000),
  /**
   * Messages agent runs may record in the whole workspace. Past it the least recently active sessions lose their
   * recorded messages first (sessions runs created are removed whole), never the session being recorded into.
   */
  maxRecordedMessages: z.number().int().min(1).max(10_000_000).default(10_000),
  /** Sessions agent runs may create. Past it the least recently active ones are removed whole. */
  maxRecordedSessions: z.number().int().min(1).max(1_000_000).default(1_000),
  /** Path of the official AG-UI HTTP binding (POST a RunAgentInput, get SSE or protobuf events back). */
  agentPath: z
    .string()
    .max(200)
    .regex(/^(\/[\w.~-]+)+$/, "a path such as '/agent': '/' then letters, digits, '.', '_', '~' or '-' per segment")
    .refine(
      (path) => !RESERVED_PATHS.some((reserved) => path === reserved || path.startsWith(`${reserved}/`)),
      `must not be one of the mocked API's or the console's paths (${RESERVED_PATHS.join(', ')})`,
    )
    .default('/agent'),
});

export type ServerSettings = z.infer<typeof ServerSettingsSchema>;

export const DEFAULT_SETTINGS: ServerSettings = ServerSettingsSchema.parse({});

/** A change to some settings: the same rules, no defaults filled in, unknown keys refused. */
export const ServerSettingsPatchSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(ServerSettingsSchema.shape).map(([key, schema]) => [key, schema.unwrap().optional()]),
    ) as {
      [K in keyof typeof ServerSettingsSchema.shape]: z.ZodOptional<
        ReturnType<(typeof ServerSettingsSchema.shape)[K]['unwrap']>
      >;
    },
  )
  .refine((patch) => Object.keys(patch).length > 0, 'Send at least one setting to change');

export type ServerSettingsPatch = z.infer<typeof ServerSettingsPatchSchema>;
