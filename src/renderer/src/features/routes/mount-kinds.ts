import type { z } from 'zod';
import { AgentSchema } from '../../../../shared/mounts/agent';
import { CollectionSchema } from '../../../../shared/mounts/collection';
import { UniqueIds } from '../../../../shared/mounts/mount-ids';
import type { Mount, MountSection } from '../../../../shared/mounts/mount-sections';
import { RouteSchema } from '../../../../shared/mounts/route';
import { SocketEndpointSchema } from '../../../../shared/mounts/socket-endpoint';
import { StaticFolderSchema } from '../../../../shared/mounts/static-folder';
import { isRecord } from './route-form-values';

/** What the console knows about each kind of mount: names, the schema it checks as you type, a new one to start from. */
export interface MountKind<S extends MountSection = MountSection> {
  /** "Route", "Static folder": a label of its own. */
  singular: string;
  /** "route", "WebSocket endpoint": inside a sentence. */
  noun: string;
  /** The noun's indefinite article ("an agent"). */
  article: 'a' | 'an';
  /** "routes", "static folders". */
  plural: string;
  /** The `kind` of the mount in the request log (what answered), for kinds that answer HTTP requests. */
  logKind?: 'route' | 'collection' | 'static' | 'agent';
  schema: z.ZodType;
  /** A sensible new one, with an id and path not taken yet. */
  newItem(existing: readonly Mount<S>[]): Record<string, unknown>;
  /** What the editor shows of a stored one (a collection's records are edited in their own table). */
  toDraft?(item: Mount<S>): unknown;
  /** What is saved from the editor's value (a collection keeps its records as they are now). */
  fromDraft?(value: unknown, item: Mount<S> | null): unknown;
}

/** An id, and a path named after it, that no mount of the list has yet. */
function freshIdAndPath(existing: readonly { id: string; path: string }[], base: string) {
  const taken = new UniqueIds([...existing.map((item) => item.id), ...existing.map((item) => item.path.slice(1))]);
  const id = taken.take(base);
  return { id, path: `/${id}` };
}

export const MOUNT_KINDS: { [S in MountSection]: MountKind<S> } = {
  routes: {
    singular: 'Route',
    noun: 'route',
    article: 'a',
    plural: 'routes',
    logKind: 'route',
    schema: RouteSchema,
    newItem: (existing) => {
      const { id, path } = freshIdAndPath(existing, 'new-route');
      return {
        id,
        name: 'New route',
        method: 'GET',
        path,
        responses: [{ id: 'ok', status: 200, body: { json: { message: 'Hello from the mock' } } }],
      };
    },
  },
  collections: {
    singular: 'Collection',
    noun: 'collection',
    article: 'a',
    plural: 'collections',
    logKind: 'collection',
    schema: CollectionSchema,
    newItem: (existing) => ({ ...freshIdAndPath(existing, 'items'), idField: 'id', idType: 'integer' }),
    toDraft: ({ records: _records, ...definition }) => definition,
    fromDraft: (value, item) =>
      isRecord(value) && !('records' in value) ? { ...value, records: item?.records ?? [] } : value,
  },
  staticFolders: {
    singular: 'Static folder',
    noun: 'static folder',
    article: 'a',
    plural: 'static folders',
    logKind: 'static',
    schema: StaticFolderSchema,
    newItem: (existing) => ({ ...freshIdAndPath(existing, 'static'), folder: 'public', index: 'index.html' }),
  },
  sockets: {
    singular: 'WebSocket endpoint',
    noun: 'WebSocket endpoint',
    article: 'a',
    plural: 'WebSocket endpoints',
    schema: SocketEndpointSchema,
    newItem: (existing) => ({
      ...freshIdAndPath(existing, 'socket'),
      behaviour: { type: 'agui', scenarios: '*', whileRunning: 'queue' },
    }),
  },
  agents: {
    singular: 'Agent',
    noun: 'agent',
    article: 'an',
    plural: 'agents',
    logKind: 'agent',
    schema: AgentSchema,
    newItem: (existing) => ({ ...freshIdAndPath(existing, 'agent'), scenarios: '*' }),
  },
};
