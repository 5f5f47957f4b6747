/**
 * Says an editor's item changed in the engine while the person edited it (`changes`: how, when that is known), that
 * saving writes their edits over it, and offers to take the engine's instead.
 */
export function ChangedOutsideNotice({
  what,
  changes = [],
  onReload,
}: {
  what: string;
  changes?: readonly string[];
  onReload(): void;
}) {
  return (
    <div className="notice warning row" role="status">
      <span className="notice-text">
        This {what} changed in the engine while you were editing{changes.length > 0 && `: ${changes.join('; ')}`}.
        Saving writes your edits over it.
      </span>
      <button type="button" className="small" onClick={onReload}>
        Reload (drop my edits)
      </button>
    </div>
  );
}
