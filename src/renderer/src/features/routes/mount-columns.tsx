import type { MountSection } from '../../../../shared/mounts/mount-sections';
import type { MountColumn } from './MountTable';

/** A mount's name under its path (its id when it has none), so the table stays narrow. */
const nameOf = (item: { id: string; name?: string | undefined }) => (
  <span className="mount-name">{item.name ?? item.id}</span>
);

/** The columns each section's table shows, besides its order, on/off, served and move buttons. */
export const MOUNT_COLUMNS: { [S in MountSection]: readonly MountColumn<S>[] } = {
  routes: [
    { header: 'Method', cell: (route) => <span className="method">{route.method}</span> },
    {
      header: 'Path',
      cell: (route) => <span className="mono">{route.path}</span>,
      note: nameOf,
      primary: true,
      className: 'path-cell',
    },
  ],
  collections: [
    {
      header: 'Path',
      cell: (collection) => <span className="mono">{collection.path}</span>,
      note: nameOf,
      primary: true,
      className: 'path-cell',
    },
    { header: 'Records', cell: (collection) => collection.records.length, className: 'number' },
  ],
  staticFolders: [
    {
      header: 'Path',
      cell: (folder) => <span className="mono">{folder.path}</span>,
      note: nameOf,
      primary: true,
      className: 'path-cell',
    },
    { header: 'Folder', cell: (folder) => <span className="mono">{folder.folder}</span>, className: 'path-cell' },
  ],
  sockets: [
    {
      header: 'Path',
      cell: (socket) => <span className="mono">{socket.path}</span>,
      note: nameOf,
      primary: true,
      className: 'path-cell',
    },
    { header: 'Behaviour', cell: (socket) => socket.behaviour.type },
  ],
  agents: [
    {
      header: 'Path',
      cell: (agent) => <span className="mono">{agent.path}</span>,
      note: nameOf,
      primary: true,
      className: 'path-cell',
    },
    {
      header: 'Scenarios',
      cell: (agent) => (agent.scenarios === '*' ? 'all' : agent.scenarios.join(', ')),
    },
  ],
};
