/**
 * Text from a file or a client as a terminal or log should show it: each control character (a line break in a JSON
 * key, an escape sequence in a name) written as its JSON escape (`\n`, `\u001b`), so such text can neither forge
 * lines of its own (a CI log takes `::error::` at a line's start for a command) nor drive the terminal.
 */
export function terminalText(text: string): string {
  return text.replace(/\p{Cc}/gu, (character) => {
    const escaped = JSON.stringify(character).slice(1, -1);
    // JSON leaves DEL and the C1 controls as they are.
    return escaped === character ? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}` : escaped;
  });
}
