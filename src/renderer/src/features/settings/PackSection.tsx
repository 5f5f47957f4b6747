import { useEffect, useState } from 'react';
import type { PacksInfo } from '../../../../shared/control-api';
import type { PackName } from '../../../../shared/mounts/pack';
import { api } from '../../api/control-client';
import { useServerStore } from '../../stores/server-store';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useAction } from '../../ui/use-action';
import { useEscapeToClose } from '../../ui/use-escape';

/**
 * Which built-in pack serves: switching one for another asks first. A variant of the same contract (agora-mock ↔
 * agora-real) takes the users and sessions with it; another pack starts from its seed.
 */
export function PackSection() {
  const [packs, setPacks] = useState<PacksInfo | null>(null);
  const [choice, setChoice] = useState<PackName | ''>('');
  const [confirming, setConfirming] = useState(false);
  useEscapeToClose(() => setConfirming(false), confirming);
  const load = useAction(async () => setPacks(await api.packs()));
  const switchPack = useAction(async (next: PackName) => {
    setPacks(await api.putPacks([{ pack: next, enabled: true }]));
    useServerStore.setState({ info: await api.server() });
    setConfirming(false);
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once when the section opens
  useEffect(() => {
    void load.run();
  }, []);
  if (!packs) return <ErrorNotice error={load.error} onDismiss={load.clearError} />;
  const serving = packs.items.map((item) => item.pack);
  const current = serving[0];
  const selected = choice || current || '';
  const title = (name: string) => packs.available.find((pack) => pack.name === name)?.title ?? name;
  return (
    <fieldset className="stack" style={{ border: 'none', padding: 0, margin: 0 }} aria-labelledby="pack-title">
      <h3 id="pack-title">Pack</h3>
      <span className="field-hint">
        The built-in backend contract this workspace mocks. Now: {current ? `${current} — ${title(current)}` : 'none'}.
      </span>
      <ErrorNotice error={switchPack.error} onDismiss={switchPack.clearError} />
      <span className="row">
        <label className="field">
          Serve with
          <select
            value={selected}
            onChange={(event) => {
              setChoice(event.target.value as PackName);
              setConfirming(false);
            }}
          >
            {packs.available.map((pack) => (
              <option key={pack.name} value={pack.name}>
                {pack.name} — {pack.title}
              </option>
            ))}
          </select>
        </label>
        {!confirming ? (
          <button
            type="button"
            disabled={selected === '' || selected === current || serving.length > 1}
            onClick={() => setConfirming(true)}
          >
            Switch…
          </button>
        ) : (
          <>
            <span className="muted">
              Switch to {selected}?{' '}
              {current
                ? 'Users and sessions are kept; the REST contract changes for every client.'
                : 'It starts from its seed data.'}
            </span>
            <button
              type="button"
              className="primary"
              disabled={switchPack.busy}
              onClick={() => void switchPack.run(selected as PackName)}
            >
              Switch
            </button>
            <button type="button" className="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        )}
      </span>
    </fieldset>
  );
}
