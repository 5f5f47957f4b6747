import { useMemo } from 'react';
import { useMountsStore } from '../../stores/mounts-store';
import { showView } from '../../stores/navigation-store';
import { useScenariosStore } from '../../stores/scenarios-store';
import { useServerStore } from '../../stores/server-store';
import { agoraServes, useWorldEndpoints } from '../../stores/world-endpoints';
import { shellQuote } from '../requests/curl';
import { promptSuggestions } from '../try-it/prompt-suggestions';
import { connectionSnippets, snippetPrompt } from './connection-snippets';
import { Snippet } from './Snippet';

/** No client yet: how to connect one, with snippets for what this world serves, at its real addresses. */
export function ConnectionsEmptyState() {
  const info = useServerStore((state) => state.info);
  const endpoints = useWorldEndpoints();
  const routes = useMountsStore((state) => state.sections.routes);
  const collections = useMountsStore((state) => state.sections.collections);
  const scenarios = useScenariosStore((state) => state.items);
  const snippets = useMemo(
    () =>
      info &&
      connectionSnippets({
        endpoints,
        routes,
        collections,
        agora: agoraServes(info),
        http: info.urls.http,
        // Terminal clients verify the certificate: hand them the engine's, as their CA.
        ca: info.tls ? shellQuote(info.tls.certFile) : undefined,
        prompt: snippetPrompt(promptSuggestions(scenarios)),
      }),
    [info, endpoints, routes, collections, scenarios],
  );
  if (!snippets) return null;
  const { socket, browser, wscat, agentCurl, restCurl } = snippets;
  const canTry = endpoints.some((endpoint) => endpoint.agui && endpoint.url !== null);
  return (
    <div className="teach" data-testid="connections-empty">
      {/* Where the focus goes when the last connections are cleared from the list this replaces. */}
      <h2 tabIndex={-1} data-item-focus="">
        No client has connected yet
      </h2>
      <p className="muted">
        {socket
          ? `Point your ${socket.agui ? 'AG-UI frontend' : 'client'} at the WebSocket address below.`
          : agentCurl
            ? 'Point your AG-UI frontend at the agent below (HTTP POST, answered with Server-Sent Events).'
            : 'This workspace serves no WebSocket endpoint or agent yet: add one under Routes.'}{' '}
        Every connection shows up here live, with each frame it sends and receives — and you can push events into it by
        hand.
      </p>
      {browser && wscat && (
        <>
          <h3>From a browser console or your app</h3>
          <Snippet label="browser snippet" code={browser} />
          <h3>From a terminal</h3>
          <Snippet label="wscat command" code={wscat} />
        </>
      )}
      {agentCurl && (
        <>
          <h3>A run over HTTP</h3>
          <Snippet label="agent curl command" code={agentCurl} />
        </>
      )}
      {restCurl && (
        <>
          <h3>The REST API is here too</h3>
          <Snippet label="curl command" code={restCurl} />
        </>
      )}
      {canTry && (
        <div className="row">
          <span className="muted">No frontend at hand?</span>
          <button type="button" className="primary" onClick={() => showView('try-it')}>
            Try it with the built-in client
          </button>
        </div>
      )}
    </div>
  );
}
