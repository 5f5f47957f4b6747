/** The send key, shown beside the button it presses (see submitOnSendKey and the JSON editors). */
export function SendKeyHint() {
  return (
    <span className="faint">
      <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
    </span>
  );
}
