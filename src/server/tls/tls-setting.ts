import { resolve } from 'node:path';
import type { TlsSetting } from '../../shared/settings';
import type { Logger } from '../support/logger';
import { readCertificateFiles } from './certificate-files';
import { selfSignedIdentity } from './self-signed-certificate';
import type { TlsIdentity } from './tls-identity';

export interface TlsSettingContext {
  /** Where relative certificate and key paths start: the workspace file's folder. */
  baseDir: string;
  /** Where the self-signed certificate is kept. */
  configDir: string;
  logger: Logger;
}

/** The certificate the `tls` setting asks for, checked; null for plain HTTP. Throws a `TlsError` saying what to fix. */
export async function loadTlsSetting(setting: TlsSetting, context: TlsSettingContext): Promise<TlsIdentity | null> {
  if (setting === 'off') return null;
  if (setting === 'self-signed') return selfSignedIdentity(context.configDir, context.logger);
  return readCertificateFiles(resolve(context.baseDir, setting.cert), resolve(context.baseDir, setting.key));
}
