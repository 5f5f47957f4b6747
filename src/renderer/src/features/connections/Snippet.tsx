import { CopyButton } from '../../ui/CopyButton';

export function Snippet({ label, code }: { label: string; code: string }) {
  return (
    <div className="snippet">
      <pre>
        <code>{code}</code>
      </pre>
      <CopyButton value={code} label={label} />
    </div>
  );
}
