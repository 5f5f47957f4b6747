import { CopyButton } from './CopyButton';

export function CopyableValue({ label, value }: { label: string; value: string }) {
  return (
    <span className="copyable">
      <code data-testid={label}>{value}</code>
      <CopyButton value={value} label={label} />
    </span>
  );
}
