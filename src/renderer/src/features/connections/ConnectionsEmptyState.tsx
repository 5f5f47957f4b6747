import { showView } from '../../stores/navigation-store';
import { useServerStore } from '../../stores/server-store';
import { shellQuote } from '../requests/curl';
import { Snippet } from './Snippet';

/** No client yet: how to connect one, with snippets for this engine's real addresses. */
export function ConnectionsEmptyState() {
  const info = useServerStore((state) => state.info);
  if (!info) return null;
  const { ws, http } = info.urls;
  // Terminal clients verify the certificate: hand them the engine's, as their CA.
  const ca = info.tls ? shellQuote(info.tls.certFile) : undefined;
  const browser = [
    `const ws = new WebSocket('${ws}');`,
    `ws.onmessage = (e) => console.log(JSON.parse(e.data));`,
    `ws.onopen = () => ws.send(JSON.stringify({`,
    `  threadId: 'thread-1',`,
    `  messages: [{ role: 'user', content: 'Start inspectie bij Restaurant Bella Rosa' }],`,
    `}));`,
  ].join('\n');
  return (
    <div className="teach" data-testid="connections-empty">
      <h2>No client has connected yet</h2>
      <p className="muted">
        Point your AG-UI frontend at the WebSocket address below. Every connection shows up here live, with each frame
        it sends and receives — and you can push events into it by hand.
      </p>
      <h3>From a browser console or your app</h3>
      <Snippet label="browser snippet" code={browser} />
      <h3>From a terminal</h3>
      <Snippet label="wscat command" code={`npx wscat ${ca ? `--ca ${ca} ` : ''}-c ${ws}`} />
      <h3>The REST API is here too</h3>
      <Snippet label="curl command" code={`curl ${ca ? `--cacert ${ca} ` : ''}${http}/users/me`} />
      <div className="row">
        <span className="muted">No frontend at hand?</span>
        <button type="button" className="primary" onClick={() => showView('try-it')}>
          Try it with the built-in client
        </button>
      </div>
    </div>
  );
}
