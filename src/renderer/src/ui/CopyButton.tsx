import { useEffect, useState } from 'react';

/** Two overlapping sheets: the copy icon for compact buttons. */
function CopyIcon() {
  return (
    <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path
        d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      />
    </svg>
  );
}

/**
 * The clipboard API, else the copy command on a hidden field: the console opened over plain http at a LAN address
 * is no secure context and has no `navigator.clipboard`.
 */
async function writeClipboard(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    return copyBySelection(value);
  }
}

function copyBySelection(value: string): boolean {
  const focused = document.activeElement;
  const field = document.createElement('textarea');
  field.value = value;
  field.readOnly = true;
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    field.remove();
    if (focused instanceof HTMLElement) focused.focus();
  }
}

interface CopyButtonProps {
  value: string;
  /** What is copied, for the button's name: "Copy {label}". */
  label: string;
  text?: string;
  /** An icon instead of the word (the name stays "Copy {label}"). */
  compact?: boolean;
}

/** Copies `value`; says so for a moment, or says why it could not. */
export function CopyButton({ value, label, text = 'Copy', compact = false }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => setState((await writeClipboard(value)) ? 'copied' : 'failed');
  const said = state === 'copied' ? 'Copied' : state === 'failed' ? 'No clipboard' : text;
  const mark = state === 'copied' ? '✓' : '✕';
  return (
    <button
      type="button"
      className={compact ? 'small icon' : 'small'}
      onClick={copy}
      aria-label={`Copy ${label}`}
      title={state === 'failed' ? 'The clipboard is not available here: select the text instead' : `Copy ${label}`}
    >
      {!compact ? said : state === 'idle' ? <CopyIcon /> : <span aria-hidden="true">{mark}</span>}
    </button>
  );
}
