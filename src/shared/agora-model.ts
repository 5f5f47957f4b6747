import { z } from 'zod';

/**
 * The data AGORA's REST API serves, as it is stored (and, later, saved in a workspace file).
 * Field names and casing are AGORA's: camelCase for users and sessions, snake_case for preferences and history.
 * Objects are strict, as everywhere in a workspace file (a misspelt field is refused, not dropped at the next
 * save); preferences alone keep fields they do not know, since HAI adds its own.
 */

/** REST timestamps: ISO strings in UTC ending in `Z`. */
export const IsoTimestampSchema = z.iso.datetime();

export const THEMES = ['light', 'dark', 'system'] as const;
export const SPOKEN_TEXT_TYPES = ['summarize', 'dictate'] as const;

export const ThemeSchema = z.enum(THEMES);
export const SpokenTextTypeSchema = z.enum(SPOKEN_TEXT_TYPES);

/** Preference fields AGORA's mock knows; HAI also sends others (`email_reports`), which are kept as they are. */
export const PreferencesSchema = z
  .looseObject({
    theme: ThemeSchema.describe('The UI theme.'),
    notifications_enabled: z.boolean().describe('Whether the user gets notifications.'),
    default_agent_id: z.string().min(1).max(100).describe('The agent a new conversation starts with.'),
    language: z.string().min(1).max(35).describe('BCP 47 language tag (nl-NL).'),
    spoken_text_type: SpokenTextTypeSchema.describe('How answers are spoken: summarised or dictated.'),
  })
  .describe("The user's preferences; fields HAI adds (email_reports) are kept as they are.");
export type Preferences = z.infer<typeof PreferencesSchema>;

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  theme: 'system',
  notifications_enabled: true,
  default_agent_id: 'general-agent',
  language: 'nl-NL',
  spoken_text_type: 'summarize',
});

/** The roles AGORA's real servers give users (`role TEXT DEFAULT 'inspector'`); the mock's users have none. */
export const USER_ROLES = ['admin', 'inspector', 'viewer'] as const;
export const UserRoleSchema = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof UserRoleSchema>;

export const USER_NAME_MAX = 200;
export const SESSION_TITLE_MAX = 200;

export const UserSchema = z.strictObject({
  id: z.string().min(1).describe('The user id (a UUID in the seed).'),
  email: z.email().describe('Unique, compared without case.'),
  name: z.string().min(1).max(USER_NAME_MAX).describe('The name shown in HAI.'),
  role: UserRoleSchema.optional().describe(
    "The user's role, as AGORA's real servers keep it (the agora-real pack shows 'inspector' when absent).",
  ),
  preferences: PreferencesSchema,
  createdAt: IsoTimestampSchema.describe('ISO time; GET /users lists the newest first.'),
  lastActivity: IsoTimestampSchema.describe('ISO time of the last change or run.'),
});
export type User = z.infer<typeof UserSchema>;

/** `sessionId` is the AG-UI `threadId`; `userId` may be a legacy id (`koen`) or a user's UUID. */
export const SessionMetadataSchema = z.strictObject({
  sessionId: z.string().min(1).describe('The session id: the AG-UI threadId of its runs.'),
  userId: z.string().min(1).describe("The owner: a user's id or a legacy id (koen)."),
  title: z.string().max(SESSION_TITLE_MAX).describe('The title HAI lists.'),
  firstMessagePreview: z.string().describe('The start of the first user message.'),
  messageCount: z.number().int().min(0).describe('How many messages the history holds.'),
  createdAt: IsoTimestampSchema.describe('ISO time.'),
  lastActivity: IsoTimestampSchema.describe('ISO time; sessions are listed newest first.'),
});
export type SessionMetadata = z.infer<typeof SessionMetadataSchema>;

export const UserHistoryMessageSchema = z.strictObject({
  role: z.literal('user').describe('What the user said.'),
  content: z.string().describe('The text.'),
});

export const AssistantHistoryMessageSchema = z.strictObject({
  role: z.literal('assistant').describe("An agent's answer."),
  content: z.string().describe('The text (markdown).'),
  agent_id: z.string().optional().describe('The agent that answered.'),
  spoken_text: z.string().optional().describe('The answer as spoken.'),
});

