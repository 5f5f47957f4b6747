import { useEffect, useMemo, useState } from 'react';
import { type ServerSettings, ServerSettingsPatchSchema } from '../../../../shared/settings';
import { api } from '../../api/control-client';
import { useKeptState } from '../../stores/kept-state';
import { useServerStore } from '../../stores/server-store';
import { DiscardButton } from '../../ui/DiscardButton';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { submitOnSendKey } from '../../ui/send-key';
import { useAction } from '../../ui/use-action';
import { GatewayAuthSection } from './GatewayAuthSection';
import { SETTING_GROUPS } from './setting-fields';
import { settingProblem } from './setting-problems';

const FIELDS = new Map(SETTING_GROUPS.flatMap((group) => group.fields.map((field) => [field.key, field] as const)));

type Drafts = Partial<Record<keyof ServerSettings, string>>;

/** The engine's run-time settings; only what changed is sent, checked with the engine's own schema first. */
export function SettingsView() {
  const settings = useServerStore((state) => state.settings);
  // What is typed and not saved yet outlives a look at another view.
  const { value: drafts, set: setDrafts } = useKeptState<Drafts>('settings', () => ({}));
  const [saved, setSaved] = useState(false);
  const save = useAction(async (patch: Record<string, number | string>) => {
    const next = await api.patchSettings(patch);
    useServerStore.setState({ settings: next });
    setDrafts({});
    setSaved(true);
  });
  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(false), 2000);
    return () => clearTimeout(timer);
  }, [saved]);

  const patch = useMemo(
    () =>
      Object.fromEntries(
        Object.entries(drafts).map(([key, value]) => {
          // Text settings (the agent path) stay text; an empty number field is no number.
          if (FIELDS.get(key as keyof ServerSettings)?.step === 0) return [key, value];
          return [key, value === '' ? Number.NaN : Number(value)];
        }),
      ),
    [drafts],
  );
  const checked = ServerSettingsPatchSchema.safeParse(patch);
  const problems = new Map(
    checked.success
      ? []
      : checked.error.issues.map((issue) => {
          const key = String(issue.path[0] ?? '');
          return [key, settingProblem(issue, FIELDS.get(key as keyof ServerSettings))] as const;
        }),
  );
  const dirty = Object.keys(drafts).length > 0;
  if (!settings) return null;
  return (
    <form
      className="panel"
      style={{ maxWidth: 900, margin: '0 auto', maxHeight: '100%' }}
      onSubmit={(event) => {
        event.preventDefault();
        if (checked.success) void save.run(patch);
      }}
      onKeyDown={submitOnSendKey}
    >
      <div className="panel-header">
        <h2>Settings</h2>
        <span className="faint">Apply at once to the running engine.</span>
        <span className="spacer" />
        {saved && <span className="badge ok">Saved</span>}
        <DiscardButton disabled={!dirty || save.busy} onDiscard={() => setDrafts({})} />
        <button type="submit" className="primary" disabled={!dirty || !checked.success || save.busy}>
          {save.busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      <div className="panel-body stack">
        <ErrorNotice error={save.error} onDismiss={save.clearError} />
        {SETTING_GROUPS.map((group) => (
          <fieldset key={group.title} className="stack" style={{ border: 'none', padding: 0, margin: 0 }}>
            <h3>{group.title}</h3>
            <div className="form-grid">
              {group.fields.map((field) => {
                const problem = problems.get(field.key);
                const named = field.unit ? `${field.label} (${field.unit})` : field.label;
                return (
                  <label key={field.key} className="field">
                    {named}
                    <input
                      type={field.step ? 'number' : 'text'}
                      step={field.step || undefined}
                      // The label's own text and unit, without the hint the label also holds.
                      aria-label={named}
                      aria-invalid={problem !== undefined}
                      value={drafts[field.key] ?? String(settings[field.key])}
                      onChange={(event) => setDrafts({ ...drafts, [field.key]: event.target.value })}
                    />
                    {problem ? (
                      <span className="field-error">{problem}</span>
                    ) : (
                      <span className="field-hint">{field.hint}</span>
                    )}
                  </label>
                );
              })}
            </div>
          </fieldset>
        ))}
        <GatewayAuthSection />
      </div>
    </form>
  );
}
