import { z } from 'zod';
import type { JsonObject } from '../../shared/json-value';
import { type Route, RouteSchema } from '../../shared/mounts/route';
import { JsonSchemas } from '../routes/json-schemas';
import { importOpenApi, type OpenApiInput } from './import-openapi';
import { type MergedRoutes, mergeImportedRoutes } from './merge-imported-routes';

export interface RoutesImport extends Omit<MergedRoutes, 'mergeWarnings'> {
  warnings: string[];
  title?: string;
}

/**
 * An OpenAPI document as routes merged into `existing`: what the CLI's `import-openapi` and the console's import
 * both do. Schemas the engine could not compile are left out by the importer (with a warning), so what comes back
 * always serves.
 */
export async function importOpenApiRoutes(
  input: OpenApiInput,
  existing: readonly Route[],
  options: { maxJsonDepth: number; maxBytes?: number; basePath?: string; replaceAll?: boolean },
): Promise<RoutesImport> {
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
  });
  const imported = z.array(RouteSchema).parse(routes);
  const { mergeWarnings, ...merged } = mergeImportedRoutes(existing, imported, options.replaceAll);
  return { ...merged, warnings: [...warnings, ...mergeWarnings], ...(title && { title }) };
}
