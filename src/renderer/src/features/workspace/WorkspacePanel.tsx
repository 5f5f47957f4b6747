import { useId, useRef, useState } from 'react';
import { WORKSPACE_TEMPLATES, type WorkspaceStatus, type WorkspaceTemplate } from '../../../../shared/workspace';
import { withOtherProblems } from '../../api/api-error';
import { api } from '../../api/control-client';
import { useServerStore } from '../../stores/server-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatDateTime } from '../../ui/format';
import { useAction } from '../../ui/use-action';
import { useEscapeToClose } from '../../ui/use-escape';
import { useReturnFocus } from '../../ui/use-return-focus';
import { downloadWorkspace } from './workspace-download';
import { importWorkspaceUpload } from './workspace-upload';

const TEMPLATE_LABELS: Record<WorkspaceTemplate, string> = {
  agora: 'AGORA (users, sessions, the four demo flows)',
  'agora-real': "AGORA with its real servers' contract",
  generic: 'Generic AG-UI demo',
  dojo: "The AG-UI Dojo's seven feature endpoints",
  blank: 'Blank (one example route)',
  echo: 'Echo server (every path: "Server echoes: …")',
  'fastapi-tutorial': 'FastAPI tutorial server (REST and three sockets)',
};

type Form = 'none' | 'open' | 'save-as' | 'new';

const applied = (status: WorkspaceStatus) => useServerStore.setState({ workspace: status });

/**
 * Changes made in the console to a world living only in memory are lost when another world replaces it: ask first.
 * What clients did to it (runs recorded, REST writes) is not asked about.
 */
function mayReplace(workspace: WorkspaceStatus): boolean {
  if (!workspace.edited || workspace.path) return true;
  return window.confirm(
    'This workspace lives only in memory and was changed in the console. Replace it and lose those changes?',
  );
}

/**
 * Everything about the workspace file: where it is, whether it is saved, and new / open / save as / export /
 * import / recent. In the desktop app the paths come from native dialogs; in a browser they are typed.
 */
