import { useRef, useState } from 'react';
import type { OpenApiImportRequest, OpenApiImportResult } from '../../../../shared/control-api';
import { api } from '../../api/control-client';
import { reloadSection } from '../../stores/console-sync';
import { type OpenApiImportDraft, useMountEditorStore } from '../../stores/mount-editor-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FormField } from '../../ui/FormField';
import { formatCount } from '../../ui/format';
import { useAction } from '../../ui/use-action';
import { useEscapeToClose } from '../../ui/use-escape';
import { useReturnFocus } from '../../ui/use-return-focus';

const change = (patch: Partial<OpenApiImportDraft>) =>
  useMountEditorStore.setState((state) => ({ openApiImport: { ...state.openApiImport, ...patch } }));

function requestOf({ document, basePath, replaceAll }: OpenApiImportDraft, dryRun: boolean): OpenApiImportRequest {
  return { document, replaceAll, dryRun, ...(basePath.trim() && { basePath: basePath.trim() }) };
}

/** Route ids as a short list. */
function Ids({ ids }: { ids: readonly string[] }) {
  if (ids.length === 0) return <span className="faint">none</span>;
  return (
    <span className="id-list">
      {ids.map((id) => (
        <code key={id} className="badge">
          {id}
        </code>
      ))}
    </span>
  );
}

/**
 * An OpenAPI 3.0/3.1 document (JSON or YAML, pasted or from a file) as routes: preview what would be added,
 * replaced, kept and removed, and the warnings, then import. Esc closes it; what was given stays until then.
 */
export function OpenApiImportPanel() {
  const draft = useMountEditorStore((state) => state.openApiImport);
  const [preview, setPreview] = useState<{ of: string; result: OpenApiImportResult } | null>(null);
  const [imported, setImported] = useState<OpenApiImportResult | null>(null);
  const panel = useRef<HTMLElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const close = () => useMountEditorStore.setState({ importing: false });
  useEscapeToClose(close);
  useReturnFocus(panel);

  const inputs = JSON.stringify(requestOf(draft, true));
  const current = preview?.of === inputs ? preview.result : null;
  const check = useAction(async () => {
    setImported(null);
    setPreview({ of: inputs, result: await api.importOpenApi(requestOf(draft, true)) });
  });
  const run = useAction(async () => {
    const result = await api.importOpenApi(requestOf(draft, false));
    await reloadSection('routes');
    setImported(result);
    setPreview(null);
  });

  return (
    <section ref={panel} className="panel" aria-label="Import OpenAPI" tabIndex={-1} data-testid="openapi-import">
      <div className="panel-header">
        <h2 className="spacer">Import an OpenAPI document</h2>
        <button type="button" className="ghost small" onClick={close} aria-label="Close the import">
          ✕
        </button>
      </div>
      <div className="panel-body stack">
        <p className="muted">
          Each operation of an OpenAPI 3.0 or 3.1 document becomes a route that validates requests as the real backend
          does, with a response for every documented status. A FastAPI app's <code>/openapi.json</code> imports as it
          is. Routes with the same id are replaced where they stand; the rest are kept.
        </p>
        <div className="row">
          <button type="button" onClick={() => file.current?.click()}>
            Choose a file…
          </button>
          <input
            ref={file}
            type="file"
            accept=".json,.yaml,.yml,application/json,application/yaml"
            hidden
            data-testid="openapi-file"
            onChange={async (event) => {
              const chosen = event.target.files?.[0];
              event.target.value = '';
              if (chosen) change({ document: await chosen.text(), fileName: chosen.name });
            }}
          />
          <span className="faint">{draft.fileName ?? 'or paste the document below'}</span>
        </div>
        <FormField label="Document (JSON or YAML)">
          {(control) => (
            <textarea
              {...control}
              rows={8}
              spellCheck={false}
              placeholder='{"openapi": "3.1.0", "paths": {…}}'
              value={draft.document}
              onChange={(event) => change({ document: event.target.value, fileName: null })}
            />
          )}
        </FormField>
        <div className="row">
          <FormField label="Base path" hint="Put before every path (default: the first server's path)">
            {(control) => (
              <input
                {...control}
                placeholder="/api/v1"
                value={draft.basePath}
                onChange={(event) => change({ basePath: event.target.value })}
              />
            )}
          </FormField>
          <label className="field inline">
            <input
              type="checkbox"
              checked={draft.replaceAll}
              onChange={(event) => change({ replaceAll: event.target.checked })}
            />
            Replace every route (instead of merging by id)
          </label>
        </div>
        <div className="row">
          <button type="button" disabled={!draft.document.trim() || check.busy} onClick={() => check.run()}>
            {check.busy ? 'Reading…' : 'Preview'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={!current || run.busy}
            title={current ? undefined : 'Preview first: see what would change'}
            onClick={() => run.run()}
          >
            {run.busy ? 'Importing…' : 'Import'}
          </button>
        </div>
        <ErrorNotice error={check.error ?? run.error} onDismiss={check.error ? check.clearError : run.clearError} />
        {imported && (
          <div className="notice success" role="status" data-testid="openapi-imported">
            Imported{imported.title ? ` ${imported.title}` : ''}: {formatCount(imported.added.length, 'route')} added,{' '}
            {imported.replaced.length} replaced, {imported.kept.length} kept
            {imported.removed.length > 0 && `, ${imported.removed.length} removed`}. They answer now.
          </div>
        )}
        {current && (
          <section className="stack" aria-label="Preview" data-testid="openapi-preview">
            <h3>Preview{current.title ? ` of ${current.title}` : ''}</h3>
            <dl className="kv import-summary">
              <dt>Added ({current.added.length})</dt>
              <dd>
                <Ids ids={current.added} />
              </dd>
              <dt>Replaced ({current.replaced.length})</dt>
              <dd>
                <Ids ids={current.replaced} />
              </dd>
              <dt>Kept ({current.kept.length})</dt>
              <dd>
                <Ids ids={current.kept} />
              </dd>
              {/* Only "Replace every route" removes routes: named, since the preview is there to show it. */}
              {current.removed.length > 0 && (
                <>
                  <dt>Removed ({current.removed.length})</dt>
                  <dd>
                    <Ids ids={current.removed} />
                  </dd>
                </>
              )}
            </dl>
            <h3>Warnings ({current.warnings.length})</h3>
            {current.warnings.length === 0 ? (
              <span className="faint">None: everything in the document was imported.</span>
            ) : (
              <ul className="import-warnings">
                {[...new Set(current.warnings)].map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            )}
          </section>
        )}
      </div>
    </section>
  );
}
