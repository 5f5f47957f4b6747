import { fileURLToPath } from 'node:url';

/** Separators a reference may write percent-encoded (`..%2F`): on Windows a backslash is one too. */
const ENCODED_SEPARATOR = process.platform === 'win32' ? /%2f|%5c/gi : /%2f/gi;

/** A URI scheme of two letters or more: one letter is a Windows drive (`c:/…`). */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Whether swagger-parser names a file by `url`: it is given the document's file-system path, which it
 * percent-encodes once (`/tmp/my%20dir/openapi.json`, `c:/My%20Project/…` on Windows), so a reference it resolves
 * against the document is such a path; one written as a `file:` URL stays one.
 */
export function isParserFilePath(url: string): boolean {
  const scheme = SCHEME.exec(url)?.[1];
  return scheme === undefined || scheme.toLowerCase() === 'file';
}

/**
 * The file a path or `file:` URL swagger-parser resolved names, as the file system writes it (`/tmp/my dir/x.json`).
 * An encoded separator is read as the separator it encodes, so `..%2F` leads where it says and a containment check
 * sees it. Throws when it names no local file (a host, a malformed escape).
 */
export function parserFilePath(url: string): string {
  const href = /^file:/i.test(url) ? url : `file://${url.startsWith('/') ? '' : '/'}${url}`;
  return fileURLToPath(href.replace(ENCODED_SEPARATOR, '/'));
}
