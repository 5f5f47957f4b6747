import { closestName } from '../../shared/closest-name';
import { shortenText } from '../../shared/shorten-text';
import { pointerSegment } from '../support/json-pointer';
import { OpenApiImportError } from './openapi-import-error';

/** Values that are data (examples, defaults, allowed values), never schemas: a `$ref` or `$anchor` in them is not one. */
const DATA_KEYWORDS = new Set(['example', 'examples', 'default', 'const', 'enum']);
/** Maps of named members, whose names are not keywords: a property may be called `default` or `enum`. */
const NAMED_MEMBERS = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
  'definitions',
  'schemas',
  'parameters',
  'headers',
  'requestBodies',
  'responses',
  'content',
  'encoding',
  'paths',
  'pathItems',
  'webhooks',
  'callbacks',
]);
const REF_KEYWORDS = ['$ref', '$dynamicRef'] as const;
const ANCHOR_KEYWORDS = { $ref: '$anchor', $dynamicRef: '$dynamicAnchor' } as const;
/** What JSON Schema 2020-12 allows as an `$anchor` or `$dynamicAnchor`. */
const ANCHOR_NAME = /^[A-Za-z_][-A-Za-z0-9._]*$/;

/**
 * The keys that lead to a value, as a link to its parent's (a list copied for each value would cost the depth of
 * every value of the document); undefined for the document itself.
 */
interface Trail {
  key: string;
  up: Trail | undefined;
  depth: number;
}

/** Where a schema resource is rooted: the trail to the object with its `$id`; undefined for the document. */
type Root = Trail | undefined;

/** An object of the document, where it is, and the schema resource (the document, or the nearest `$id`) it is in. */
interface Place {
  object: Record<string, unknown>;
  trail: Trail | undefined;
  /** The resource's URI, as `$id`s resolve against the document's. */
  base: string;
  /** How many keys of the trail lead to the resource's root. */
  resourceDepth: number;
  /** Whether a `$id` names the resource by an absolute URI (its own, or one it is relative to): not the document's. */
  absolute: boolean;
  /**
   * Whether every `$id` from the document down to the resource names one in the folder of the resource it is
   * relative to (`pets.json`, not `schemas/pet`, `../pet` or an absolute URI); true for the document itself.
   */
  inFolder: boolean;
}

interface Anchor {
  place: Place;
  /** The JSON pointer fragment of the schema in its resource, once asked for. */
  fragment?: string;
}

/**
 * OpenAPI 3.1's schemas are JSON Schema 2020-12: a schema named by `$anchor` (or `$dynamicAnchor`) is referred to
 * as `"$ref": "#Name"` (`"https://x/pet#Name"` for one in the resource a `$id` names). swagger-parser follows JSON
 * pointers only and leaves such a `$ref` in place, which the conversion could only drop. Each is rewritten, in place,
 * as the JSON pointer of the schema its anchor names, relative to that schema's resource as swagger-parser resolves
 * pointers; a `$dynamicRef` becomes such a `$ref` (its dynamic scope is not followed). A reference to an anchor no
 * schema has, an anchor that names two schemas of one resource, or one that is no name (`"$anchor": 1`,
 * `"$anchor": "#Pet"`), is an OpenApiImportError that says where.
 * Returns the schemas anchors name, with their names, so that a recursion through one stays a recursion.
 */
export function anchorRefsAsPointers(
  document: unknown,
  documentUri: string,
  source: string | undefined,
): Map<object, string> {
  const { places, resources, namedTwice } = documentPlaces(document, documentUri);
  const anchors = new Map<string, Anchor>();
  const named = new Map<object, string>();
  for (const place of places) {
    for (const keyword of Object.values(ANCHOR_KEYWORDS)) {
      const name = place.object[keyword];
      if (name === undefined) continue;
      if (typeof name !== 'string' || !ANCHOR_NAME.test(name)) throw malformedAnchor(keyword, name, place, source);
      const key = `${place.base}#${name}`;
      const other = anchors.get(key);
      if (other && other.place !== place) {
        const [first, second] = [pointer(keysOf(other.place.trail)), pointer(keysOf(place.trail))];
        throw new OpenApiImportError(
          `"${keyword}": ${quoted(name)} names two schemas, ${first} and ${second}: a "$ref": ${quoted(`#${name}`)} could mean either; rename one`,
          source,
        );
      }
      anchors.set(key, { place });
      named.set(place.object, name);
    }
  }
  for (const place of places) {
    for (const keyword of REF_KEYWORDS) {
      const ref = place.object[keyword];
      if (typeof ref !== 'string') continue;
      const target = anchorAsPointer(ref, place, { resources, namedTwice }, anchors, documentUri, source) ?? ref;
      if (typeof target === 'object' && 'roots' in target) throw rootsInDoubt(keyword, ref, place, target, source);
      if (typeof target === 'object' && 'outside' in target)
        throw outsideFolder(keyword, ref, place, target, resources, source);
      if (typeof target !== 'string') throw danglingAnchor(keyword, ref, place, target, anchors, documentUri, source);
      if (keyword === '$ref') place.object.$ref = target;
      else dynamicRefAsRef(place.object, target);
    }
  }
  return named;
}

