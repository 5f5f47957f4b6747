import type { SequenceFinding } from '../../../../shared/control-api';

/** Sequence rules an injected event would break (or broke, when sent anyway). */
export function FindingsList({ findings, title }: { findings: readonly SequenceFinding[]; title: string }) {
  if (findings.length === 0) return null;
  return (
    <div className="notice warning" role="status" data-testid="findings">
      <strong>{title}</strong>
      <ul className="findings">
        {findings.map((finding) => (
          <li key={`${finding.index}-${finding.rule}`}>
            <span className="rule">{finding.rule}</span> — {finding.title}
            <div>
              {finding.message} <span className="faint">(event {finding.index + 1})</span>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
