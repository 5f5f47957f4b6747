import { z } from 'zod';
import { MAX_API_KEYS, MIN_HEARTBEAT_MS } from './setting-bounds';

export { MAX_API_KEYS, MIN_HEARTBEAT_MS };

/** The highest `maxJsonDepth` may be set: files that hold accepted values stay within it plus their own nesting. */
export const MAX_JSON_DEPTH_SETTING = 1000;

/** A certificate or key file: relative paths are read from the workspace file's folder. */
const TlsFileSchema = z
  .string()
  .max(4096)
  .regex(/\S/, 'Give a file path')
  // As route files and static folders: no file system takes one, and Node's refusal names its own argument.
  .refine((path) => !path.includes('\0'), 'a file name cannot contain a NUL character');

/**
 * Whether the engine's one port speaks HTTPS and WSS, and with which certificate. Read when the engine starts:
 * a change while it runs applies at the next start (`startupSettings` in the server info tells which is live).
 */
export const TlsSettingSchema = z
  .union([
    z
      .enum(['off', 'self-signed'])
      .describe(
        "'off': plain HTTP and WS. 'self-signed': HTTPS and WSS with the engine's own certificate for localhost, 127.0.0.1 and ::1, made on first use and kept in the config folder (so a browser's exception survives restarts).",
      ),
    z
      .strictObject({
        cert: TlsFileSchema.describe(
          "PEM certificate file (intermediates may follow it), relative to the workspace file's folder.",
        ),
        key: TlsFileSchema.describe(
          "The certificate's PEM private key file, unencrypted (RSA, ECDSA or Ed25519), relative to the workspace file's folder.",
        ),
      })
      .describe('HTTPS and WSS with your own certificate and key.'),
  ])
  .describe(
    "HTTPS and WSS on the engine's port: 'off', 'self-signed', or { cert, key } files. Applies when the engine starts; `agui-mock serve --tls` or `--cert/--key` override it.",
  );
export type TlsSetting = z.infer<typeof TlsSettingSchema>;
/**
 * A gateway API key: it travels in the `X-API-Key` header and the WebSocket's `?token=`, so visible ASCII only —
 * a space, a control character or an accent would not arrive as typed.
 */
export const ApiKeySchema = z
  .string()
  .min(1, 'an API key cannot be empty')
  .max(256, 'an API key is at most 256 characters')
  .regex(
    /^[\x21-\x7E]*$/,
    'an API key may not contain spaces, control characters or non-ASCII characters (it is sent in a header and a URL)',
  );

const ApiKeysSchema = z
  .array(ApiKeySchema.describe('A key clients may present.'))
  .max(MAX_API_KEYS)
  .refine((keys) => new Set(keys).size === keys.length, 'each API key may be listed once');

/** The API-key check a gateway makes in front of the mocked API, as AGORA's does (see docs/gateway-auth.md). */
export const GatewayAuthSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Check every mocked REST request for `X-API-Key` (401 without a valid one) and every WebSocket for `?token=` (closed 4001 "Unauthorized" without one).',
      ),
    keys: ApiKeysSchema.default([]).describe(
      'The keys accepted, as the user wrote them (they are secrets: keep the workspace file private). With the check on and no key, every request is refused.',
    ),
  })
  .describe("The gateway's API-key check.");
export type GatewayAuth = z.infer<typeof GatewayAuthSchema>;

/**
 * Engine settings a user may change at run time (console, workspace, CLI flags). Unknown keys are refused, as
 * everywhere else in a workspace: a misspelt setting would otherwise be dropped without a word.
 */
