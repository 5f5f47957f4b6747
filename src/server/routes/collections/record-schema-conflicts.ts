import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Collection } from '../../../shared/mounts/collection';
import type { SchemaCheck } from '../json-schemas';
import { type IdType, newId } from './record-ids';

/** A conflict of a collection's schema with the records the engine makes, at its path from the collection. */
export interface RecordSchemaConflict {
  path: (string | number)[];
  message: string;
}

/** Keywords whose failure holds only for some records: a conflict found under one of them may be no conflict. */
const CONDITIONAL = new Set(['anyOf', 'oneOf', 'not', 'if']);

/**
 * Why the collection's schema could take no record the engine makes: every record is a JSON object holding its id
 * (`idField`, of `idType`, generated when a client sends none). Found by checking a record that is its id alone,
 * and keeping only what that id or the record being an object causes: it is no JSON object the schema allows, the
 * schema forbids the id field (`additionalProperties` or `unevaluatedProperties` false, `propertyNames`, `false`), or
 * types it against `idType`. A schema that branches (`anyOf`, `oneOf`, `not`, `if`) over such a record is not judged.
 */
export function recordSchemaConflicts(collection: Collection, check: SchemaCheck): RecordSchemaConflict[] {
  const { idField, idType } = collection;
  let errors: ErrorObject[] | undefined;
  try {
    errors = check({ [idField]: newId(idType, 1) });
  } catch {
    return []; // a schema recursing without end on it is said where records are checked
  }
  if (!errors || errors.some((error) => CONDITIONAL.has(error.keyword))) return [];
  const idPointer = `/${idField.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  const conflicts = new Map<string, RecordSchemaConflict>();
  for (const error of errors) {
    const message = conflictMessage(error, idField, idType, idPointer);
    if (!message) continue;
    const path = ['schema', ...schemaPathParts(error.schemaPath)];
    conflicts.set(`${path.join('\u0000')}\u0000${message}`, { path, message });
  }
  return [...conflicts.values()];
}

function conflictMessage(error: ErrorObject, idField: string, idType: IdType, idPointer: string): string | undefined {
  const field = JSON.stringify(idField);
  const addId = `add ${field}: ${JSON.stringify(idSchema(idType))} to its "properties"`;
  if (error.instancePath === '') {
    switch (error.keyword) {
      case 'type':
        return `a collection's records are JSON objects, and this schema takes none (its type is ${JSON.stringify(error.params.type)}): make it {"type":"object"}, with the records' fields in "properties"`;
      case 'additionalProperties':
        if (error.params.additionalProperty !== idField) return undefined;
        return `every record holds its id in ${field}, which this schema does not allow (additionalProperties is false and its "properties" has no ${field}): ${addId}`;
      case 'unevaluatedProperties':
        if (error.params.unevaluatedProperty !== idField) return undefined;
        return `every record holds its id in ${field}, which this schema does not allow (unevaluatedProperties is false and nothing in it takes ${field}): ${addId}`;
      case 'propertyNames':
        if (error.params.propertyName !== idField) return undefined;
        return `every record holds its id in ${field}, a name this schema's propertyNames refuses: let it allow ${field}`;
      default:
        return undefined;
    }
  }
  if (error.instancePath !== idPointer) return undefined;
  if (error.keyword === 'false schema')
    return `every record holds its id in ${field}, which this schema forbids (${field}: false): make it ${JSON.stringify(idSchema(idType))}`;
  if (error.keyword === 'type')
    return `this collection's ids are ${ID_WORDS[idType]} (idType ${JSON.stringify(idType)}), but the schema types ${field} as ${JSON.stringify(error.params.type)}: make it ${JSON.stringify(idSchema(idType))}, or change idType to match`;
  return undefined;
}

const ID_WORDS: Record<IdType, string> = { integer: 'integers', uuid: 'UUID strings', string: 'strings' };

/** The schema of an id of `idType`, for a message to suggest. */
function idSchema(idType: IdType): Record<string, string> {
  if (idType === 'integer') return { type: 'integer' };
  return idType === 'uuid' ? { type: 'string', format: 'uuid' } : { type: 'string' };
}

/**
 * ajv's `schemaPath` (`#/properties/id/type`, each name JSON-pointer-escaped and URI-encoded) as path parts; none
 * when it points into another document (a `$ref` to an `$id`), which the collection's schema is as a whole.
 */
function schemaPathParts(schemaPath: string): (string | number)[] {
  if (!schemaPath.startsWith('#/')) return [];
  return schemaPath
    .slice(2)
    .split('/')
    .map((part) => {
      const name = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      return /^\d+$/.test(name) ? Number(name) : name;
    });
}
