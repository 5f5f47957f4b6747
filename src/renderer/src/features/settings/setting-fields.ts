import type { ServerSettings } from '../../../../shared/settings';
import { SPEED_HINT } from './speed-words';

export interface SettingField {
  key: keyof ServerSettings;
  label: string;
  /** Empty for a text setting. */
  unit: string;
  hint: string;
  /** 0 for a text setting. */
  step: number;
}

export const SETTING_GROUPS: readonly { title: string; fields: readonly SettingField[] }[] = [
  {
    title: 'Speed',
    fields: [
      {
        key: 'speed',
        label: 'Scenario speed',
        unit: '×',
        step: 0.1,
        hint: SPEED_HINT,
      },
      {
        key: 'approvalTimeoutMs',
        label: 'Approval timeout',
        unit: 'ms',
        step: 1000,
        hint: 'How long a run waits for an approval answer; 0 waits forever.',
      },
    ],
  },
  {
    title: 'Heartbeat',
    fields: [
      {
        key: 'heartbeatIntervalMs',
        label: 'Ping interval',
        unit: 'ms',
        step: 1000,
        hint: 'A peer that misses one pong is dropped; 0 turns pings off.',
      },
    ],
  },
  {
    title: 'Recorded history',
    fields: [
      {
        key: 'maxRecordedMessagesPerSession',
        label: 'Messages per session',
        unit: 'messages',
        step: 100,
        hint: 'What runs record in one session; past it its oldest recorded messages go. Hand-made ones stay.',
      },
      {
        key: 'maxRecordedMessages',
        label: 'Messages in all',
        unit: 'messages',
        step: 1000,
        hint: 'Past it the least recently active sessions lose their recorded messages first.',
      },
      {
        key: 'maxRecordedBytes',
        label: 'Text in all',
        unit: 'bytes',
        step: 1024 * 1024,
        hint: 'What runs record, in UTF-8 bytes; past it the least recently active sessions give way first.',
      },
      {
        key: 'maxRecordedSessions',
        label: 'Sessions runs create',
        unit: 'sessions',
        step: 100,
        hint: 'Past it the least recently active of them are removed.',
      },
    ],
  },
  {
    title: 'Limits',
    fields: [
      {
        key: 'maxPayloadBytes',
        label: 'Largest WebSocket frame',
        unit: 'bytes',
        step: 1024,
        hint: 'Larger frames close the socket with 1009.',
      },
      {
        key: 'maxBodyBytes',
        label: 'Largest REST body',
        unit: 'bytes',
        step: 1024,
        hint: 'Larger JSON bodies are refused with 413.',
      },
      {
        key: 'maxJsonDepth',
        label: 'Deepest JSON nesting',
        unit: 'levels',
        step: 1,
        hint: 'Bodies, frames and files nested deeper are refused, naming this limit.',
      },
      {
        key: 'headersTimeoutMs',
        label: 'Header timeout',
        unit: 'ms',
        step: 1000,
        hint: 'A client slower to send its request line and headers gets 408 and is disconnected.',
      },
      {
        key: 'requestTimeoutMs',
        label: 'Request timeout',
        unit: 'ms',
        step: 1000,
        hint: 'A client slower to send its whole request, body included, gets 408. Streams stay open.',
      },
      {
        key: 'keepAliveTimeoutMs',
        label: 'Keep-alive timeout',
        unit: 'ms',
        step: 1000,
        hint: 'How long an idle connection waits for its next request.',
      },
      {
        key: 'maxConnections',
        label: 'Connections held',
        unit: 'connections',
        step: 1000,
        hint: 'Past it a new connection gets 503 and is closed; the console keeps 16 of its own.',
      },
      {
        key: 'frameBufferSize',
        label: 'Frames kept per connection',
        unit: 'frames',
        step: 1000,
        hint: 'The engine’s ring buffer the console reads from.',
      },
      {
        key: 'requestLogSize',
        label: 'Requests kept',
        unit: 'requests',
        step: 100,
        hint: 'The REST log’s ring buffer.',
      },
      {
        key: 'retainedMemoryBytes',
        label: 'Memory for logs',
        unit: 'bytes',
        step: 1024 * 1024,
        hint: 'Frames and requests kept for the console, all together; past it the oldest are evicted, closed connections first.',
      },
      {
        key: 'logBodyBytes',
        label: 'Body bytes logged',
        unit: 'bytes',
        step: 1024,
        hint: 'Longer bodies are cut in the log only.',
      },
    ],
  },
];
