import type { ConnectionSummary } from '../../../../shared/connections';
import type { MacroName } from '../../../../shared/control-api';
import { updateInjectDraft, useInjectDraft } from '../../stores/inject-drafts-store';
import { MacroForm } from './MacroForm';
import { MACROS } from './macro-fields';
import type { MacroContent, PayloadContent } from './payload-bodies';
import { macroFormValues } from './payload-bodies';

/** Pick a macro, fill its small form (what is typed is the connection's draft); saved and recent macros load here. */
export function MacroPanel({ connection }: { connection: ConnectionSummary }) {
  const connectionId = connection.id;
  const draft = useInjectDraft(connectionId);
  const definition = MACROS.find((macro) => macro.name === draft.macro) ?? MACROS[0];
  const load = (content: PayloadContent) => {
    if (content.kind !== 'macro') return;
    const { macro, params } = (content as MacroContent).body;
    const target = MACROS.find((item) => item.name === macro);
    if (!target) return;
    updateInjectDraft(connectionId, {
      macro,
      macroValues: { ...draft.macroValues, [macro]: macroFormValues(target, params) },
    });
  };
  return (
    <section>
      <label className="field inline">
        Macro
        <select
          aria-label="Macro"
          value={draft.macro}
          onChange={(event) => updateInjectDraft(connectionId, { macro: event.target.value as MacroName })}
        >
          {MACROS.map((macro) => (
            <option key={macro.name} value={macro.name}>
              {macro.title}
            </option>
          ))}
        </select>
      </label>
      {definition && <MacroForm key={definition.name} definition={definition} connection={connection} onLoad={load} />}
    </section>
  );
}
