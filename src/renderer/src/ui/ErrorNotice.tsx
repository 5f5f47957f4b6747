import type { ReactNode } from 'react';

/**
 * An error shown where it happened, saying what to do when the engine told us; `children` are actions that
 * answer it (a button to open what the error names), placed before the dismiss button.
 */
export function ErrorNotice({
  error,
  onDismiss,
  children,
}: {
  error: string | null;
  onDismiss?(): void;
  children?: ReactNode;
}) {
  if (!error) return null;
  return (
    <div className="notice error row" role="alert">
      <span className="spacer error-text">{error}</span>
      {children}
      {onDismiss && (
        <button type="button" className="ghost small" onClick={onDismiss} aria-label="Dismiss error">
          ✕
        </button>
      )}
    </div>
  );
}
