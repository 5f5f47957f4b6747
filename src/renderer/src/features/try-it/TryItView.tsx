import { type FormEvent, useEffect, useId, useMemo, useRef } from 'react';
import { useKeptState } from '../../stores/kept-state';
import { useScenariosStore } from '../../stores/scenarios-store';
import { useTryItStore } from '../../stores/try-it-store';
import { aguiEndpoints, pickAguiEndpoint, useWorldEndpoints, type WorldEndpoint } from '../../stores/world-endpoints';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { refocusWhenLost } from '../../ui/focus-return';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { SendKeyHint } from '../../ui/SendKeyHint';
import { submitOnSendKey } from '../../ui/send-key';
import { promptSuggestions } from './prompt-suggestions';
import { TranscriptItemView } from './TranscriptItemView';
import { buildTranscript } from './transcript';
import {
  clearTranscript,
  connectWebSocket,
  disconnectWebSocket,
  leaveOtherEndpoint,
  sendPrompt,
} from './try-it-session';

/** A built-in AG-UI client: send a prompt, watch the reply stream in, answer approvals and interrupts. */
export function TryItView() {
  const picked = useTryItStore((state) => state.endpoint);
  const status = useTryItStore((state) => state.status);
  const threadId = useTryItStore((state) => state.threadId);
  const entries = useTryItStore((state) => state.entries);
  const httpAvailable = useTryItStore((state) => state.httpAvailable);
  const problem = useTryItStore((state) => state.problem);
  const world = useWorldEndpoints();
  const choices = useMemo(() => aguiEndpoints(world), [world]);
  const endpoint = pickAguiEndpoint(world, picked);
  const transport = endpoint?.kind === 'agent' ? 'http' : endpoint ? 'ws' : null;
  const scenarios = useScenariosStore((state) => state.items);
  const suggestions = useMemo(() => promptSuggestions(scenarios), [scenarios]);
  // A prompt typed and not sent yet outlives a look at another view; once sent, the view starts afresh.
  const kept = useKeptState('try-it-prompt', () => suggestions[0] ?? '');
  const { value: prompt, set: setPrompt } = kept;
  const transcript = useMemo(() => buildTranscript(entries), [entries]);
  const bottom = useRef<HTMLDivElement>(null);
  const promptField = useRef<HTMLTextAreaElement>(null);
  const eventCount = useMemo(() => entries.filter((entry) => entry.kind === 'event').length, [entries]);
  const endpointHintId = useId();

  // Looking leaves no connection: a socket is opened by Connect or the first prompt. One left open to an endpoint no
  // longer picked is closed (an agent has no connection to keep).
  const socketUrl = endpoint?.kind === 'socket' ? endpoint.url : null;
  useEffect(() => leaveOtherEndpoint(socketUrl), [socketUrl]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the newest line as the reply streams
  useEffect(() => {
    // Braces matter: newer Chromium returns a promise from scrollIntoView, which React would take for a cleanup.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [transcript]);

  const ready =
    transport === 'ws'
      ? status === 'connected' || status === 'disconnected'
      : transport === 'http' && status !== 'streaming' && httpAvailable !== false;
  /** A prompt on its way: Send prompt is off, but keeps the focus of a person who pressed it (Enter). */
  const busy = status === 'connecting' || status === 'streaming';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || !prompt.trim()) return;
    void sendPrompt(prompt.trim());
    kept.forget();
  };

  return (
    <div className="split try-it">
      <div className="panel">
        <div className="panel-header">
          <h2>Try it</h2>
        </div>
        <form className="panel-body stack" onSubmit={submit} onKeyDown={submitOnSendKey}>
          <p className="muted" style={{ margin: 0 }}>
            A built-in client of this engine: it connects like your frontend would, so its traffic shows up in
            Connections too.
          </p>
          {endpoint ? (
            <div className="field">
              <label className="field">
                Endpoint
                <select
                  aria-label="Endpoint"
                  aria-describedby={endpointHintId}
                  value={endpoint.key}
                  onChange={(event) => useTryItStore.setState({ endpoint: event.target.value, httpAvailable: null })}
                >
                  {choices.map((choice) => (
                    <option key={choice.key} value={choice.key}>
                      {endpointLabel(choice)}
                    </option>
                  ))}
                </select>
              </label>
              <span id={endpointHintId} className="field-hint">
                {endpoint.kind === 'agent'
                  ? 'Each prompt is a POST; the reply streams back as Server-Sent Events.'
                  : 'The reply streams back on the socket.'}
              </span>
            </div>
          ) : (
            <div className="notice warning">
              This workspace serves no AG-UI endpoint to try: add a WebSocket endpoint that plays scenarios (AG-UI) or
              an agent under Routes.
            </div>
          )}
          {transport === 'http' && httpAvailable === false && (
            <div className="notice warning">
              This engine does not serve POST {endpoint?.path}. Pick another endpoint.
            </div>
          )}
          {transport === 'ws' && (
            <div className="row">
              <span className={`dot ${status === 'connected' ? 'ok' : status === 'connecting' ? 'warn' : ''}`} />
              <span data-testid="try-it-status">{status}</span>
              {status === 'disconnected' && <span className="faint">— connects on send</span>}
              <span className="spacer" />
              {status === 'connected' ? (
                <button type="button" onClick={disconnectWebSocket}>
                  Disconnect
                </button>
              ) : (
                // Off while connecting, yet focusable: the focus stays on it as it turns into Disconnect.
                <button
                  type="button"
                  onClick={() => status !== 'connecting' && void connectWebSocket()}
                  aria-disabled={status === 'connecting' || undefined}
                >
                  Connect
                </button>
              )}
            </div>
          )}
          <label className="field">
            Thread id
            <input value={threadId} onChange={(event) => useTryItStore.setState({ threadId: event.target.value })} />
          </label>
          <label className="field">
            Prompt
            <textarea
              ref={promptField}
              aria-label="Prompt"
              rows={3}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
            />
          </label>
          <div className="row">
            {suggestions.map((suggestion) => (
              <button key={suggestion} type="button" className="small" onClick={() => setPrompt(suggestion)}>
                {suggestion.length > 28 ? `${suggestion.slice(0, 28)}…` : suggestion}
              </button>
            ))}
          </div>
          <ErrorNotice error={problem} onDismiss={() => useTryItStore.setState({ problem: null })} />
          <div className="row">
            <button
              type="submit"
              className="primary"
              disabled={!prompt.trim() || (!ready && !busy)}
              aria-disabled={busy || undefined}
            >
              {status === 'streaming' ? 'Streaming…' : 'Send prompt'}
            </button>
            <SendKeyHint />
          </div>
        </form>
      </div>
      <div className="panel">
        <div className="panel-header">
          <h2>Conversation</h2>
          <span className="badge">{eventCount} events</span>
          <span className="spacer" />
          <button
            type="button"
            onClick={() => {
              clearTranscript();
              // Clear is off once there is nothing to clear: the focus goes to the prompt, not to the page.
              refocusWhenLost(() => promptField.current);
            }}
            disabled={entries.length === 0}
          >
            Clear
          </button>
        </div>
        <ScrollRegion label="Conversation" className="panel-body">
          {transcript.length === 0 ? (
            <div className="empty">
              Send a prompt: the agent's reply streams in here, tool calls and approvals included.
            </div>
          ) : (
            <div className="chat" data-testid="transcript">
              {transcript.map((item) => (
                <TranscriptItemView
                  key={item.key}
                  item={item}
                  socketOpen={status === 'connected'}
                  canResume={transport === 'http' || status === 'connected'}
                />
              ))}
              <div ref={bottom} />
            </div>
          )}
        </ScrollRegion>
      </div>
    </div>
  );
}

/**
 * An endpoint as the picker lists it: how it is reached, where, and its name — short enough to read in the
 * picker's column at 1280 px; how the reply comes back is said under it.
 */
function endpointLabel(endpoint: WorldEndpoint): string {
  const how = endpoint.kind === 'socket' ? 'WebSocket' : 'HTTP POST';
  return `${how} ${endpoint.path}${endpoint.name ? ` — ${endpoint.name}` : ''}`;
}
