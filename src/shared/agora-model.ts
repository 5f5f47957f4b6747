import { z } from 'zod';

/**
 * The data AGORA's REST API serves, as it is stored (and, later, saved in a workspace file).
 * Field names and casing are AGORA's: camelCase for users and sessions, snake_case for preferences and history.
 */

/** REST timestamps: ISO strings in UTC ending in `Z`. */
export const IsoTimestampSchema = z.iso.datetime();

export const THEMES = ['light', 'dark', 'system'] as const;
export const SPOKEN_TEXT_TYPES = ['summarize', 'dictate'] as const;

export const ThemeSchema = z.enum(THEMES);
export const SpokenTextTypeSchema = z.enum(SPOKEN_TEXT_TYPES);

/** Preference fields AGORA's mock knows; HAI also sends others (`email_reports`), which are kept as they are. */
export const PreferencesSchema = z.looseObject({
  theme: ThemeSchema,
  notifications_enabled: z.boolean(),
  default_agent_id: z.string().min(1).max(100),
  language: z.string().min(1).max(35),
  spoken_text_type: SpokenTextTypeSchema,
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  theme: 'system',
  notifications_enabled: true,
  default_agent_id: 'general-agent',
  language: 'nl-NL',
  spoken_text_type: 'summarize',
});

export const USER_NAME_MAX = 200;
export const SESSION_TITLE_MAX = 200;

export const UserSchema = z.object({
  id: z.string().min(1),
  email: z.email(),
  name: z.string().min(1).max(USER_NAME_MAX),
  preferences: PreferencesSchema,
  createdAt: IsoTimestampSchema,
  lastActivity: IsoTimestampSchema,
});
export type User = z.infer<typeof UserSchema>;

/** `sessionId` is the AG-UI `threadId`; `userId` may be a legacy id (`koen`) or a user's UUID. */
export const SessionMetadataSchema = z.object({
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  title: z.string().max(SESSION_TITLE_MAX),
  firstMessagePreview: z.string(),
  messageCount: z.number().int().min(0),
  createdAt: IsoTimestampSchema,
  lastActivity: IsoTimestampSchema,
});
export type SessionMetadata = z.infer<typeof SessionMetadataSchema>;

export const UserHistoryMessageSchema = z.object({
  role: z.literal('user'),
  content: z.string(),
});

export const AssistantHistoryMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z.string(),
  agent_id: z.string().optional(),
  spoken_text: z.string().optional(),
});

/** A tool invocation; `content` holds the JSON arguments as text. */
export const ToolCallHistoryMessageSchema = z.object({
  role: z.literal('tool_call'),
  tool_call_id: z.string(),
  tool_name: z.string(),
  content: z.string(),
  agent_id: z.string().optional(),
});

/** A tool's answer; `content` holds the JSON result as text. */
export const ToolResultHistoryMessageSchema = z.object({
  role: z.literal('tool'),
  tool_call_id: z.string(),
  tool_name: z.string(),
  content: z.string(),
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

export const StoredSessionSchema = z.object({
  metadata: SessionMetadataSchema,
  history: z.array(HistoryMessageSchema),
  /**
   * How many of the history's last messages agent runs recorded (absent: none). Only these count towards the
   * history limits and only these are ever evicted; the messages before them were made by hand.
   */
  recordedMessages: z.number().int().min(0).optional(),
  /** The session was created by an agent run rather than by hand, so the history limits may remove it whole. */
  recordedByRun: z.boolean().optional(),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/** Everything the AGORA profile serves: the unit the store resets to and a workspace saves. */
export const AgoraDataSchema = z.object({
  users: z.array(UserSchema),
  /** Who `GET /users/me` answers with; null when nobody is signed in (401). */
  currentUserId: z.string().nullable(),
  /** Legacy user ids (`koen`) and the user id they stand for, so sessions keyed either way are found. */
  userAliases: z.record(z.string(), z.string()),
  sessions: z.array(StoredSessionSchema),
});
export type AgoraData = z.infer<typeof AgoraDataSchema>;

/** The settings that bound recorded history; a `history-evicted` change names the ones that were reached. */
export type HistoryLimitSetting = 'maxRecordedMessagesPerSession' | 'maxRecordedMessages' | 'maxRecordedSessions';

/** What changed in the store; the console follows these to stay in step without polling. */
export type AgoraChange =
  | { type: 'user-created'; user: User }
  | { type: 'user-updated'; user: User }
  | { type: 'user-deleted'; userId: string; deletedSessionIds: string[] }
  | { type: 'current-user-changed'; userId: string | null }
  | { type: 'session-created'; session: SessionMetadata }
  | { type: 'session-updated'; session: SessionMetadata }
  | { type: 'session-deleted'; sessionId: string }
  | { type: 'history-appended'; session: SessionMetadata; messages: HistoryMessage[] }
  | { type: 'history-replaced'; session: SessionMetadata }
  /** A run's recording reached a history limit: the oldest recorded history made room (see docs/workspaces.md). */
  | {
      type: 'history-evicted';
      limits: HistoryLimitSetting[];
      /** Recorded messages removed, in all (those of removed sessions included). */
      removedMessages: number;
      /** Sessions that lost their oldest recorded messages, as they are now. */
      trimmedSessions: SessionMetadata[];
      /** Sessions created by runs that were removed whole. */
      deletedSessionIds: string[];
    }
  | { type: 'reset' };
