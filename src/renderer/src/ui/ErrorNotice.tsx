/** An error shown where it happened, saying what to do when the engine told us. */
export function ErrorNotice({ error, onDismiss }: { error: string | null; onDismiss?(): void }) {
  if (!error) return null;
  return (
    <div className="notice error row" role="alert">
      <span className="spacer error-text">{error}</span>
      {onDismiss && (
        <button type="button" className="ghost small" onClick={onDismiss} aria-label="Dismiss error">
          ✕
        </button>
      )}
    </div>
  );
}
