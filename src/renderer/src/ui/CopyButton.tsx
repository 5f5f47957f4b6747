import { useEffect, useState } from 'react';

/** Copies `value`; says so for a moment, or says why it could not. */
export function CopyButton({ value, label, text = 'Copy' }: { value: string; label: string; text?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button
      type="button"
      className="small"
      onClick={copy}
      aria-label={`Copy ${label}`}
      title={state === 'failed' ? 'The clipboard is not available here: select the text instead' : undefined}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'No clipboard' : text}
    </button>
  );
}
