/** What every exported workspace's file name ends with. */
const EXTENSION = '.agui.json';
/** White space and dashes `asciiWorkspaceFileName` trims: at the start, and before the extension. */
const ASCII_TRIMMED = new RegExp(`[\\s-]+(?=${EXTENSION.replaceAll('.', '\\.')}$)|^[\\s-]+`, 'g');
/** The longest file name most file systems take, in UTF-8 bytes (ext4, APFS; NTFS takes as many characters). */
const MAX_NAME_BYTES = 255;
const UTF8 = new TextEncoder();

/**
 * The file name an exported workspace is downloaded as (the engine's `content-disposition`, the console's
 * download): its name as written, accents and symbols included (`Prüfung ✓` → `Prüfung ✓.agui.json`), with only what
 * no file system takes in a name — path separators, `:*?"<>|`, control characters — made `-`, no dot or space at
 * either end (Windows drops those), and cut on whole characters to a name a file system takes.
 */
export function workspaceFileName(name: string): string {
  let stem = name.replace(/[\\/:*?"<>|\p{Cc}]+/gu, '-').replace(/^[\s.-]+|[\s.-]+$/gu, '');
  while (UTF8.encode(stem + EXTENSION).length > MAX_NAME_BYTES) stem = [...stem].slice(0, -1).join('').trimEnd();
  return `${stem || 'workspace'}${EXTENSION}`;
}

/**
 * `workspaceFileName` in ASCII, for the plain `filename` of a `content-disposition` that clients without RFC 6266's
 * `filename*` read: accents dropped (`ü` → `u`), other characters beyond ASCII made `-`.
 */
export function asciiWorkspaceFileName(fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]+/g, '-')
    .replace(ASCII_TRIMMED, '');
  return ascii === EXTENSION ? `workspace${EXTENSION}` : ascii;
}