/** Where a `$id` is tried to tell whether it stays in the folder of what it is relative to. */
const PROBE_URI = 'file:///probe/folder/document';
const PROBE_FOLDER = 'file:///probe/folder/';

/**
 * Whether a relative `$id` names a file in the folder of what it is relative to (`pets.json`), not another folder
 * nor the folder itself (`.`, which is the document to swagger-parser when it has no file: its base is a folder).
 */
function namesFileInFolder(id: string): boolean {
  const probed = resolvedUri(id, PROBE_URI);
  return probed !== undefined && probed !== PROBE_FOLDER && resolvedUri('.', probed) === PROBE_FOLDER;
}

/**
 * The objects of the document with an anchor or a reference, each once, outside data keywords, with the resource
 * each is in; the resources' URIs (the document's, and each `$id`'s) with where each is rooted; and those two roots
 * name (a `$id` written twice, or one that names the document itself), with both.
 */
function documentPlaces(
  document: unknown,
  documentUri: string,
): { places: Place[]; resources: Map<string, Root>; namedTwice: Map<string, [Root, Root]> } {
  const places: Place[] = [];
  const resources = new Map<string, Root>([[documentUri, undefined]]);
  const namedTwice = new Map<string, [Root, Root]>();
  const seen = new Set<object>();
  const stack: {
    value: unknown;
    trail?: Trail;
    base: string;
    resourceDepth: number;
    absolute: boolean;
    inFolder: boolean;
    members: boolean;
  }[] = [{ value: document, base: documentUri, resourceDepth: 0, absolute: false, inFolder: true, members: false }];
  while (stack.length > 0) {
    const { value, trail, members, ...resource } = stack.pop() as (typeof stack)[number];
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    let { base, resourceDepth, absolute, inFolder } = resource;
    if (!Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      const id = typeof object.$id === 'string' && !members ? resolvedUri(object.$id, base) : undefined;
      if (id !== undefined) {
        [base, resourceDepth] = [id, trail?.depth ?? 0];
        absolute ||= URL.canParse(object.$id as string);
        inFolder &&= !absolute && namesFileInFolder(object.$id as string);
        if (resources.has(id) && !namedTwice.has(id)) namedTwice.set(id, [resources.get(id), trail]);
        else resources.set(id, trail);
      }
      // An anchor that is no string is a place too: it is refused, never ignored.
      const anchored = Object.values(ANCHOR_KEYWORDS).some((keyword) => object[keyword] !== undefined);
      if (!members && (anchored || REF_KEYWORDS.some((keyword) => typeof object[keyword] === 'string')))
        places.push({ object, trail, base, resourceDepth, absolute, inFolder });
    }
    const entries = Object.entries(value);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index] as [string, unknown];
      if (!Array.isArray(value) && !members && DATA_KEYWORDS.has(key)) continue;
      const childMembers = !Array.isArray(value) && !members && NAMED_MEMBERS.has(key);
      const childTrail = { key, up: trail, depth: (trail?.depth ?? 0) + 1 };
      stack.push({ value: child, trail: childTrail, base, resourceDepth, absolute, inFolder, members: childMembers });
    }
  }
  return { places, resources, namedTwice };
}

/** An anchor a reference names and the import cannot find: in the document, or in a file beside it. */
interface Unresolved {
  resource: string;
  name: string;
  inFile?: true;
}

/** An anchor found in a resource two roots name: its pointer could be read from either. */
interface InDoubt {
  resource: string;
  roots: readonly [Root, Root];
}

/** An anchor in a resource a relative `$id` names outside the document's folder: see anchorAsPointer. */
interface OutsideFolder {
  resource: string;
  outside: Place;
}

