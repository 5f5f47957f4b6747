import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useScenariosStore } from '../../stores/scenarios-store';
import { useServerStore } from '../../stores/server-store';
import { type TryItTransport, useTryItStore } from '../../stores/try-it-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { promptSuggestions } from './prompt-suggestions';
import { TranscriptItemView } from './TranscriptItemView';
import { buildTranscript } from './transcript';
import { clearTranscript, connectWebSocket, disconnectWebSocket, sendPrompt } from './try-it-session';

/** A built-in AG-UI client: send a prompt, watch the reply stream in, answer approvals. */
export function TryItView() {
  const transport = useTryItStore((state) => state.transport);
  const status = useTryItStore((state) => state.status);
  const threadId = useTryItStore((state) => state.threadId);
  const entries = useTryItStore((state) => state.entries);
  const httpAvailable = useTryItStore((state) => state.httpAvailable);
  const problem = useTryItStore((state) => state.problem);
  const agentUrl = useTryItStore((state) => state.agentUrl);
  const agents = useServerStore((state) => state.info?.endpoints.agents);
  const defaultAgentUrl = useServerStore((state) => state.info?.urls.agent ?? null);
  const wsUrl = useServerStore((state) => state.info?.urls.ws ?? null);
  const agentPath = pathOf(agentUrl ?? defaultAgentUrl) ?? '(no agent)';
  const scenarios = useScenariosStore((state) => state.items);
  const suggestions = useMemo(() => promptSuggestions(scenarios), [scenarios]);
  const [prompt, setPrompt] = useState(() => suggestions[0] ?? '');
  const transcript = useMemo(() => buildTranscript(entries), [entries]);
  const bottom = useRef<HTMLDivElement>(null);
  const eventCount = useMemo(() => entries.filter((entry) => entry.kind === 'event').length, [entries]);

  useEffect(() => {
    if (transport === 'ws') connectWebSocket();
  }, [transport]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the newest line as the reply streams
  useEffect(() => {
    // Braces matter: newer Chromium returns a promise from scrollIntoView, which React would take for a cleanup.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [transcript]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (prompt.trim()) void sendPrompt(prompt.trim());
  };
  const ready = transport === 'ws' ? status === 'connected' : status !== 'streaming' && httpAvailable !== false;

  return (
    <div className="split try-it">
      <div className="panel">
        <div className="panel-header">
          <h2>Try it</h2>
        </div>
        <form className="panel-body stack" onSubmit={submit}>
          <p className="muted" style={{ margin: 0 }}>
            A built-in client of this engine: it connects like your frontend would, so its traffic shows up in
            Connections too.
          </p>
          <label className="field">
            Transport
            <select
              aria-label="Transport"
              value={transport}
              onChange={(event) => useTryItStore.setState({ transport: event.target.value as TryItTransport })}
            >
              <option value="ws">WebSocket {pathOf(wsUrl) ?? '(none)'}</option>
              <option value="http">HTTP POST {agentPath} (Server-Sent Events)</option>
            </select>
          </label>
          {transport === 'http' && agents && agents.length > 1 && (
            <label className="field">
              Agent
              <select
                aria-label="Agent"
                value={agentUrl ?? defaultAgentUrl ?? ''}
                onChange={(event) => useTryItStore.setState({ agentUrl: event.target.value, httpAvailable: null })}
              >
                {agents
                  .filter((agent) => agent.url)
                  .map((agent) => (
                    <option key={agent.id} value={agent.url ?? ''}>
                      {agent.path}
                      {agent.name ? ` — ${agent.name}` : ''}
                    </option>
                  ))}
              </select>
            </label>
          )}
          {transport === 'http' && httpAvailable === false && (
            <div className="notice warning">This engine does not serve POST {agentPath}. Use WebSocket.</div>
          )}
          {transport === 'ws' && (
            <div className="row">
              <span className={`dot ${status === 'connected' ? 'ok' : status === 'connecting' ? 'warn' : ''}`} />
              <span data-testid="try-it-status">{status}</span>
              <span className="spacer" />
              {status === 'connected' ? (
                <button type="button" onClick={disconnectWebSocket}>
                  Disconnect
                </button>
              ) : (
                <button type="button" onClick={connectWebSocket} disabled={status === 'connecting'}>
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
              aria-label="Prompt"
              rows={3}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
              }}
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
            <button type="submit" className="primary" disabled={!ready || !prompt.trim()}>
              {status === 'streaming' ? 'Streaming…' : 'Send prompt'}
            </button>
            <span className="faint">
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
            </span>
          </div>
        </form>
      </div>
      <div className="panel">
        <div className="panel-header">
          <h2>Conversation</h2>
          <span className="badge">{eventCount} events</span>
          <span className="spacer" />
          <button type="button" onClick={clearTranscript} disabled={entries.length === 0}>
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
                <TranscriptItemView key={item.key} item={item} socketOpen={status === 'connected'} />
              ))}
              <div ref={bottom} />
            </div>
          )}
        </ScrollRegion>
      </div>
    </div>
  );
}

/** The path of an endpoint's URL, for labels. */
function pathOf(url: string | null): string | null {
  return url ? new URL(url).pathname : null;
}
