import { useState } from 'react';
import { api } from '../../api/control-client';
import { useServerStore } from '../../stores/server-store';
import { useAction } from '../../ui/use-action';
import { WorkspacePanel } from '../workspace/WorkspacePanel';

/**
 * The workspace file's name (opens the workspace panel), whether it has unsaved changes (for a world in memory only:
 * whether it was changed in the console) or is being saved (a big workspace takes a moment), and a quick save.
 */
export function WorkspaceStatusItem() {
  const workspace = useServerStore((state) => state.workspace);
  const [open, setOpen] = useState(false);
  const save = useAction(async () => useServerStore.setState({ workspace: await api.saveWorkspace() }));
  if (!workspace) return null;
  const problem = save.error ?? workspace.conflict?.message ?? workspace.error?.message ?? null;
  return (
    <span
      className="status-item workspace-status"
      data-testid="workspace-status"
      title={workspace.path ?? 'In memory only: nothing is saved'}
    >
      <button
        type="button"
        className="ghost workspace-name"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen(!open)}
      >
        {workspace.name} ▾
      </button>
      {workspace.saving ? (
        <span className="badge" role="status" title={`Writing ${workspace.path ?? 'the workspace'}`}>
          saving…
        </span>
      ) : workspace.edited && !workspace.path ? (
        // Clients' writes to an untitled world are nothing a person would lose; what they made in the console is.
        <span
          className="badge warn"
          title="Changed in the console and kept in memory only: save it to a file (click the name) to keep it"
        >
          edited
        </span>
      ) : (
        workspace.dirty && (
          <span className="badge warn" title="Changes not yet written to the file">
            unsaved
          </span>
        )
      )}
      {!workspace.path && <span className="badge">in memory</span>}
      {workspace.dirty && workspace.path && !workspace.autosave && (
        <button type="button" className="small" disabled={save.busy || workspace.saving} onClick={() => save.run()}>
          {save.busy || workspace.saving ? 'Saving…' : 'Save'}
        </button>
      )}
      {problem && (
        <span className="badge danger" title={problem}>
          {workspace.conflict ? 'conflict' : 'problem'}
        </span>
      )}
      {open && <WorkspacePanel workspace={workspace} onClose={() => setOpen(false)} />}
    </span>
  );
}
