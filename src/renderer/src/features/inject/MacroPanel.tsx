import { useState } from 'react';
import type { MacroName } from '../../../../shared/control-api';
import { MacroForm } from './MacroForm';
import { MACROS } from './macro-fields';

/** Pick a macro, fill its small form. */
export function MacroPanel({ connectionId }: { connectionId: string }) {
  const [name, setName] = useState<MacroName>('text-message');
  const definition = MACROS.find((macro) => macro.name === name) ?? MACROS[0];
  return (
    <section>
      <label className="field">
        Macro
        <select aria-label="Macro" value={name} onChange={(event) => setName(event.target.value as MacroName)}>
          {MACROS.map((macro) => (
            <option key={macro.name} value={macro.name}>
              {macro.title}
            </option>
          ))}
        </select>
      </label>
      {definition && <MacroForm key={definition.name} definition={definition} connectionId={connectionId} />}
    </section>
  );
}
