import { CopyButton } from './CopyButton';

/** A value shown in full when there is room (cut with an ellipsis when not, whole in its tooltip), with a copy button. */
export function CopyableValue({ label, value, compact = false }: { label: string; value: string; compact?: boolean }) {
  return (
    <span className="copyable">
      <code data-testid={label} title={value}>
        {value}
      </code>
      <CopyButton value={value} label={label} compact={compact} />
    </span>
  );
}
