import { resolve } from 'node:path';
import type { TlsSetting } from '../../shared/settings';
import type { Logger } from '../support/logger';
import { rebasedPath } from '../support/rebased-path';
import { readCertificateFiles, readCertificateFilesSync } from './certificate-files';
import { exposedKeyWarning } from './exposed-key-file';
import { selfSignedIdentity } from './self-signed-certificate';
import { TlsError } from './tls-error';
import type { TlsIdentity } from './tls-identity';

export interface TlsSettingContext {
  /** Where relative certificate and key paths start: the workspace file's folder. */
  baseDir: string;
  /** Where the self-signed certificate is kept. */
  configDir: string;
  logger: Logger;
}

/**
 * The certificate the `tls` setting asks for, checked; null for plain HTTP. Throws a `TlsError` saying what to fix.
 * A key file others may read is served all the same, with a warning that says how to close it.
 */
export async function loadTlsSetting(setting: TlsSetting, context: TlsSettingContext): Promise<TlsIdentity | null> {
  if (setting === 'off') return null;
  if (setting === 'self-signed') return selfSignedIdentity(context.configDir, context.logger);
  const identity = await readTlsFiles(setting, context.baseDir);
  const exposed = await exposedKeyWarning(resolve(context.baseDir, setting.key));
  if (exposed !== undefined) context.logger.warn(exposed);
  return identity;
}

/** The files a `{ cert, key }` setting names, read and checked; relative paths start at `baseDir`. */
export function readTlsFiles(files: { cert: string; key: string }, baseDir: string): Promise<TlsIdentity> {
  return readCertificateFiles(resolve(baseDir, files.cert), resolve(baseDir, files.key));
}

/**
 * What a start would refuse in the `tls` setting's certificate and key files (missing, unreadable, not a pair,
 * expired), read as a start reads them, relative to `baseDir`; undefined when they serve, or the setting names none.
 */
export async function tlsFilesProblem(setting: TlsSetting, baseDir: string): Promise<string | undefined> {
  if (typeof setting !== 'object') return undefined;
  try {
    await readTlsFiles(setting, baseDir);
    return undefined;
  } catch (error) {
    return tlsProblemOf(error);
  }
}

/** `tlsFilesProblem` for a caller that cannot wait (the library's synchronous `updateSettings`). */
export function tlsFilesProblemSync(setting: TlsSetting, baseDir: string): string | undefined {
  if (typeof setting !== 'object') return undefined;
  try {
    readCertificateFilesSync(resolve(baseDir, setting.cert), resolve(baseDir, setting.key));
    return undefined;
  } catch (error) {
    return tlsProblemOf(error);
  }
}

/** A TlsError's message, which says what to fix in the files; any other error is not theirs and is thrown on. */
function tlsProblemOf(error: unknown): string {
  if (error instanceof TlsError) return error.message;
  throw error;
}

/**
 * The setting as read from `to` instead of `from` (the workspace file moved): relative certificate and key paths
 * rebased to name the same files, absolute ones as they are.
 */
export function rebasedTlsSetting(setting: TlsSetting, from: string, to: string): TlsSetting {
  if (typeof setting !== 'object') return setting;
  return { cert: rebasedPath(setting.cert, from, to), key: rebasedPath(setting.key, from, to) };
}
