import type { ScenarioTrigger } from '../../../../shared/scenario';

function describe(trigger: ScenarioTrigger): string {
  if (trigger.match === 'substring') return `"${trigger.value}"`;
  if (trigger.match === 'regex') return `/${trigger.pattern}/`;
  return 'always';
}

export function TriggerSummary({ triggers }: { triggers: readonly ScenarioTrigger[] }) {
  if (triggers.length === 0) return <span className="faint">no triggers (run by hand)</span>;
  return (
    <span className="row" style={{ gap: 4 }}>
      {triggers.map((trigger) => (
        <span key={describe(trigger)} className="badge" title={`priority ${trigger.priority ?? 0}`}>
          {describe(trigger)}
        </span>
      ))}
    </span>
  );
}
