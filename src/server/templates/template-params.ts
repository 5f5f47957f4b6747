import type { ParamRead } from './template-check';

/**
 * The parameters the path a template answers declares (a route's `/items/:id`, a socket endpoint's `/chat/:room`):
 * a template that reads any other `params.X` would always find it empty.
 */
export interface PathParams {
  readonly path: string;
  readonly names: readonly string[];
}

/** `it has :id, :rev`, or `it has none`: what a problem about a missing parameter says the path has. */
export function pathParamsText(names: readonly string[]): string {
  return names.length > 0 ? `it has ${names.map((name) => `:${name}`).join(', ')}` : 'it has none';
}

/** What is wrong with the parameters a template reads by name, for the path it answers; undefined when nothing. */
export function undeclaredParamsProblem(reads: readonly ParamRead[], declared: PathParams): string | undefined {
  const names = new Set(declared.names);
  const wrong = reads.filter((read) => !names.has(read.name));
  if (wrong.length === 0) return undefined;
  const has = pathParamsText(declared.names);
  return wrong
    .map(
      (read) =>
        `${read.original}${read.where}: the path ${declared.path} has no parameter ${JSON.stringify(read.name)} (${has})`,
    )
    .join('; ');
}
