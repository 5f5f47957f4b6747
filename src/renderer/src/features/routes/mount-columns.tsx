import type { MountSection } from '../../../../shared/mounts/mount-sections';
import type { MountColumn } from './MountTable';

/** The columns each section's table shows, besides its order, on/off, served and move buttons. */
export const MOUNT_COLUMNS: { [S in Exclude<MountSection, 'collections'>]: readonly MountColumn<S>[] } = {
  routes: [
    { header: 'Method', cell: (route) => <span className="method">{route.method}</span> },
    { header: 'Path', cell: (route) => <span className="mono">{route.path}</span>, primary: true },
    { header: 'Name', cell: (route) => route.name ?? <span className="faint">{route.id}</span> },
    { header: 'Responses', cell: (route) => route.responses.length, className: 'number' },
  ],
  staticFolders: [
    { header: 'Path', cell: (folder) => <span className="mono">{folder.path}</span>, primary: true },
    { header: 'Name', cell: (folder) => folder.name ?? <span className="faint">{folder.id}</span> },
    { header: 'Folder', cell: (folder) => <span className="mono">{folder.folder}</span> },
  ],
  sockets: [
    { header: 'Path', cell: (socket) => <span className="mono">{socket.path}</span>, primary: true },
    { header: 'Name', cell: (socket) => socket.name ?? <span className="faint">{socket.id}</span> },
    { header: 'Behaviour', cell: (socket) => socket.behaviour.type },
  ],
  agents: [
    { header: 'Path', cell: (agent) => <span className="mono">{agent.path}</span>, primary: true },
    { header: 'Name', cell: (agent) => agent.name ?? <span className="faint">{agent.id}</span> },
    {
      header: 'Scenarios',
      cell: (agent) => (agent.scenarios === '*' ? 'all' : agent.scenarios.join(', ')),
    },
  ],
};