/**
 * `ref` with its anchor as a JSON pointer; what it names when that cannot be found, told apart or written;
 * undefined when `ref` is no reference to an anchor (a JSON pointer, a whole file, the network, which swagger-parser
 * refuses to read).
 */
function anchorAsPointer(
  ref: string,
  place: Place,
  { resources, namedTwice }: { resources: ReadonlyMap<string, Root>; namedTwice: ReadonlyMap<string, [Root, Root]> },
  anchors: ReadonlyMap<string, Anchor>,
  documentUri: string,
  source: string | undefined,
): string | Unresolved | InDoubt | OutsideFolder | undefined {
  const hash = ref.indexOf('#');
  if (hash === -1) return undefined;
  const name = decoded(ref.slice(hash + 1));
  if (name === '' || name.startsWith('/')) return undefined;
  const uri = ref.slice(0, hash);
  const resource = uri === '' ? place.base : resolvedUri(uri, place.base);
  if (resource === undefined) return undefined;
  // A file beside the document is read by swagger-parser, which would say only that a pointer starts with `#/`.
  if (!resources.has(resource)) return /^https?:/i.test(resource) ? undefined : { name, resource, inFile: true };
  const anchor = anchors.get(`${resource}#${name}`);
  if (!anchor) return { resource, name };
  const roots = namedTwice.get(resource);
  if (roots) return { resource, roots };
  anchor.fragment ??= resourceFragment(anchor.place, source);
  // With the resource's URI when a `$id` names it by an absolute one: swagger-parser reads a bare `#/…` inside it
  // from the document's root when it got there by a JSON pointer (`"$ref": "#/components/schemas/Pet"`).
  if (anchor.place.absolute) return `${resource}#${anchor.fragment}`;
  if (resource === documentUri) return `${uri}#${anchor.fragment}`;
  // A relative `$id` swagger-parser resolves against a base of its own (the working folder when the document is no
  // file), and against the document's root, not the enclosing `$id`s, once it got into the resource by a JSON
  // pointer: its URI there cannot be written. Only a resource in the document's folder, referred to from that folder,
  // has a name that leads to it from every base: its file name.
  const outside = [anchor.place, place].find((at) => !at.inFolder);
  if (outside) return { resource, outside };
  const { pathname, search } = new URL(resource);
  return `./${pathname.slice(pathname.lastIndexOf('/') + 1)}${search}#${anchor.fragment}`;
}

/** Half of a UTF-16 surrogate pair standing alone: no URI, so no `$ref`, can name a key that holds one. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The JSON pointer of an anchored schema in its resource, percent-encoded: swagger-parser decodes a `$ref`'s
 * fragment before reading it as a pointer.
 */
function resourceFragment(place: Place, source: string | undefined): string {
  const keys = keysOf(place.trail);
  const inResource = keys.slice(place.resourceDepth);
  if (inResource.some((key) => LONE_SURROGATE.test(key))) {
    const keyword = typeof place.object.$anchor === 'string' ? '$anchor' : '$dynamicAnchor';
    throw new OpenApiImportError(
      `"${keyword}": ${quoted(String(place.object[keyword]))} names the schema at ${pointer(keys)}, under a key that is not valid Unicode (it holds a lone surrogate, half of a UTF-16 pair): no $ref can reach it; rename the key`,
      source,
    );
  }
  return inResource.map((key) => `/${encodeURIComponent(pointerSegment(key))}`).join('');
}

/** A `$dynamicRef` followed as the `$ref` it resolves to first (beside a `$ref` of its own, as one more `allOf`). */
function dynamicRefAsRef(object: Record<string, unknown>, target: string): void {
  delete object.$dynamicRef;
  if (object.$ref === undefined) object.$ref = target;
  else object.allOf = [...(Array.isArray(object.allOf) ? object.allOf : []), { $ref: target }];
}

function malformedAnchor(
  keyword: (typeof ANCHOR_KEYWORDS)[keyof typeof ANCHOR_KEYWORDS],
  name: unknown,
  place: Place,
  source: string | undefined,
): OpenApiImportError {
  const hint =
    typeof name === 'string' && name.startsWith('#') && ANCHOR_NAME.test(name.slice(1))
      ? `; write ${quoted(name.slice(1))}, without its # (a "$ref": ${quoted(name)} names it)`
      : ` (e.g. "${keyword}": "Pet", referred to as "${keyword === '$anchor' ? '$ref' : '$dynamicRef'}": "#Pet")`;
  return new OpenApiImportError(
    `the "${keyword}" at ${pointer(keysOf(place.trail))} is ${shown(name)}: an anchor is a name that starts with a letter or _, then letters, digits, -, _ or .${hint}`,
    source,
  );
}

