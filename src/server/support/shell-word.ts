/**
 * `text` as one word a POSIX shell reads back as it is, for a command the CLI prints to be pasted: as it is when
 * it holds nothing a shell would read otherwise, else in single quotes (`'my shop.json'`; a quote within as `'\''`),
 * inside which `$(…)`, backquotes and `$VAR` stay text, as they would not in double quotes.
 */
export function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
