import { useState } from 'react';
import { issueWords } from '../../../../shared/issue-words';
import { ApiKeySchema, type GatewayAuth, MAX_API_KEYS } from '../../../../shared/settings';
import { api } from '../../api/control-client';
import { useServerStore } from '../../stores/server-store';
import { useAgoraServes } from '../../stores/world-endpoints';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';

/** The problem with a key typed to add, in words (the engine's own schema), or null when it may be added. */
function keyProblem(key: string, keys: readonly string[]): string | null {
  if (key === '') return null;
  const checked = ApiKeySchema.safeParse(key);
  const [issue] = checked.error?.issues ?? [];
  if (issue) return issueWords(issue);
  if (keys.includes(key)) return 'that key is already listed';
  if (keys.length >= MAX_API_KEYS) return `at most ${MAX_API_KEYS} keys`;
  return null;
}

/**
 * The gateway's API-key check: on/off and the keys, each change applied to the running engine at once (the next
 * request or socket is checked against it). Keys given at launch (`--api-key`) are marked: they are not saved.
 */
export function GatewayAuthSection() {
  const gateway = useServerStore((state) => state.settings?.gatewayAuth);
  const launchKeys = useServerStore((state) => state.info?.launchApiKeys ?? []);
  const agora = useAgoraServes();
  const [draft, setDraft] = useState('');
  /** The checkbox as clicked, until the engine has answered (then its settings say). */
  const [turning, setTurning] = useState<boolean | null>(null);
  const apply = useAction(async (next: GatewayAuth) => {
    const settings = await api.patchSettings({ gatewayAuth: next });
    useServerStore.setState({ settings });
  });
  if (!gateway) return null;
  const problem = keyProblem(draft, gateway.keys);
  const add = () => {
    if (draft === '' || problem) return;
    void apply.run({ ...gateway, keys: [...gateway.keys, draft] }).then((done) => done && setDraft(''));
  };
  return (
    <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0 }} aria-labelledby="gateway-auth-title">
      <h3 id="gateway-auth-title">Gateway API keys</h3>
      <span className="field-hint">
        {agora ? "As the gateway in front of AGORA's servers" : 'As an API gateway'}: every mocked REST request needs{' '}
        <code>X-API-Key</code> (else 401), every mocked WebSocket <code>?token=</code> (else closed 4001
        "Unauthorized"). The console is never affected. Applies at once.
      </span>
      <ErrorNotice error={apply.error} onDismiss={apply.clearError} />
      <label className="field inline">
        <input
          type="checkbox"
          checked={turning ?? gateway.enabled}
          disabled={apply.busy}
          onChange={(event) => {
            setTurning(event.target.checked);
            void apply.run({ ...gateway, enabled: event.target.checked }).finally(() => setTurning(null));
          }}
        />
        Require an API key
      </label>
      {gateway.enabled && gateway.keys.length === 0 && (
        <span className="field-error">No key is listed: every request and socket is refused.</span>
      )}
      <ul className="stack" aria-label="API keys" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {gateway.keys.map((key) => (
          <li key={key} className="row">
            <code>{key}</code>
            <CopyButton value={key} label={`key ${key}`} compact />
            {launchKeys.includes(key) && <span className="badge">from --api-key, not saved</span>}
            <button
              type="button"
              className="ghost small"
              aria-label={`Remove key ${key}`}
              disabled={apply.busy}
              onClick={() => void apply.run({ ...gateway, keys: gateway.keys.filter((other) => other !== key) })}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <label className="field">
        New key
        <span className="row">
          <input
            type="text"
            aria-label="New API key"
            aria-invalid={problem !== null}
            value={draft}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== 'Enter') return;
              // Inside the settings form: Enter adds the key rather than saving the other settings.
              event.preventDefault();
              add();
            }}
          />
          <button type="button" disabled={draft === '' || problem !== null || apply.busy} onClick={add}>
            Add key
          </button>
        </span>
        {problem ? (
          <span className="field-error">{problem}</span>
        ) : (
          <span className="field-hint">Visible ASCII, no spaces; saved in the workspace file (keep it private).</span>
        )}
      </label>
    </fieldset>
  );
}