export function WorkspacePanel({ workspace, onClose }: { workspace: WorkspaceStatus; onClose(): void }) {
  const [form, setForm] = useState<Form>('none');
  const [path, setPath] = useState('');
  const [template, setTemplate] = useState<WorkspaceTemplate>('agora');
  const upload = useRef<HTMLInputElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const pathId = useId();
  const titleId = useId();
  const desktop = window.desktop;
  useEscapeToClose(onClose);
  useReturnFocus(panel);

  const action = useAction(async (work: () => Promise<WorkspaceStatus | undefined>) => {
    const status = await work();
    if (status) applied(status);
    setForm('none');
  });
  const run = (work: () => Promise<WorkspaceStatus | undefined>) => void action.run(work);
  /** The workspace's own trouble (its file could not be saved or read): shown until it is resolved. */
  const statusError = workspace.error
    ? withOtherProblems(workspace.error.message, workspace.error.otherProblems)
    : null;

  const submit = () => {
    const target = path.trim();
    if (form === 'open' && target) run(() => api.openWorkspace(target));
    if (form === 'save-as' && target) run(() => api.saveWorkspaceAs(target));
    if (form === 'new') run(() => api.newWorkspace(template, target || undefined));
  };

  const browse = async (mode: 'open' | 'save') => {
    const chosen = await desktop?.chooseWorkspaceFile(mode, workspace.name);
    if (chosen) setPath(chosen);
  };

  const show = (next: Form) => {
    if ((next === 'open' || next === 'new') && !mayReplace(workspace)) return;
    action.clearError();
    setPath(next === 'save-as' ? (workspace.path ?? '') : '');
    setForm(next);
  };

  return (
    <div
      ref={panel}
      className="workspace-panel panel"
      role="dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid="workspace-panel"
    >
      <div className="panel-header row">
        <h2 className="spacer" id={titleId}>
          Workspace
        </h2>
        <button type="button" className="ghost small" onClick={onClose} aria-label="Close workspace panel">
          ✕
        </button>
      </div>
      <div className="panel-body stack">
        <dl className="workspace-facts">
          <dt>Name</dt>
          <dd>{workspace.name}</dd>
          <dt>File</dt>
          <dd data-testid="workspace-path">{workspace.path ?? 'none — the world lives in memory until saved'}</dd>
          <dt>Saved</dt>
          <dd>
            {workspace.lastSavedAt ? formatDateTime(workspace.lastSavedAt) : 'never'}
            {workspace.dirty ? ' · unsaved changes' : ''}
            {workspace.path ? (workspace.autosave ? ' · autosave on' : ' · autosave paused') : ''}
          </dd>
        </dl>
        <ErrorNotice error={statusError} />
        {workspace.conflict && (
          <div className="notice warning stack" role="alert">
            <span>{workspace.conflict.message}</span>
            <span className="row">
              <button type="button" className="small" onClick={() => run(() => api.saveWorkspace())}>
                Keep mine (save over it)
              </button>
              {workspace.path && (
                <button
                  type="button"
                  className="small"
                  onClick={() => run(() => api.openWorkspace(workspace.path as string))}
                >
                  Take theirs (reload the file)
                </button>
              )}
            </span>
          </div>
        )}
        <div className="row">
          {workspace.path && (
            <button type="button" className="primary" disabled={action.busy} onClick={() => run(api.saveWorkspace)}>
              Save
            </button>
          )}
          <button type="button" onClick={() => show('save-as')}>
            Save as…
          </button>
          <button type="button" onClick={() => show('open')}>
            Open…
          </button>
          <button type="button" onClick={() => show('new')}>
            New…
          </button>
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              run(async () => {
                downloadWorkspace(await api.exportWorkspace());
                return undefined;
              })
            }
          >
            Export
          </button>
          <button type="button" disabled={action.busy} onClick={() => mayReplace(workspace) && upload.current?.click()}>
            Import…
          </button>
          <input
            ref={upload}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="workspace-import"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) run(() => importWorkspaceUpload(file));
            }}
          />
        </div>
        {form !== 'none' && (
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            {form === 'new' && (
              <label className="field">
                Template
                <select value={template} onChange={(event) => setTemplate(event.target.value as WorkspaceTemplate)}>
                  {WORKSPACE_TEMPLATES.map((name) => (
                    <option key={name} value={name}>
                      {TEMPLATE_LABELS[name]}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label className="field" htmlFor={pathId}>
              {form === 'open' ? 'File to open' : form === 'new' ? 'Save to (optional)' : 'Save to'}
            </label>
            <span className="row">
              <input
                id={pathId}
                className="spacer"
                value={path}
                placeholder="/path/to/mock.agui.json"
                onChange={(event) => setPath(event.target.value)}
                // biome-ignore lint/a11y/noAutofocus: the form opens because the user asked for it
                autoFocus
              />
              {desktop && (
                <button type="button" onClick={() => void browse(form === 'open' ? 'open' : 'save')}>
                  Browse…
                </button>
              )}
            </span>
            <span className="field-hint">A path on the machine the engine runs on.</span>
            <span className="row">
              <button type="submit" className="primary" disabled={action.busy || (form !== 'new' && !path.trim())}>
                {action.busy ? 'Working…' : form === 'open' ? 'Open' : form === 'new' ? 'Create' : 'Save'}
              </button>
              <button type="button" className="ghost" onClick={() => setForm('none')}>
                Cancel
              </button>
            </span>
          </form>
        )}
        {/* A save of the workspace's own file that failed is in the status too: said once, there. */}
        <ErrorNotice error={action.error === statusError ? null : action.error} onDismiss={action.clearError} />
        {workspace.recent.length > 0 && (
          <section className="stack">
            <h3>Recent</h3>
            <ul className="workspace-recent">
              {workspace.recent.map((recent) => (
                <li key={recent.path}>
                  <button
                    type="button"
                    className="ghost small"
                    title={`${recent.name}\n${recent.path}`}
                    disabled={recent.path === workspace.path}
                    onClick={() => mayReplace(workspace) && run(() => api.openWorkspace(recent.path))}
                  >
                    <span className="recent-name">{recent.name}</span> <span className="faint">{recent.path}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
