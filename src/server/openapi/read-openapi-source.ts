import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBytes, readRegularFile } from '../workspace/bounded-file';
import { describeFsError } from '../workspace/workspace-fs-errors';
import { OpenApiImportError } from './openapi-import-error';

export interface ReadOpenApiSourceOptions {
  /** Largest document read, in bytes: reading stops (and the download is aborted) past it. */
  maxBytes: number;
  /** How long a URL may take to answer, its whole body included. */
  timeoutMs: number;
}

/**
 * The text of an OpenAPI document named on the command line: an http(s) URL, or a file path (returned with it, so
 * `$ref`s to files beside it resolve). Bounded both ways: a download is read as a stream and aborted as soon as it
 * passes `maxBytes` or `timeoutMs`; a path is read only when it is a regular file (a pipe or a device is refused at
 * once). Throws OpenApiImportError with one line that says what is wrong.
 */
export async function readOpenApiSource(
  spec: string,
  options: ReadOpenApiSourceOptions,
): Promise<{ text: string; file?: string }> {
  if (/^https?:\/\//i.test(spec)) return { text: await fetchText(spec, options) };
  const file = localFile(spec);
  let bytes: Awaited<ReturnType<typeof readRegularFile>>;
  try {
    bytes = await readRegularFile(file, options.maxBytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OpenApiImportError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : describeFsError(error, 'read')}`,
    );
  }
  if (!Buffer.isBuffer(bytes)) {
    throw new OpenApiImportError(
      bytes.refused === 'too large'
        ? `${file} is larger than ${describeBytes(bytes.maxBytes)}: not an API description to import`
        : `cannot read ${file}: it is not a regular file (it is ${bytes.what})`,
    );
  }
  return { text: new TextDecoder().decode(bytes), file };
}

/** The file `spec` names: a path (relative to the working folder), or a `file:` URL; any other URL is refused. */
function localFile(spec: string): string {
  if (/^file:/i.test(spec)) {
    try {
      return fileURLToPath(spec);
    } catch (error) {
      throw new OpenApiImportError(`cannot read ${spec}: ${(error as Error).message}`);
    }
  }
  const scheme = /^([a-z][a-z\d+.-]+):\/\//i.exec(spec)?.[1];
  if (scheme)
    throw new OpenApiImportError(`cannot read ${spec}: ${scheme} URLs are not read; give an http(s) URL or a file`);
  return resolve(spec);
}

async function fetchText(spec: string, { maxBytes, timeoutMs }: ReadOpenApiSourceOptions): Promise<string> {
  const { url, authorization } = withoutCredentials(spec);
  const done = new AbortController();
  const timeout = AbortSignal.timeout(timeoutMs);
  const tooLarge = () =>
    new OpenApiImportError(`${url} is larger than ${describeBytes(maxBytes)}: not an API description to import`);
  try {
    const response = await fetch(url, {
      signal: AbortSignal.any([done.signal, timeout]),
      ...(authorization !== undefined && { headers: { authorization } }),
    });
    if (!response.ok) throw new OpenApiImportError(`cannot fetch ${url}: the server answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let total = 0;
    // Counted as it arrives (after any Content-Encoding is undone): nothing past the cap is kept or waited for.
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return new TextDecoder().decode(Buffer.concat(chunks, total));
  } catch (error) {
    if (error instanceof OpenApiImportError) throw error;
    if (timeout.aborted) {
      throw new OpenApiImportError(`cannot fetch ${url}: no complete answer within ${timeoutMs / 1000} s`);
    }
    const cause = (error as Error).cause as Error | undefined;
    // fetch refuses the ports browsers block (6000, 6665-6669, 10080, …) before connecting, in two words.
    if (cause?.message === 'bad port')
      throw new OpenApiImportError(
        `cannot fetch ${url}: fetch refuses its port (or that of a redirect), as browsers do; download the document (curl -o openapi.json …) and import the file`,
      );
    throw new OpenApiImportError(`cannot fetch ${url}: ${cause?.message ?? (error as Error).message}`, undefined, {
      cause: error,
    });
  } finally {
    // Ends the download whatever happened: past the cap, on a bad status, or on any failure.
    done.abort();
  }
}

/**
 * A URL's `user:password@` as a Basic Authorization header (fetch refuses a URL that holds them, and a message
 * must not print the password back), and the URL without them, as every message names it. fetch drops the header
 * on a redirect to another origin.
 */
function withoutCredentials(spec: string): { url: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(spec);
  } catch {
    throw new OpenApiImportError(`cannot fetch ${spec.replace(/\/\/[^/]*@/, '//')}: it is not a valid URL`);
  }
  if (parsed.username === '' && parsed.password === '') return { url: parsed.href };
  const pair = `${decoded(parsed.username)}:${decoded(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** A URL's user or password as typed: the URL parser percent-encodes them, but leaves a stray `%` as it was. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
