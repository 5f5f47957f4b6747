import { describeDetail } from '../../api/api-error';
import { addTryItEntries, useTryItStore } from '../../stores/try-it-store';
import { currentWorldEndpoints, pickAguiEndpoint, type WorldEndpoint } from '../../stores/world-endpoints';
import { SseParser } from './sse-parser';
import type { InterruptAnswer, TryItEntry } from './transcript';

/**
 * The built-in test client: a real AG-UI client of the mocked backend, over WebSocket (AGORA's RunAgentInput,
 * one JSON per frame) or the official HTTP binding (POST to an agent, answered with text/event-stream).
 */
let socket: WebSocket | null = null;
/** The endpoint the open socket was opened to. */
let socketUrl: string | null = null;
/** While the socket is being opened: resolves whether it opened. */
let opening: Promise<boolean> | null = null;
let pending: TryItEntry[] = [];
let flushScheduled = false;

/** Events come in bursts; they reach the store once per animation frame. */
function queue(entry: TryItEntry): void {
  pending.push(entry);
  if (flushScheduled) return;
  flushScheduled = true;
  requestAnimationFrame(() => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    addTryItEntries(batch);
  });
}

function onEventText(text: string): void {
  try {
    const event = JSON.parse(text) as Record<string, unknown>;
    queue({ kind: 'event', event });
  } catch {
    queue({ kind: 'note', text: `Not JSON: ${text.slice(0, 200)}` });
  }
}

/**
 * An engine URL as this page reaches the engine. The engine names itself by the address it listens on
 * (127.0.0.1) while the console may be open as localhost, and the CSP lets the console reach its own origin only.
 */
function onThisHost(url: string): string {
  const target = new URL(url);
  target.host = window.location.host;
  return target.href;
}

/** The AG-UI endpoint Try it talks to now: the one picked, or the world's first. */
export function tryItEndpoint(): WorldEndpoint | null {
  return pickAguiEndpoint(currentWorldEndpoints(), useTryItStore.getState().endpoint);
}

/**
 * Opens a socket to the endpoint's socket (closing one open to another); nothing for an agent. Only when asked —
 * Connect pressed, or a prompt sent — so looking at Try it leaves no connection in the engine. Resolves whether the
 * socket is open: at once when it already is, else when it opens or fails to.
 */
export function connectWebSocket(): Promise<boolean> {
  const endpoint = tryItEndpoint();
  const url = endpoint?.kind === 'socket' ? endpoint.url : null;
  if (socket && socketUrl === url) return opening ?? Promise.resolve(socket.readyState === WebSocket.OPEN);
  disconnectWebSocket();
  if (!url) return Promise.resolve(false);
  useTryItStore.setState({ status: 'connecting', problem: null });
  const next = new WebSocket(onThisHost(url));
  socket = next;
  socketUrl = url;
  let settle: (open: boolean) => void = () => {};
  const opened = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  opening = opened;
  const settled = (open: boolean) => {
    if (opening === opened) opening = null;
    settle(open);
  };
  next.onopen = () => {
    if (socket === next) useTryItStore.setState({ status: 'connected' });
    settled(socket === next);
  };
  next.onmessage = (message) => onEventText(String(message.data));
  next.onclose = (event) => {
    // A socket left for another endpoint says it closed, but the status is the new one's.
    if (socket === next) {
      socket = null;
      socketUrl = null;
      useTryItStore.setState({ status: 'disconnected' });
    }
    settled(false);
    queue({ kind: 'note', text: `Socket closed (${event.code}${event.reason ? ` ${event.reason}` : ''})` });
  };
  return opened;
}

/** Closes the socket when the endpoint picked is no longer the one it was opened to (another, or an agent). */
export function leaveOtherEndpoint(url: string | null): void {
  if (socket && socketUrl !== url) disconnectWebSocket();
}

export function disconnectWebSocket(): void {
  const open = socket;
  if (!open) return;
  socket = null;
  socketUrl = null;
  useTryItStore.setState({ status: 'disconnected' });
  open.close(1000, 'Closed from the console');
}

function agoraRunInput(threadId: string, text: string) {
  return { threadId, messages: [{ role: 'user', content: text }] };
}

/** AG-UI 1.0's RunAgentInput; without text it carries no new message (a resuming run). */
function officialRunInput(threadId: string, text: string | null) {
  return {
    threadId,
    runId: crypto.randomUUID(),
    state: {},
    messages: text === null ? [] : [{ id: crypto.randomUUID(), role: 'user', content: text }],
    tools: [],
    context: [],
    forwardedProps: {},
  };
}

