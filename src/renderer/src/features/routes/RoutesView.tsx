import type { Mount } from '../../../../shared/mounts/mount-sections';
import { showRequestsAnsweredBy } from '../../stores/console-sync';
import {
  NEW_ITEM,
  ROUTES_VIEW_PARTS,
  type RoutesViewPart,
  showMount,
  startNewMount,
  useMountEditorStore,
} from '../../stores/mount-editor-store';
import { useMountsStore } from '../../stores/mounts-store';
import { useRequestsStore } from '../../stores/requests-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ListHeader } from '../../ui/ListHeader';
import { panelId, TabList, tabId } from '../../ui/TabList';
import { MountEditor } from './MountEditor';
import { MountTable } from './MountTable';
import { MOUNT_COLUMNS } from './mount-columns';
import { MOUNT_KINDS } from './mount-kinds';
import { OpenApiImportPanel } from './OpenApiImportPanel';
import { PacksPanel } from './PacksPanel';
import { RouteForm } from './RouteForm';
import { useLiveRequestCounts } from './use-live-request-counts';

const PART_TITLES: Record<RoutesViewPart, string> = {
  routes: 'HTTP routes',
  collections: 'Collections',
  staticFolders: 'Static folders',
  sockets: 'WebSocket endpoints',
  agents: 'Agents',
  packs: 'Packs',
};

const EMPTY: Record<Exclude<RoutesViewPart, 'packs'>, string> = {
  routes:
    'No routes yet. A route is a method, a path and the responses it gives — add one, create one from a logged ' +
    'request, or import an OpenAPI document.',
  collections:
    'No collections. A collection is a list of JSON records with a REST API of its own (list, get, create, ' +
    'replace, patch, delete); its records are edited in State.',
  staticFolders: 'No static folders. A static folder serves the files of a folder under a path (/static).',
  sockets:
    'No WebSocket endpoints of the workspace’s own (a pack may bring some: see Packs). An endpoint at a ' +
    'path plays scenarios as AG-UI, echoes messages, pushes frames on a timer or answers them by rules.',
  agents: 'No agents. An agent answers AG-UI runs over HTTP (POST a RunAgentInput, get SSE) at its path.',
};

/**
 * Everything mounted on the port: HTTP routes with a form and the JSON; collections (their definitions: records are
 * in State), static folders, WebSocket endpoints and agents as JSON with schema help; and the packs — in match order.
 */
export function RoutesView() {
  const part = useMountEditorStore((state) => state.routesPart);
  const sections = useMountsStore((state) => state.sections);
  const packs = useMountsStore((state) => state.packs);
  // How many requests each mount served, as the engine's log holds them.
  useLiveRequestCounts();
  const tabs = ROUTES_VIEW_PARTS.map((name) => {
    const count = name === 'packs' ? packs?.items.filter((pack) => pack.enabled).length : sections[name].length;
    return {
      name,
      title: (
        <>
          {PART_TITLES[name]}
          {count !== undefined && <span className="count">{count}</span>}
        </>
      ),
    };
  });
  return (
    <div className="routes-view">
      <TabList
        group="mounts"
        label="Kinds of mount"
        className="tabs"
        tabs={tabs}
        selected={part}
        onSelect={(next) => useMountEditorStore.setState({ routesPart: next })}
      />
      <div className="routes-part" role="tabpanel" id={panelId('mounts', part)} aria-labelledby={tabId('mounts', part)}>
        {part === 'packs' ? <PacksPanel /> : <MountsPart part={part} />}
      </div>
    </div>
  );
}

function MountsPart({ part }: { part: Exclude<RoutesViewPart, 'packs'> }) {
  const items = useMountsStore((state) => state.sections[part]) as readonly Mount[];
  const loaded = useMountsStore((state) => state.loaded[part]);
  const loadError = useMountsStore((state) => state.loadErrors[part] ?? null);
  const selectedId = useMountEditorStore((state) => state.selected[part]);
  const importing = useMountEditorStore((state) => part === 'routes' && state.importing);
  const kind = MOUNT_KINDS[part];
  const selected = items.find((item) => item.id === selectedId) ?? null;
  const creating = selectedId === NEW_ITEM;
  return (
    <div className="split routes-split">
      <div className="panel">
        <ListHeader
          title={PART_TITLES[part]}
          count={items.length}
          newLabel={`+ New ${kind.noun}`}
          onNew={() => {
            useMountEditorStore.setState({ importing: false });
            if (!creating) startNewMount(part, kind.newItem(items as never));
          }}
          form={() => document.querySelector('.routes-split .mount-editor')}
        >
          {part === 'routes' && (
            <button type="button" onClick={() => useMountEditorStore.setState({ importing: true })}>
              Import OpenAPI…
            </button>
          )}
        </ListHeader>
        <ErrorNotice error={loadError} />
        {!loaded ? (
          <div className="empty">
            <span className="spinner" /> Loading {kind.plural}…
          </div>
        ) : items.length === 0 ? (
          <div className="empty">{EMPTY[part]}</div>
        ) : (
          <MountTable
            section={part}
            items={items as never}
            selectedId={selectedId}
            columns={MOUNT_COLUMNS[part] as never}
          />
        )}
      </div>
      {importing ? (
        <OpenApiImportPanel />
      ) : selected || creating ? (
        <MountPartEditor key={`${part}:${selected?.id ?? NEW_ITEM}`} part={part} item={selected} />
      ) : (
        <div className="panel">
          <div className="empty">
            Pick one of the {kind.plural} to edit it, or add one. They are tried in the order of the list (move them
            with ↑ ↓); the first that answers a request wins.
          </div>
        </div>
      )}
    </div>
  );
}

function MountPartEditor({ part, item }: { part: Exclude<RoutesViewPart, 'packs'>; item: Mount | null }) {
  const routeTab = useMountEditorStore((state) => state.routeTab);
  const served = useRequestsStore((state) =>
    item && MOUNT_KINDS[part].logKind ? (state.counts[`${MOUNT_KINDS[part].logKind}:${item.id}`] ?? 0) : null,
  );
  return (
    <MountEditor
      section={part}
      item={item as never}
      {...(part === 'routes' && {
        form: (props) => <RouteForm route={props.value} onChange={props.onChange} problems={props.problems} />,
        tab: routeTab,
        onTab: (tab) => useMountEditorStore.setState({ routeTab: tab }),
      })}
      actions={
        item && (
          <>
            {part === 'collections' && (
              <button type="button" onClick={() => showMount({ kind: 'collection', id: item.id })}>
                Records in State
              </button>
            )}
            {served !== null && (
              <button
                type="button"
                onClick={() => void showRequestsAnsweredBy(`${MOUNT_KINDS[part].logKind}:${item.id}`)}
                title="The logged requests it answered, in Requests"
              >
                Requests ({served})
              </button>
            )}
          </>
        )
      }
    />
  );
}
