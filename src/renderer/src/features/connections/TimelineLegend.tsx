const LEGEND = [
  ['run', 'run'],
  ['step', 'step'],
  ['text', 'text message'],
  ['tool', 'tool call'],
] as const;

/** What the timeline's colours mean. */
export function TimelineLegend() {
  return (
    <div className="timeline-legend">
      {LEGEND.map(([kind, label]) => (
        <span key={kind}>
          <span className="legend-swatch" style={{ background: `var(--span-${kind})` }} />
          {label}
        </span>
      ))}
      <span>
        <span className="legend-swatch" style={{ background: 'var(--danger)', borderRadius: '50%' }} />
        rule broken
      </span>
    </div>
  );
}