export async function sendPrompt(text: string): Promise<void> {
  const { threadId } = useTryItStore.getState();
  const endpoint = tryItEndpoint();
  if (endpoint?.kind === 'socket') {
    // The first prompt opens the socket, as a frontend connects when it has something to send.
    if (!(await connectWebSocket()) || !socket || socket.readyState !== WebSocket.OPEN) {
      useTryItStore.setState({
        problem: `Could not connect to ${endpoint.url}: the socket closed before it opened (see the note in the conversation).`,
      });
      return;
    }
    queue({ kind: 'prompt', text });
    socket.send(JSON.stringify(agoraRunInput(threadId, text)));
    return;
  }
  queue({ kind: 'prompt', text });
  await streamOverHttp(officialRunInput(threadId, text));
}

/**
 * POSTs a run to the agent and reads its events as they stream. `onAccepted` runs once the agent took it (before
 * its events): a refusal (a 422 for a resume the interrupt does not take) says why and leaves what it answered open.
 */
async function streamOverHttp(
  input: ReturnType<typeof officialRunInput> & { resume?: unknown[] },
  onAccepted?: () => void,
): Promise<void> {
  const endpoint = tryItEndpoint();
  const agentUrl = endpoint?.kind === 'agent' ? endpoint.url : null;
  if (!agentUrl) {
    useTryItStore.setState({
      problem: 'This workspace has no AG-UI agent on the HTTP binding: add one, or pick a WebSocket endpoint.',
    });
    return;
  }
  const url = onThisHost(agentUrl);
  useTryItStore.setState({ status: 'streaming', problem: null });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(input),
    });
    if (response.status === 404 || response.status === 405) {
      useTryItStore.setState({
        httpAvailable: false,
        problem: `This engine does not serve POST ${new URL(url).pathname} yet (HTTP ${response.status}): pick a WebSocket endpoint.`,
      });
      return;
    }
    if (!response.ok || !response.body) {
      const text = await response.text();
      let said = text;
      try {
        said = describeDetail(response.status, JSON.parse(text));
      } catch {
        // Not JSON: the text as it came.
      }
      useTryItStore.setState({ problem: `POST ${new URL(url).pathname} answered ${response.status}: ${said}` });
      return;
    }
    useTryItStore.setState({ httpAvailable: true });
    onAccepted?.();
    const parser = new SseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const data of parser.push(value)) onEventText(data);
    }
  } catch (error) {
    useTryItStore.setState({
      problem: `The request failed: ${error instanceof Error ? error.message : String(error)}`,
    });
  } finally {
    useTryItStore.setState({ status: 'disconnected' });
  }
}

/**
 * Resumes the run paused at an interrupt with `resume` (AG-UI 1.0): a new run on the same thread, over the endpoint
 * Try it talks to — its socket, or a POST to its agent. `onSent` records the answer once it is on its way (over
 * HTTP: once the agent took it).
 */
async function resumeRun(resume: unknown[], onSent: () => void): Promise<void> {
  const input = { ...officialRunInput(useTryItStore.getState().threadId, null), resume };
  if (tryItEndpoint()?.kind !== 'socket') return streamOverHttp(input, onSent);
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    useTryItStore.setState({ problem: 'The socket is closed: the run can no longer be resumed.' });
    return;
  }
  socket.send(JSON.stringify(input));
  onSent();
}

/**
 * Answers an approval: AGORA's CUSTOM response on the same socket, or (an AG-UI interrupt) a new run whose
 * `resume` answers the interrupt the last one paused at.
 */
export async function answerApproval(
  approvalId: string,
  approved: boolean,
  via: 'custom' | 'interrupt',
): Promise<void> {
  const answered = () => queue({ kind: 'approval-answer', approvalId, approved });
  if (via === 'interrupt') {
    const payload = { approved, feedback: null };
    return resumeRun([{ interruptId: approvalId, status: 'resolved', payload }], answered);
  }
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    useTryItStore.setState({ problem: 'The socket is closed: the approval can no longer be answered.' });
    return;
  }
  socket.send(
    JSON.stringify({
      type: 'CUSTOM',
      name: 'agora:tool_approval_response',
      value: { approvalId, approved, feedback: null },
    }),
  );
  answered();
}

/** Answers an interrupt: its run resumes with `payload` (resolved), or without it (cancelled). */
export function answerInterrupt(interruptId: string, status: InterruptAnswer, payload?: unknown): Promise<void> {
  const entry = status === 'resolved' ? { interruptId, status, payload } : { interruptId, status };
  return resumeRun([entry], () => queue({ kind: 'interrupt-answer', interruptId, status }));
}

export function clearTranscript(): void {
  useTryItStore.setState({ entries: [], problem: null });
}
