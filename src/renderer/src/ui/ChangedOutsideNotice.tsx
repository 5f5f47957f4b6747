/** Says an editor's item changed in the engine while the person edited it, and offers to take the engine's. */
export function ChangedOutsideNotice({ what, onReload }: { what: string; onReload(): void }) {
  return (
    <div className="notice warning row" role="status">
      <span className="spacer">This {what} changed in the engine while you were editing.</span>
      <button type="button" className="small" onClick={onReload}>
        Reload (drop my edits)
      </button>
    </div>
  );
}
