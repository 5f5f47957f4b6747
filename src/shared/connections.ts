/** What the console knows about one live (or recently closed) client connection. */
export type ConnectionKind = 'ws' | 'sse';
export type ConnectionState = 'open' | 'closing' | 'closed';
export type FrameDirection = 'in' | 'out';

export interface ConnectionCounters {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** The mount a connection came in through: a WebSocket endpoint or an AG-UI agent, the user's or a pack's. */
export interface ConnectionMount {
  kind: 'socket' | 'agent';
  id: string;
  name?: string;
  /** The pack that declares it; absent for the workspace's own mounts. */
  pack?: string;
}

export interface ConnectionSummary {
  id: string;
  kind: ConnectionKind;
  /**
   * What its frames are: AG-UI events (runs, the sequence tracker, event injection), or raw frames of another
   * protocol (an echo, a feed, rules; the console sends them text or JSON).
   */
  protocol: 'agui' | 'raw';
  path: string;
  /** Which endpoint or agent answered (null for connections the engine made itself). */
  mount: ConnectionMount | null;
  remoteAddress: string;
  userAgent: string;
  /** Unix milliseconds. */
  openedAt: number;
  closedAt: number | null;
  state: ConnectionState;
  threadId: string | null;
  userId: string | null;
  counters: ConnectionCounters;
  closeCode: number | null;
  closeReason: string | null;
  /**
   * The last error the transport reported (an invalid frame, a frame too large…; the socket closes after it), or
   * the endpoint's behaviour (a template that failed on a message).
   */
  lastError: ConnectionError | null;
  /** Why the engine refused the connection once open (the gateway's API-key check, closed 4001); null when it did not. */
  refusal: string | null;
  /** Whether a scenario run is playing on this connection right now. */
  activeRunId: string | null;
  /** Outgoing frames are held until resumed (set from the console). */
  paused: boolean;
  /** Delay added to every outgoing frame (set from the console). */
  latencyMs: number;
  /** Outgoing frames waiting because of pause or latency. */
  heldFrames: number;
  /**
   * Held frames dropped: echo, push or rules frames past the 1 MiB a connection may hold back, frames released
   * after the connection stopped taking frames (an SSE response over with its run), or still held when it closed
   * (past the 4 MiB bound, or closed while paused) (websockets.md).
   */
  heldFramesDropped: number;
  /** Frames a behaviour did not send because the client was not reading (its socket's backlog was too large). */
  skippedFrames: number;
  /** The engine's log of this connection's frames (what the frames API pages through). */
  frameLog: FrameLogStats;
}

export interface ConnectionError {
  /** Unix milliseconds. */
  at: number;
  message: string;
}

/** How much of a connection's frame log the engine still holds, and what it let go of (always the oldest). */
export interface FrameLogStats {
  /** Frames held now. */
  kept: number;
  /** Older frames pushed out because the log reached `frameBufferSize` frames. */
  droppedForSize: number;
  /** Older frames evicted to keep the engine within `retainedMemoryBytes`. */
  evictedForMemory: number;
  /**
   * Estimated bytes the frames held take. `retainedMemoryBytes` counts the same, except a broadcast's large text that
   * other connections' logs keep too: in full here, once there.
   */
  retainedBytes: number;
}

export interface FrameRecord {
  /** Per-connection sequence number, starting at 1. */
  seq: number;
  /** Unix milliseconds. */
  at: number;
  direction: FrameDirection;
  /** Size on the wire in bytes. */
  size: number;
  /** The frame's text; binary frames are described, not stored. */
  text: string;
  binary: boolean;
  /** AG-UI event type when the frame is one (or the client message kind). */
  eventType: string | null;
  /**
   * The AG-UI sequence rule this outgoing event broke (sent anyway, or by a scenario), as the client would see it; or,
   * on a raw socket's incoming frame, why its JSON was read as text (rule J1).
   */
  finding?: FrameFinding;
}

/**
 * A rule a frame broke: the rule's id (R1, T2…, J1), its statement, and the error the client would throw (for J1,
 * why the engine read the JSON as text and what to fix).
 */
export interface FrameFinding {
  rule: string;
  title: string;
  message: string;
}
