import type { JsonObject } from '../../shared/json-value';
import { MEDIA_RANGE, mediaTypeEssence } from '../../shared/media-type-range';
import type { RequestValidation } from '../../shared/mounts/route';
import { headerNameProblem } from '../routes/header-name';
import { documentedText } from './documented-text';
import { isJsonMediaType, pickMediaType } from './media-types';
import { type SchemaContext, toJsonSchema } from './to-json-schema';

type RequestValidationInput = Partial<RequestValidation>;
type Documented = Record<string, unknown>;

/** Where a parameter goes in `validate`; cookies are not validated. */
const PLACES = { path: 'params', query: 'query', header: 'headers' } as const;
type Place = (typeof PLACES)[keyof typeof PLACES];

/** Form fields, which the engine checks against the body schema as it converts query values. */
const FORM = 'application/x-www-form-urlencoded';

/** Headers OpenAPI says a parameter must not describe: they belong to the request body and security schemes. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

/**
 * What the route validates, from the operation's parameters (the path item's, overridden by the operation's own of
 * the same name and place) and its JSON request body. Each place becomes an object schema with `properties` and
 * `required`, header names lower-cased. Undefined when nothing is to be validated.
 */
export function requestValidation(
  pathParameters: unknown,
  operation: Documented,
  pathNames: readonly string[],
  where: string,
  context: SchemaContext,
): RequestValidationInput | undefined {
  const places: Record<Place, { properties: [string, JsonObject][]; required: Set<string> }> = {
    params: { properties: [], required: new Set() },
    query: { properties: [], required: new Set() },
    headers: { properties: [], required: new Set() },
  };
  for (const parameter of mergedParameters(pathParameters, operation.parameters)) {
    const name = String(parameter.name);
    const place = PLACES[parameter.in as keyof typeof PLACES];
    if (!place) {
      context.warn(`${where}: ${String(parameter.in)} parameter "${name}" is not validated`);
      continue;
    }
    if (place === 'params' && !pathNames.includes(name)) {
      context.warn(`${where}: path parameter "${name}" is not in the path; ignored`);
      continue;
    }
    if (place === 'headers' && IGNORED_HEADERS.has(name.toLowerCase())) continue;
    if (place === 'headers' && headerNameProblem(name)) {
      context.warn(`${where}: header parameter "${name}" is not a valid header name (no client can send it); ignored`);
      continue;
    }
    const key = place === 'headers' ? name.toLowerCase() : name;
    places[place].properties.push([key, parameterSchema(parameter, where, context)]);
    if (parameter.required === true || place === 'params') places[place].required.add(key);
  }

  const validation: RequestValidationInput = {};
  for (const place of Object.values(PLACES)) {
    const { properties, required } = places[place];
    if (properties.length === 0) continue;
    validation[place] = {
      type: 'object',
      properties: Object.fromEntries(properties),
      ...(required.size > 0 && { required: [...required] }),
    };
  }
  const body = requestBody(operation.requestBody, where, context);
  if (body) Object.assign(validation, body);
  return Object.keys(validation).length > 0 ? validation : undefined;
}

function mergedParameters(pathParameters: unknown, operationParameters: unknown): Documented[] {
  const byPlace = new Map<string, Documented>();
  for (const list of [pathParameters, operationParameters]) {
    if (!Array.isArray(list)) continue;
    for (const parameter of list) {
      if (parameter === null || typeof parameter !== 'object') continue;
      const { name, in: place } = parameter as Documented;
      // Header names are one name whatever their case: `X-Token` on the path item, `x-token` on the operation.
      const key = place === 'header' ? String(name).toLowerCase() : String(name);
      byPlace.set(`${String(place)}\u0000${key}`, parameter as Documented);
    }
  }
  return [...byPlace.values()];
}

function parameterSchema(parameter: Documented, where: string, context: SchemaContext): JsonObject {
  const label = `${where} ${String(parameter.in)} parameter ${String(parameter.name)}`;
  let schema: JsonObject;
  const style = unreadStyle(parameter);
  if (style !== undefined) {
    context.warn(`${label}: a list or object sent ${style}, which the engine does not read; its value is not checked`);
    schema = {};
  } else if (parameter.schema !== undefined) {
    schema = toJsonSchema(parameter.schema, 'parameter', context, label);
  } else {
    // `content` parameters carry serialised JSON; the engine converts plain values only.
    context.warn(`${label}: described by a media type, not a schema; its value is not checked`);
    schema = {};
  }
  const description = documentedText(parameter.description, 4000, `${label}: the description`, context.warn);
  if (description !== undefined && schema.description === undefined) schema = { ...schema, description };
  return schema;
}

/**
 * How a list or object parameter is serialised, when it is not the one way the engine reads one: a query key
 * repeated (`?tags=1&tags=2`, OpenAPI's default for a query list). Text and numbers read the same in every style.
 */
function unreadStyle(parameter: Documented): string | undefined {
  const schema = parameter.schema as Documented | undefined;
  const members = [schema, ...[schema?.anyOf, schema?.oneOf].flatMap((list) => (Array.isArray(list) ? list : []))];
  const types = new Set(
    members.flatMap((member) => {
      const type = (member as Documented | null | undefined)?.type;
      return Array.isArray(type) ? type : [type];
    }),
  );
  if (!types.has('array') && !types.has('object')) return undefined;
  const place = parameter.in;
  const style = typeof parameter.style === 'string' ? parameter.style : place === 'query' ? 'form' : 'simple';
  const explode = typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form';
  if (place === 'query' && style === 'form' && explode && !types.has('object')) return undefined;
  return `as style "${style}"${explode ? ' exploded' : ''}`;
}

/**
 * The JSON body's schema; a body in another media type the operation declares is taken unchecked
 * (`uncheckedMediaTypes`), but a form whose schema is the JSON's: the engine checks form fields against it.
 */
function requestBody(documented: unknown, where: string, context: SchemaContext): RequestValidationInput | undefined {
  if (documented === null || typeof documented !== 'object') return undefined;
  const { content, required } = documented as Documented;
  if (content === null || typeof content !== 'object') return undefined;
  const chosen = pickMediaType(content as Documented);
  if (!chosen) return undefined;
  const [mediaType, media] = chosen;
  const declared = Object.keys(content);
  if (!isJsonMediaType(mediaType)) {
    context.warn(`${where}: the request body is ${declared.join(' or ')}; only JSON bodies are validated`);
    return undefined;
  }
  const schema = (media as Documented | null)?.schema;
  if (schema === undefined) return undefined;
  const unchecked: string[] = [];
  for (const type of declared) {
    const essence = mediaTypeEssence(type);
    const sameForm = essence === FORM && ((content as Documented)[type] as Documented | null)?.schema === schema;
    if (isJsonMediaType(type) || sameForm || unchecked.includes(essence)) continue;
    if (MEDIA_RANGE.test(essence)) unchecked.push(essence);
    else context.warn(`${where}: request body media type ${JSON.stringify(type)} is not type/subtype; ignored`);
  }
  if (unchecked.length > 0)
    context.warn(`${where}: a request body in ${unchecked.join(' or ')} is not validated (taken as sent)`);
  return {
    body: toJsonSchema(schema, 'request', context, `${where} request body`),
    bodyRequired: required === true,
    ...(unchecked.length > 0 && { uncheckedMediaTypes: unchecked }),
  };
}