export const ServerSettingsSchema = z.strictObject({
  speed: z
    .number()
    .min(0)
    .max(100)
    .default(1)
    .describe(
      'Multiplies every scenario delay; 0 plays scenarios without waiting. Route and echo, push and rules socket delays are real time.',
    ),
  approvalTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(300_000)
    .describe(
      'How long a run waits for an answer to an approval request (real time, not scaled by speed). 0 waits forever.',
    ),
  heartbeatIntervalMs: z
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    // A peer gets one interval to answer a ping: a few ms would drop every client on its first beat.
    .refine((ms) => ms === 0 || ms >= MIN_HEARTBEAT_MS, `0 (off) or at least ${MIN_HEARTBEAT_MS} ms`)
    .default(30_000)
    .describe('Interval between WebSocket pings; a peer that misses one pong is terminated. 0 disables.'),
  maxPayloadBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest accepted WebSocket frame; larger frames close the socket with 1009.'),
  frameBufferSize: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(10_000)
    .describe('Frames kept per connection for the console (ring buffer).'),
  requestLogSize: z
    .number()
    .int()
    .min(10)
    .max(100_000)
    .default(1_000)
    .describe('REST requests kept for the console (ring buffer).'),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest JSON request body accepted by the mocked REST API.'),
  maxJsonDepth: z
    .number()
    .int()
    .min(8)
    .max(MAX_JSON_DEPTH_SETTING)
    .default(64)
    .describe(
      'Deepest nesting of objects and arrays accepted in any JSON a client sends (request bodies, socket frames, control API input, workspace files). Deeper input is refused with a message naming this limit. The default is far beyond what real clients send and far below where recursive code (stringify, zod) fails.',
    ),
  retainedMemoryBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(16 * 1024 * 1024 * 1024)
    .default(256 * 1024 * 1024)
    .describe(
      "What the engine may keep only for the console: every connection's frame log (open and recently closed) and the request log, as an estimate that errs on the high side. Past it the oldest go first: closed connections, then open connections' oldest frames, then logged request bodies, then logged requests.",
    ),
  maxConnections: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(10_000)
    .describe(
      'Most client connections (HTTP, SSE streams, WebSockets) the engine holds at once, so a flood cannot exhaust its memory. A connection past it is answered 503 and closed; 16 more are kept for the console, whose requests are still served. Applies to connections opened after a change.',
    ),
  headersTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(10_000)
    .describe(
      "Longest a client may take to send a request's line and headers; a slower one is answered 408 and disconnected. A change applies at once, to requests in progress too.",
    ),
  requestTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(30_000)
    .describe(
      'Longest a client may take to send a whole request, body included (not how long the answer may take: SSE streams and WebSockets stay open). A slower one is answered 408 and disconnected.',
    ),
  keepAliveTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(5_000)
    .describe('How long an idle keep-alive connection is kept open waiting for its next request.'),
  logBodyBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024)
    .default(16 * 1024)
    .describe('Body bytes kept per request-log entry; longer bodies are truncated in the log only.'),
  maxRecordedMessagesPerSession: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1_000)
    .describe(
      "Messages agent runs may record in one session. Past it the session's oldest recorded messages are evicted; messages made by hand (seed, console, workspace file) are never evicted.",
    ),
  maxRecordedMessages: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(10_000)
    .describe(
      'Messages agent runs may record in the whole workspace. Past it the least recently active sessions lose their recorded messages first (sessions runs created are removed whole), never the session being recorded into.',
    ),
  maxRecordedBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(16 * 1024 * 1024)
    .describe(
      'UTF-8 bytes of text agent runs may record in the whole workspace (messages, spoken text, tool arguments and results, with their names and ids). Past it the least recently active sessions lose their recorded messages first (sessions runs created are removed whole); a session holding more alone loses its own oldest. A workspace file holds at most 64 MiB.',
    ),
  maxRecordedSessions: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1_000)
    .describe('Sessions agent runs may create. Past it the least recently active ones are removed whole.'),
  tls: TlsSettingSchema.default('off'),
  gatewayAuth: GatewayAuthSchema.default({ enabled: false, keys: [] }).describe(
    "API-key auth as a gateway in front of the backend does it, for testing a client's key handling; `/__console` is never affected.",
  ),
});

export type ServerSettings = z.infer<typeof ServerSettingsSchema>;

export const DEFAULT_SETTINGS: ServerSettings = ServerSettingsSchema.parse({});

/** A change to the gateway's check: a field left out keeps its value (`{"enabled": true}` keeps the keys). */
const GatewayAuthPatchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  keys: ApiKeysSchema.optional(),
});

/** A change to some settings: the same rules, no defaults filled in, unknown keys refused. */
export const ServerSettingsPatchSchema = z
  .strictObject({
    ...(Object.fromEntries(
      Object.entries(ServerSettingsSchema.shape).map(([key, schema]) => [key, schema.unwrap().optional()]),
    ) as {
      [K in keyof typeof ServerSettingsSchema.shape]: z.ZodOptional<
        ReturnType<(typeof ServerSettingsSchema.shape)[K]['unwrap']>
      >;
    }),
    gatewayAuth: GatewayAuthPatchSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'Send at least one setting to change');

export type ServerSettingsPatch = z.infer<typeof ServerSettingsPatchSchema>;

/** The settings `patch` changes, whole, on top of `current`: the gateway's fields merged into its current ones. */
export function patchedSettings(current: ServerSettings, patch: ServerSettingsPatch): Partial<ServerSettings> {
  const { gatewayAuth, ...whole } = patch;
  return gatewayAuth ? { ...whole, gatewayAuth: { ...current.gatewayAuth, ...gatewayAuth } } : whole;
}
