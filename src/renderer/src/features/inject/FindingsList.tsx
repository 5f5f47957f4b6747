import type { SequenceFinding } from '../../../../shared/control-api';

/** A finding, and on how many connections it would happen (a broadcast's: each connection answers with its own). */
export type ListedFinding = SequenceFinding & { connections?: number };

/** Sequence rules an injected event would break (or broke, when sent anyway). */
export function FindingsList({ findings, title }: { findings: readonly ListedFinding[]; title: string }) {
  if (findings.length === 0) return null;
  return (
    <div className="notice warning" role="status" data-testid="findings">
      <strong>{title}</strong>
      <ul className="findings">
        {findings.map((finding) => (
          <li key={`${finding.index}-${finding.rule}-${finding.message}`}>
            <span className="rule">{finding.rule}</span> — {finding.title}
            <div>
              {finding.message}{' '}
              <span className="faint">
                (event {finding.index + 1}
                {finding.connections && finding.connections > 1 ? `, on ${finding.connections} connections` : ''})
              </span>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
