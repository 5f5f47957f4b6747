import type { RequestLogEntry } from '../../../../shared/request-log';

/** Headers curl sets itself, or that would be wrong when replayed. */
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding']);

/** Single-quotes a shell word (POSIX): `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A curl command that repeats the logged request against `origin`. A truncated body is flagged, not faked.
 * `caFile`: the engine's certificate over TLS, which curl is told to trust (its verification stays on).
 */
export function curlCommand(entry: RequestLogEntry, origin: string, caFile?: string): string {
  const url = `${origin}${entry.path}${entry.query ? `?${entry.query}` : ''}`;
  const parts = ['curl'];
  if (caFile) parts.push('--cacert', shellQuote(caFile));
  if (entry.method !== 'GET') parts.push('-X', entry.method);
  parts.push(shellQuote(url));
  for (const [name, value] of Object.entries(entry.requestHeaders)) {
    if (value === undefined || SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    for (const single of Array.isArray(value) ? value : [value]) parts.push('-H', shellQuote(`${name}: ${single}`));
  }
  const body = entry.requestBody;
  // A described body (binary, or one no mount read) is not the body: sending the description would lie.
  if (body && body.text !== '' && !body.described) parts.push('--data-raw', shellQuote(body.text));
  const command = parts.join(' ');
  if (body?.described)
    return `# The body was not logged as text (${body.text}): add it with --data-binary @FILE\n${command}`;
  return body?.truncated
    ? `# The logged body was cut at ${body.text.length} of ${body.size} bytes\n${command}`
    : command;
}
