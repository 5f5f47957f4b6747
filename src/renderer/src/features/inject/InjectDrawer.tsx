import { useRef } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import {
  type InjectTab,
  injectDrawerTab,
  setInjectDrawerTab,
  useInjectDrawerStore,
} from '../../stores/inject-drawer-store';
import { panelId, TabList, tabId } from '../../ui/TabList';
import { useEscapeToClose } from '../../ui/use-escape';
import { useReturnFocus } from '../../ui/use-return-focus';
import { DeliveryControls } from '../connections/DeliveryControls';
import { CloseConnectionForm } from './CloseConnectionForm';
import { EventComposer } from './EventComposer';
import { MacroPanel } from './MacroPanel';
import { RawFrameComposer } from './RawFrameComposer';

const AGUI_TABS: readonly { name: InjectTab; title: string }[] = [
  { name: 'event', title: 'Event' },
  { name: 'macros', title: 'Macros' },
  { name: 'socket', title: 'Socket' },
];
/** A socket of another protocol (an echo, a feed, rules): AG-UI events would mean nothing to its client. */
const RAW_TABS: readonly { name: InjectTab; title: string }[] = [
  { name: 'frame', title: 'Frame' },
  { name: 'socket', title: 'Socket' },
];

/**
 * Provoke any situation by hand: events and macros (AG-UI sockets) or raw frames (any other), delivery delays,
 * closing. The drawer runs the full height beside
 * the frames; the shown tab fills it (the event editor grows and shrinks so Send stays in sight) and scrolls on its
 * own. Esc closes it and gives the focus back to what opened it. Its tab is kept with its open state
 * (inject-drawer-store): `shownAgain` as left after another view, it leaves the focus where it is.
 */
export function InjectDrawer({
  connection,
  shownAgain,
  onClose,
}: {
  connection: ConnectionSummary;
  shownAgain: boolean;
  onClose(): void;
}) {
  const raw = connection.protocol === 'raw';
  const tabs = raw ? RAW_TABS : AGUI_TABS;
  const kept = useInjectDrawerStore(injectDrawerTab(connection.id));
  const tab = tabs.find((item) => item.name === kept)?.name ?? (raw ? 'frame' : 'event');
  const drawer = useRef<HTMLElement>(null);
  const group = `inject-${connection.id}`;
  useEscapeToClose(onClose);
  useReturnFocus(drawer, () => document.getElementById(tabId(group, tab)), shownAgain);
  const panel = (name: InjectTab) => ({
    id: panelId(group, name),
    role: 'tabpanel',
    'aria-labelledby': tabId(group, name),
    // Hidden, not unmounted: what was typed in one tab survives a look at another.
    hidden: tab !== name,
  });
  return (
    <section ref={drawer} className="panel drawer" aria-label="Inject" data-testid="inject-drawer">
      <div className="panel-header">
        <h2>Inject</h2>
        {connection.state !== 'open' && <span className="badge">connection {connection.state}</span>}
        <span className="spacer" />
        <button
          type="button"
          className="ghost small"
          onClick={onClose}
          aria-label="Close inject drawer"
          title="Close (Esc)"
        >
          ✕
        </button>
      </div>
      <TabList<InjectTab>
        group={group}
        label="Inject"
        className="tabs"
        tabs={tabs}
        selected={tab}
        onSelect={(name) => setInjectDrawerTab(connection.id, name)}
      />
      {raw ? (
        <div className="drawer-tab" {...panel('frame')}>
          <RawFrameComposer connection={connection} />
        </div>
      ) : (
        <>
          <div className="drawer-tab fill" {...panel('event')}>
            <EventComposer connection={connection} />
          </div>
          <div className="drawer-tab fill" {...panel('macros')}>
            <MacroPanel connection={connection} />
          </div>
        </>
      )}
      <div className="drawer-tab" {...panel('socket')}>
        <section>
          <h2>Delivery</h2>
          <DeliveryControls connection={connection} />
        </section>
        <CloseConnectionForm connection={connection} />
      </div>
    </section>
  );
}
