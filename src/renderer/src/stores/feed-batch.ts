import type { AgoraChange } from '../../../shared/agora-model';
import type { ConnectionSummary, FrameRecord } from '../../../shared/connections';
import type { FeedItem } from '../../../shared/control-api';
import type { CollectionChange } from '../../../shared/mounts/collection-change';
import type { RequestSummary } from '../../../shared/request-log';
import type { ServerSettings } from '../../../shared/settings';
import type { WorkspaceStatus, WorldSection } from '../../../shared/workspace';

/** One feed batch sorted by the store it goes to, so each store is updated once per batch. */
export interface SortedBatch {
  /** Latest summary per connection in this batch. */
  connections: Map<string, ConnectionSummary>;
  /** Closed connections the engine no longer keeps. */
  removedConnections: Set<string>;
  /** New frames per connection, in arrival order. */
  frames: Map<string, FrameRecord[]>;
  requests: RequestSummary[];
  stateChanges: AgoraChange[];
  /** Sections of mounts to load again (`*`: every one, a workspace loaded). */
  mountSections: Set<WorldSection | '*'>;
  /** Record changes, in order. */
  collectionChanges: CollectionChange[];
  scenariosChanged: boolean;
  payloadsChanged: boolean;
  settings: ServerSettings | null;
  workspace: WorkspaceStatus | null;
}

export function sortBatch(items: readonly FeedItem[]): SortedBatch {
  const sorted: SortedBatch = {
    connections: new Map(),
    removedConnections: new Set(),
    frames: new Map(),
    requests: [],
    stateChanges: [],
    mountSections: new Set(),
    collectionChanges: [],
    scenariosChanged: false,
    payloadsChanged: false,
    settings: null,
    workspace: null,
  };
  for (const item of items) {
    switch (item.type) {
      case 'connection-opened':
      case 'connection-updated':
      case 'connection-closed':
        sorted.connections.set(item.connection.id, item.connection);
        break;
      case 'connection-removed':
        sorted.connections.delete(item.connectionId);
        sorted.removedConnections.add(item.connectionId);
        break;
      case 'frame': {
        const list = sorted.frames.get(item.connectionId);
        if (list) list.push(item.frame);
        else sorted.frames.set(item.connectionId, [item.frame]);
        break;
      }
      case 'request':
        sorted.requests.push(item.request);
        break;
      case 'state-changed':
        sorted.stateChanges.push(item.change);
        break;
      case 'mounts-changed':
        sorted.mountSections.add(item.section);
        break;
      case 'collection-changed':
        sorted.collectionChanges.push(item.change);
        break;
      case 'scenarios-changed':
        sorted.scenariosChanged = true;
        break;
      case 'payloads-changed':
        sorted.payloadsChanged = true;
        break;
      case 'settings-changed':
        sorted.settings = item.settings;
        break;
      case 'workspace-changed':
        sorted.workspace = item.status;
        break;
    }
  }
  return sorted;
}
