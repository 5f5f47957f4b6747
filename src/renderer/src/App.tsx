import { useMemo } from 'react';
import { CopyableAddress } from './CopyableAddress';
import { engineAddress } from './engine-address';

export function App() {
  const address = useMemo(() => engineAddress(window.location), []);
  return (
    <main className="start">
      <h1>AG-UI Mock Console</h1>
      <p className="lead">The mock AG-UI backend is running. Point your client at it:</p>
      <dl className="addresses">
        <dt>HTTP</dt>
        <dd>
          <CopyableAddress label="HTTP address" value={address.http} />
        </dd>
        <dt>WebSocket</dt>
        <dd>
          <CopyableAddress label="WebSocket address" value={address.ws} />
        </dd>
      </dl>
      <p>
        Try it: <code>curl {address.http}/health</code>
      </p>
    </main>
  );
}
