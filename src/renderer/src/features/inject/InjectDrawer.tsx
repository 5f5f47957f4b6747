import { useMemo, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import { useConnectionsStore } from '../../stores/connections-store';
import { DeliveryControls } from '../connections/DeliveryControls';
import { CloseConnectionForm } from './CloseConnectionForm';
import { EventComposer } from './EventComposer';
import { MacroPanel } from './MacroPanel';

const TABS = [
  ['event', 'Event'],
  ['macros', 'Macros'],
  ['socket', 'Socket'],
] as const;
type Tab = (typeof TABS)[number][0];

/** Provoke any situation by hand: events, macros, delivery delays, closing. */
export function InjectDrawer({ connection, onClose }: { connection: ConnectionSummary; onClose(): void }) {
  const [tab, setTab] = useState<Tab>('event');
  const byId = useConnectionsStore((state) => state.byId);
  const openCount = useMemo(() => Object.values(byId).filter((c) => c.state === 'open').length, [byId]);
  return (
    <aside className="panel drawer" aria-label="Inject" data-testid="inject-drawer">
      <div className="panel-header">
        <h2>Inject</h2>
        {connection.state !== 'open' && <span className="badge">connection {connection.state}</span>}
        <span className="spacer" />
        <button type="button" className="ghost small" onClick={onClose} aria-label="Close inject drawer">
          ✕
        </button>
      </div>
      <div className="tabs" role="tablist">
        {TABS.map(([name, title]) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>
            {title}
          </button>
        ))}
      </div>
      {/* Hidden, not unmounted: what was typed in one tab survives a look at another. */}
      <div hidden={tab !== 'event'}>
        <EventComposer connection={connection} openCount={openCount} />
      </div>
      <div hidden={tab !== 'macros'}>
        <MacroPanel connectionId={connection.id} />
      </div>
      <div hidden={tab !== 'socket'}>
        <section>
          <h2>Delivery</h2>
          <DeliveryControls connection={connection} />
        </section>
        <CloseConnectionForm connection={connection} />
      </div>
    </aside>
  );
}
