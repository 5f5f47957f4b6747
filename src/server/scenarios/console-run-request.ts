import type { RunRequest } from '../agui/run-input';

/** What the console's run is played on: the connection's thread, a new run id, the thread's state now. */
interface ConsoleRun {
  threadId: string;
  runId: string;
  userId: string | null;
  /** The thread's state as its last run left it (undefined when no run left one). */
  state: unknown;
}

/**
 * The request a scenario played from the console answers (`POST /scenarios/:id/run`): the last run request the client
 * sent on the connection (as its frame log still holds it), made a new run — its messages (so `lastUserMessage`, `lastMessage`), tools, context,
 * forwardedProps and dialect (AG-UI's RUN_STARTED `protocolVersion`) — on the connection's thread, with the
 * thread's state now. It resumes nothing and names no parent run. Before the client sent any, there is no request:
 * no messages, an empty `lastUserMessage`, empty tools, context and forwardedProps, in AGORA's framing.
 */
export function consoleRunRequest(last: RunRequest | undefined, run: ConsoleRun): RunRequest {
  const { threadId, runId, userId, state } = run;
  if (!last) {
    return {
      threadId,
      runId,
      userId,
      messages: [],
      lastUserMessage: '',
      state: undefined,
      resume: [],
      shape: 'agora',
      input: { threadId, runId, messages: [], state: state ?? {}, tools: [], context: [], forwardedProps: {} },
      fromConsole: true,
    };
  }
  const { resume: _resumed, parentRunId: _parent, ...fields } = last.input;
  const input: Record<string, unknown> = { ...fields, threadId, runId };
  // AGORA's variant may name them in snake_case too: the same ids either way.
  if (Object.hasOwn(input, 'thread_id')) input.thread_id = threadId;
  if (Object.hasOwn(input, 'run_id')) input.run_id = runId;
  if (state !== undefined) input.state = state;
  return {
    ...last,
    threadId,
    runId,
    userId: userId ?? last.userId,
    state: undefined,
    resume: [],
    input,
    fromConsole: true,
  };
}
