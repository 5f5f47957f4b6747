import { type FormEvent, useState } from 'react';
import { rememberToken, tokenFromPaste } from '../../api/console-token';
import { connectWithToken } from '../../stores/console-sync';
import { useServerStore } from '../../stores/server-store';

const HEADINGS = {
  resolving: 'Connecting to the engine…',
  'no-token': 'This console needs its token',
  unauthorized: 'This token is not accepted',
  unreachable: 'The engine cannot be reached',
  ready: '',
} as const;

/** Shown until the console may talk to the engine: explains where the token comes from. */
export function AccessScreen() {
  const access = useServerStore((state) => state.access);
  const problem = useServerStore((state) => state.accessProblem);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = tokenFromPaste(token);
    if (!value) return;
    setBusy(true);
    rememberToken(value);
    await connectWithToken(window.location.origin, value);
    setBusy(false);
  };
  if (access === 'resolving')
    return (
      <main className="gate">
        <h1>
          <span className="spinner" /> {HEADINGS.resolving}
        </h1>
      </main>
    );
  return (
    <main className="gate" data-testid="access-screen">
      <h1>{HEADINGS[access]}</h1>
      {problem && <div className="notice error">{problem}</div>}
      {access === 'unreachable' ? (
        <p>Is the engine still running? Start it again and reload this page.</p>
      ) : (
        <>
          <p>
            The console only talks to the engine with the token the engine made when it started. Open the console with
            the URL it printed, which carries the token after <code>#token=</code>:
          </p>
          <pre>
            $ npx agui-mock serve{'\n'}
            {'  '}Console: http://127.0.0.1:8000/__console/#token=…
          </pre>
          <p className="muted">In the desktop app the console gets its token by itself.</p>
        </>
      )}
      <form className="row" onSubmit={submit}>
        <input
          className="spacer"
          aria-label="Console token or URL"
          placeholder="Paste the token or the whole console URL"
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          {busy ? 'Checking…' : 'Open console'}
        </button>
      </form>
    </main>
  );
}
