/** The values of a discriminator's property that pick each option of its `oneOf`/`anyOf`, in the options' order. */
export interface DiscriminatorTags {
  property: string;
  values: string[][];
}

const COMPONENT_POINTER = '#/components/schemas/';

/**
 * What a discriminator beside `options` (already dereferenced: each a schema object) means, as OpenAPI says: the
 * property's value picks the option a `mapping` key points to, else the option whose `components.schemas` name it
 * is. Returns why it cannot be honoured instead: no property name, a mapping that names no schema of the document,
 * or an option no value can pick (an inline schema no mapping points to).
 */
export function discriminatorTags(
  discriminator: unknown,
  options: readonly unknown[],
  schemasByName: ReadonlyMap<string, object>,
): DiscriminatorTags | string {
  const { propertyName, mapping } = (discriminator ?? {}) as { propertyName?: unknown; mapping?: unknown };
  if (typeof propertyName !== 'string' || propertyName === '') return 'it names no propertyName';
  const values = options.map((): string[] => []);
  const entries = mapping !== null && typeof mapping === 'object' ? Object.entries(mapping) : [];
  for (const [value, target] of entries) {
    const schema = typeof target === 'string' ? mappedSchema(target, schemasByName) : undefined;
    if (!schema) return `its mapping "${value}" → ${JSON.stringify(target)} names no schema of components.schemas`;
    // A value mapped to a schema that is not an option picks none: such a body matches no option, as OpenAPI says.
    options.forEach((option, index) => {
      if (option === schema) values[index]?.push(value);
    });
  }
  for (const [index, option] of options.entries()) {
    if (values[index]?.length) continue;
    const name = [...schemasByName].find(([, schema]) => schema === option)?.[0];
    if (name === undefined) return `option ${index + 1} is not a schema of components.schemas and no mapping names it`;
    values[index]?.push(name);
  }
  return { property: propertyName, values };
}

/**
 * The discriminator every option inherits from an `allOf` member, when it is the same one (OpenAPI's `Cat: {allOf:
 * [Pet, …]}` and `Dog` alike, Pet's discriminator picking among them), else undefined.
 */
export function inheritedDiscriminator(options: readonly unknown[]): unknown {
  const found = options.map((option) => {
    const members = (option as { allOf?: unknown } | null)?.allOf;
    if (!Array.isArray(members)) return undefined;
    return members.find((member) => (member as { discriminator?: unknown } | null)?.discriminator !== undefined)
      ?.discriminator;
  });
  const [first] = found;
  return first !== undefined && found.every((discriminator) => discriminator === first) ? first : undefined;
}

/** The schema a mapping value names: `#/components/schemas/Cat`, or the bare name `Cat`. */
function mappedSchema(target: string, schemasByName: ReadonlyMap<string, object>): object | undefined {
  if (!target.startsWith(COMPONENT_POINTER)) return target.includes('/') ? undefined : schemasByName.get(target);
  const segment = target.slice(COMPONENT_POINTER.length);
  if (segment.includes('/')) return undefined;
  try {
    return schemasByName.get(decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
  } catch {
    return undefined;
  }
}
