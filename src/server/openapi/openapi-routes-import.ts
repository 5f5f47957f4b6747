import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../shared/json-value';
import { type Route, RouteSchema } from '../../shared/mounts/route';
import { JsonSchemas } from '../routes/json-schemas';
import { importOpenApi, type OpenApiInput } from './import-openapi';
import { type ImportedRoutes, mergeRoutesImport, type RoutesImport } from './merge-imported-routes';

export type { ImportedRoutes, RoutesImport } from './merge-imported-routes';

export interface OpenApiRoutesOptions {
  maxJsonDepth: number;
  maxBytes?: number;
  basePath?: string;
}

/**
 * Keywords openapi-sampler does not honour when it writes a placeholder (`"string"` whatever the `pattern`, the
 * first `oneOf` whether or not another matches too…): a schema without any is satisfied by its sample.
 */
const PLACEHOLDER_BREAKERS =
  /"(?:pattern|patternProperties|multipleOf|uniqueItems|not|contains|propertyNames|dependentRequired|dependentSchemas|if|oneOf|minProperties)":/;

/** An OpenAPI document as routes merged into `existing`: the CLI's `import-openapi`. */
export async function importOpenApiRoutes(
  input: OpenApiInput,
  existing: readonly Route[],
  options: OpenApiRoutesOptions & { replaceAll?: boolean },
): Promise<RoutesImport> {
  return mergeRoutesImport(existing, await openApiRoutes(input, options), options.replaceAll);
}

/**
 * An OpenAPI document as routes, checked as a workspace's (the work of an import, on the console's import thread
 * or in the CLI). Schemas the engine could not compile are left out by the importer (with a warning), so what comes
 * back always serves.
 */
export async function openApiRoutes(input: OpenApiInput, options: OpenApiRoutesOptions): Promise<ImportedRoutes> {
  const schemas = new JsonSchemas();
  const { routes, warnings, title } = await importOpenApi(input, {
    maxJsonDepth: options.maxJsonDepth,
    ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
    ...(options.basePath !== undefined && { basePath: options.basePath }),
    checkSchema: (schema: JsonObject) => {
      try {
        schemas.compile(schema, 'json');
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
    checkSample: (schema: JsonObject, value: JsonValue, cutShort: boolean) => {
      // Compiling takes a millisecond or so a schema: only those with a keyword placeholders may break, or whose
      // recursion was cut short, are checked.
      if (!cutShort && !PLACEHOLDER_BREAKERS.test(JSON.stringify(schema))) return undefined;
      try {
        // On a copy: the validator fills in the defaults the schema declares.
        const [first, ...rest] = schemas.compile(schema, 'json')(structuredClone(value)) ?? [];
        if (!first) return undefined;
        const more = rest.length > 0 ? ` and ${rest.length} more` : '';
        return `${first.instancePath || 'the body'} ${first.message ?? 'is not valid'}${more}`;
      } catch {
        // A schema that does not compile was reported as such; nothing more to say about its sample.
        return undefined;
      }
    },
  });
  return { routes: z.array(RouteSchema).parse(routes), warnings, ...(title && { title }) };
}
