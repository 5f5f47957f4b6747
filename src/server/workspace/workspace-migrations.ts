import {
  WORKSPACE_VERSION,
  type WorkspaceV0,
  WorkspaceV0Schema,
  type WorkspaceV1,
  WorkspaceV1Schema,
} from '../../shared/workspace';
import { legacyWorkspaceV0toV1, legacyWorkspaceV1toV2 } from '../packs/pack-registry';

/** A document of some older version, already checked against that version's schema. */
type Migration = (document: unknown, defaultName: string) => unknown;

/**
 * Version n → n + 1, one step each, so a file of any older version walks up the chain. Each step only
 * reshapes; the result is validated against the current schema afterwards.
 */
const MIGRATIONS: Record<number, { schema: { parse(value: unknown): unknown }; migrate: Migration }> = {
  0: { schema: WorkspaceV0Schema, migrate: (document, name) => legacyWorkspaceV0toV1(document as WorkspaceV0, name) },
  1: { schema: WorkspaceV1Schema, migrate: (document) => legacyWorkspaceV1toV2(document as WorkspaceV1) },
};

/** The schema a document of `version` must satisfy before it is migrated. */
export function migrationSchema(version: number): { parse(value: unknown): unknown } | undefined {
  return MIGRATIONS[version]?.schema;
}

export function canMigrate(version: number): boolean {
  return Number.isInteger(version) && version >= 0 && version < WORKSPACE_VERSION && MIGRATIONS[version] !== undefined;
}

/** Walks `document` from `version` up to the current version. */
export function migrate(document: unknown, version: number, defaultName: string): unknown {
  let current = document;
  for (let from = version; from < WORKSPACE_VERSION; from++) {
    const step = MIGRATIONS[from];
    if (!step) throw new Error(`no migration from workspace version ${from}`);
    current = step.migrate(step.schema.parse(current), defaultName);
  }
  return current;
}