/** A tool invocation; `content` holds the JSON arguments as text. */
export const ToolCallHistoryMessageSchema = z.strictObject({
  role: z.literal('tool_call').describe('A tool the agent called.'),
  tool_call_id: z.string().describe('Pairs the call with its result.'),
  tool_name: z.string().describe('The tool.'),
  content: z.string().describe('The arguments, as JSON text.'),
  agent_id: z.string().optional().describe('The agent that called it.'),
});

/** A tool's answer; `content` holds the JSON result as text. */
export const ToolResultHistoryMessageSchema = z.strictObject({
  role: z.literal('tool').describe("A tool's answer."),
  tool_call_id: z.string().describe('The call it answers.'),
  tool_name: z.string().describe('The tool.'),
  content: z.string().describe('The result, as JSON text.'),
});

export const HistoryMessageSchema = z.discriminatedUnion('role', [
  UserHistoryMessageSchema,
  AssistantHistoryMessageSchema,
  ToolCallHistoryMessageSchema,
  ToolResultHistoryMessageSchema,
]);
export type HistoryMessage = z.infer<typeof HistoryMessageSchema>;

/** Roles left out of a history unless `include_tools` is asked for. */
export const TOOL_HISTORY_ROLES: ReadonlySet<HistoryMessage['role']> = new Set(['tool_call', 'tool']);

export const StoredSessionSchema = z.strictObject({
  metadata: SessionMetadataSchema.describe('What GET /sessions lists.'),
  history: z.array(HistoryMessageSchema).describe('The messages, oldest first (GET /sessions/{id}/history).'),
  recordedMessages: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "How many of the history's last messages agent runs recorded (absent: none). Only these count towards the " +
        'history limits and only these are ever evicted; the messages before them were made by hand.',
    ),
  recordedByRun: z
    .boolean()
    .optional()
    .describe(
      'The session was created by an agent run rather than by hand, so the history limits may remove it whole.',
    ),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/** Everything the AGORA profile serves: the unit the store resets to and a workspace saves. */
export const AgoraDataSchema = z.strictObject({
  users: z.array(UserSchema).describe('The users GET /users serves.'),
  currentUserId: z
    .string()
    .nullable()
    .describe('Who `GET /users/me` answers with; null when nobody is signed in (401).'),
  userAliases: z
    .record(z.string(), z.string())
    .describe('Legacy user ids (`koen`) and the user id they stand for, so sessions keyed either way are found.'),
  sessions: z.array(StoredSessionSchema).describe('Conversations with their histories.'),
});
export type AgoraData = z.infer<typeof AgoraDataSchema>;

/** The settings that bound recorded history; a `history-evicted` change names the ones that were reached. */
export type HistoryLimitSetting =
  | 'maxRecordedMessagesPerSession'
  | 'maxRecordedMessages'
  | 'maxRecordedBytes'
  | 'maxRecordedSessions';

/**
 * What made recorded history give way in a `history-evicted` change: a history limit, or `workspaceFile`: a save or an
 * export found the workspace larger than its file may be (64 MiB), and the oldest recorded history made room.
 */
export type HistoryEvictionCause = HistoryLimitSetting | 'workspaceFile';

/** What changed in the store; the console follows these to stay in step without polling. */
export type AgoraChange =
  | { type: 'user-created'; user: User }
  | { type: 'user-updated'; user: User }
  | { type: 'user-deleted'; userId: string; deletedSessionIds: string[] }
  | { type: 'current-user-changed'; userId: string | null }
  | { type: 'session-created'; session: SessionMetadata }
  | { type: 'session-updated'; session: SessionMetadata }
  | { type: 'session-deleted'; sessionId: string }
  /**
   * A run recorded messages at the end of the session's history. Only how many: a console showing the history
   * fetches it, and a run's messages would otherwise cross the live feed once per run whether shown or not.
   */
  | { type: 'history-appended'; session: SessionMetadata; appendedMessages: number }
  | { type: 'history-replaced'; session: SessionMetadata }
  /**
   * A run's recording reached a history limit, or a save found the workspace too large for its file: the oldest
   * recorded history made room (see docs/workspaces.md).
   */
  | {
      type: 'history-evicted';
      limits: HistoryEvictionCause[];
      /** Recorded messages removed, in all (those of removed sessions included). */
      removedMessages: number;
      /** Sessions that lost their oldest recorded messages, as they are now. */
      trimmedSessions: SessionMetadata[];
      /** Sessions created by runs that were removed whole. */
      deletedSessionIds: string[];
    }
  | { type: 'reset' };