function outsideFolder(
  keyword: (typeof REF_KEYWORDS)[number],
  ref: string,
  place: Place,
  { resource, outside }: OutsideFolder,
  resources: ReadonlyMap<string, Root>,
  source: string | undefined,
): OpenApiImportError {
  const root = resources.get(outside.base);
  return new OpenApiImportError(
    `a ${keyword} at ${pointer(keysOf(place.trail))} points to ${quoted(ref)}, an anchor in ${shortenText(resource, SHOWN_CHARS)}, but the "$id" at ${pointer(keysOf(root))} names ${outside === place ? 'the resource that holds the $ref' : 'that resource'} relative to another folder than the document's: swagger-parser resolves such a URI against a folder of its own, so the schema cannot be named to it; write that "$id" as an absolute URI ("https://example.com/…") or as a file name in the document's folder ("pet.json"), or refer to the schema by its JSON pointer`,
    source,
  );
}

function rootsInDoubt(
  keyword: (typeof REF_KEYWORDS)[number],
  ref: string,
  place: Place,
  { resource, roots }: InDoubt,
  source: string | undefined,
): OpenApiImportError {
  const [first, second] = roots.map((root) => (root ? `the "$id" at ${pointer(keysOf(root))}` : 'the document'));
  return new OpenApiImportError(
    `a ${keyword} at ${pointer(keysOf(place.trail))} points to ${quoted(ref)}, an anchor in ${shortenText(resource, SHOWN_CHARS)}, which ${first} and ${second} both name: a pointer from either root could be meant; give the schema an $id of its own`,
    source,
  );
}

function danglingAnchor(
  keyword: (typeof REF_KEYWORDS)[number],
  ref: string,
  place: Place,
  { resource, name, inFile }: Unresolved,
  anchors: ReadonlyMap<string, Anchor>,
  documentUri: string,
  source: string | undefined,
): OpenApiImportError {
  const at = `a ${keyword} at ${pointer(keysOf(place.trail))} points to ${quoted(ref)}`;
  if (inFile)
    return new OpenApiImportError(
      `${at}, an anchor in another file: anchors are looked up in the document itself only; refer to the schema by its JSON pointer in that file ("${shortenText(ref.slice(0, ref.indexOf('#')), SHOWN_CHARS)}#/…")`,
      source,
    );
  const names = [...anchors.keys()]
    .filter((key) => key.startsWith(`${resource}#`))
    .map((key) => key.slice(resource.length + 1));
  const closest = closestName(name, names);
  const hint = closest === undefined ? '' : ` (did you mean ${quoted(`#${closest}`)}?)`;
  const of = resource === documentUri ? '' : ` of ${shortenText(resource, SHOWN_CHARS)}`;
  return new OpenApiImportError(
    `${at}, but no schema${of} has "${ANCHOR_KEYWORDS[keyword]}": ${quoted(name)}${hint}`,
    source,
  );
}

function keysOf(trail: Trail | undefined): string[] {
  const keys: string[] = [];
  for (let at = trail; at; at = at.up) keys.push(at.key);
  return keys.reverse();
}

/** The characters of a name, a reference or a key a message shows: what clients send can run to megabytes. */
const SHOWN_CHARS = 100;

/** `text` in a message, quoted, by its start when long. */
function quoted(text: string): string {
  return JSON.stringify(shortenText(text, SHOWN_CHARS));
}

/** A value a message shows: text quoted (by its start when long), a list or an object by its kind. */
function shown(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return 'a list';
  return value !== null && typeof value === 'object' ? 'an object' : String(value);
}

/** `#/paths/~1items/get` as the document's other messages write a place (a long key by its start). */
function pointer(path: readonly string[]): string {
  return `#${path.map((key) => `/${shortenText(pointerSegment(key), SHOWN_CHARS)}`).join('')}`;
}

/** A `$id` or a `$ref`'s URI resolved against the resource it is in, without a fragment; undefined if malformed. */
function resolvedUri(uri: string, base: string): string | undefined {
  try {
    const url = new URL(uri, base);
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

function decoded(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
