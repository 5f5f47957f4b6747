import type Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormats from 'ajv-formats';
import type { JsonObject } from '../../shared/json-value';
import { loadModule } from '../support/load-module';
import { compileUserRegex, withinRegexBudget } from '../support/user-regex';
import { enumKeyword } from './enum-keyword';
import { schemaBranchingProblem } from './schema-branching';
import { type AjvCodeTags, uniqueItemsKeyword } from './unique-items-keyword';

/**
 * A compiled JSON Schema: the errors for a value, or undefined when it is valid (defaults are filled in). Throws
 * `SchemaRecursionError` for a value the schema cannot be worked out on, and `UserRegexBudgetError` for one its
 * patterns would take too long to match (USER_REGEX_RUN_BUDGET).
 */
export type SchemaCheck = (value: unknown) => ErrorObject[] | undefined;

const RECURSION = 'refers to itself without end (a $ref or $dynamicRef cycle that never reaches the value)';

/** The schema recursed without end on a value (ajv's validator ran out of stack): the schema's fault, not the value's. */
export class SchemaRecursionError extends Error {
  constructor() {
    super(`the schema ${RECURSION} for this value: fix the schema`);
    this.name = 'SchemaRecursionError';
  }
}

/** The `$id` a schema without one is compiled under: a URL that names nothing (RFC 2606's `.invalid`). */
const ROOT_SCHEMA_ID = 'https://schema.agui-mock.invalid/';

/** Values a schema is tried on once compiled: a cycle that holds for every value shows on them. */
const PROBES: readonly (() => unknown)[] = [() => null, () => true, () => 0, () => '', () => [], () => ({})];

/** `pattern` and `patternProperties` run on RE2 (linear time), like every other regex a user writes. */
const re2Engine = Object.assign(
  (pattern: string) => {
    const regex = compileUserRegex(pattern);
    // ajv shares compiled patterns by their text.
    return { test: (text: string) => regex.test(text), toString: () => `re2:${pattern}` };
  },
  { code: 'compileUserRegex' },
);

/**
 * Errors one check collects at most. With `allErrors`, ajv keeps every error, and those of each `anyOf` branch tried
 * until the union fails: a 50-branch union on each item of a 780 kB list made 6 million, 1.3 GB and 6 s. A 422
 * lists the first 100 (MAX_LISTED_ISSUES) and counts the rest: past this many (some 50 MB), checking stops and the
 * rest are not counted.
 */
export const MAX_HELD_ERRORS = 200_000;

/** The message of the error the generated code throws past MAX_HELD_ERRORS, carrying the errors so far. */
const ERRORS_CAPPED = 'agui-mock: schema check stopped at its error limit';

/**
 * ajv's generated code adds an error with `errors++` (and `errors = vErrors.length` after a subschema's): each is
 * followed by a stop past the limit. A stop, not a cap that drops errors: ajv tells a branch that passed by its
 * error count not growing, so dropped errors would let a union accept a value that fails it.
 */
const ERROR_CAP = `if (errors > ${MAX_HELD_ERRORS}) throw Object.assign(new Error(${JSON.stringify(ERRORS_CAPPED)}), { errors: vErrors });`;
const capErrors = (code: string) =>
  code
    .replaceAll('errors++;', `errors++;${ERROR_CAP}`)
    .replaceAll('errors = vErrors.length;', `errors = vErrors.length;${ERROR_CAP}`);

/**
 * The errors a check stopped at its limit had collected, after one that says it stopped (first, so a 422 that lists
 * a hundred shows it: the count of those not listed is no longer the whole), or undefined for any other error.
 */
function cappedErrors(error: unknown): ErrorObject[] | undefined {
  if (!(error instanceof Error) || error.message !== ERRORS_CAPPED) return undefined;
  const stopped: ErrorObject = {
    keyword: 'errorLimit',
    instancePath: '',
    schemaPath: '#',
    params: { limit: MAX_HELD_ERRORS },
    message: `the value has more than ${MAX_HELD_ERRORS} problems, so checking stopped there: fix those listed and send again`,
  };
  return [stopped, ...(error as Error & { errors: ErrorObject[] }).errors.slice(0, MAX_HELD_ERRORS)];
}

/**
 * The JSON Schema validators of one compiled world (draft 2020-12, with formats): one that converts text to the
 * declared types (path and query parameters, headers — they arrive as text, as in FastAPI) and one that takes JSON
 * as it is (bodies, records). Every error is reported (`allErrors`).
 */
export class JsonSchemas {
  private fromText: Ajv2020 | undefined;
  private fromJson: Ajv2020 | undefined;
  /** Compiling generates code (milliseconds each); routes imported from one OpenAPI document share many schemas. */
  private readonly compiled = new Map<string, SchemaCheck>();

  /** Throws an Error that says what is wrong with the schema. */
  compile(schema: JsonObject, input: 'text' | 'json'): SchemaCheck {
    const key = `${input}:${JSON.stringify(schema)}`;
    let check = this.compiled.get(key);
    if (!check) {
      // Every schema is read as 2020-12, whatever draft it names.
      const { $schema: _ignored, ...written } = schema;
      const rest = withRootAnchorInDefs(written);
      const branching = schemaBranchingProblem(rest);
      if (branching) throw new Error(branching);
      let validate: ValidateFunction;
      try {
        // A base `$id` for a schema without one: with `addUsedSchema` off, ajv resolves `{"$ref": "#"}` (a tree of
        // nodes, a list of lists) only against a schema that has one, and refused it ("can't resolve reference #").
        validate = this.ajv(input).compile(rest.$id === undefined ? { $id: ROOT_SCHEMA_ID, ...rest } : rest);
        for (const probe of PROBES) validate(probe());
      } catch (error) {
        // A `$ref` that only ever leads to itself runs ajv's compiler out of stack; `{"$dynamicRef": "#"}` and the
        // like compile into a validator that calls itself forever.
        if (error instanceof RangeError) throw new Error(`it ${RECURSION}`);
        // Said of the schema as written, without the base given it.
        if (error instanceof Error)
          error.message = anchorAdvice(error.message.replaceAll(` from id ${ROOT_SCHEMA_ID}`, ''));
        throw error;
      }
      check = (value) => {
        try {
          // Its `pattern`s share one budget: a pattern on each item of a large list adds up.
          return withinRegexBudget(() => validate(value)) ? undefined : [...(validate.errors ?? [])];
        } catch (error) {
          if (error instanceof RangeError) throw new SchemaRecursionError();
          const capped = cappedErrors(error);
          if (capped) return capped;
          throw error;
        }
      };
      this.compiled.set(key, check);
    }
    return check;
  }

  /** Made on the first schema compiled: most worlds have none (a world is compiled on every edit). */
  private ajv(input: 'text' | 'json'): Ajv2020 {
    if (input === 'text') {
      this.fromText ??= createAjv(true);
      return this.fromText;
    }
    this.fromJson ??= createAjv(false);
    return this.fromJson;
  }
}

/**
 * ajv registers the `$anchor` of every subschema but not the root's: `{"$anchor": "node", …, "items": {"$ref":
 * "#node"}}` (a tree naming itself) was refused, "can't resolve reference #node". The root's anchor moves to a
 * `$defs` entry that is the root again (`{"$anchor": "node", "$ref": "#"}`): the same references, the same checks.
 */
function withRootAnchorInDefs(schema: JsonObject): JsonObject {
  const { $anchor: anchor, ...rest } = schema;
  const defs = rest.$defs ?? {};
  // A malformed one is left for ajv to name.
  if (typeof anchor !== 'string' || defs === null || typeof defs !== 'object' || Array.isArray(defs)) return schema;
  let name = 'rootAnchor';
  while (Object.hasOwn(defs, name)) name = `_${name}`;
  return { ...rest, $defs: { ...defs, [name]: { $anchor: anchor, $ref: '#' } } };
}

/** An anchor's name as JSON Schema allows it (and ajv checks it). */
const ANCHOR_NAME = /^[A-Za-z_][-A-Za-z0-9._]*$/;

/** ajv's words for an anchor it could not use, with what to write instead. */
function anchorAdvice(message: string): string {
  const invalid = /^invalid anchor "(.*)"$/.exec(message);
  if (invalid) {
    const name = invalid[1] ?? '';
    const bare = name.replace(/^#/, '');
    const fix =
      bare !== name && ANCHOR_NAME.test(bare)
        ? `write it without the # ("$anchor": ${JSON.stringify(bare)}; a "$ref": "#${bare}" refers to it)`
        : 'an anchor is a name starting with a letter or _, then letters, digits, -, _ or . (a "$ref": "#name" refers to it)';
    return `invalid "$anchor" ${JSON.stringify(name)}: ${fix}`;
  }
  const unresolved = /^can't resolve reference \S*#([^/]+?)(?: from id \S+)?$/.exec(message);
  const anchor = unresolved?.[1];
  if (!anchor || !ANCHOR_NAME.test(anchor)) return message;
  return `${message}: no subschema there has "$anchor": ${JSON.stringify(anchor)} — add it to the subschema the reference means, or refer to that subschema by its JSON pointer ("#/$defs/${anchor}" for one in "$defs")`;
}

let ajvModules: { Ajv: typeof Ajv2020; addFormats: typeof addFormats; tags: AjvCodeTags } | undefined;

/**
 * ajv and its formats, loaded with the first schema compiled rather than with the engine's modules: most engines
 * and CLI commands never compile one, and every process that loads the engine (each CLI command, each library
 * user's test file, the desktop app) paid about 0.1 s of CPU for them.
 */
function loadAjv(): NonNullable<typeof ajvModules> {
  if (!ajvModules) {
    const ajv = loadModule('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const formats = loadModule('ajv-formats') as { default: typeof addFormats };
    ajvModules = { Ajv: ajv.default, addFormats: formats.default, tags: { _: ajv._, str: ajv.str } };
  }
  return ajvModules;
}

function createAjv(coerceTypes: boolean): Ajv2020 {
  const { Ajv, addFormats, tags } = loadAjv();
  const ajv = new Ajv({
    allErrors: true,
    // A required `constructor` or `toString` is missing from `{}`: ajv would otherwise read the prototype's.
    ownProperties: true,
    coerceTypes,
    useDefaults: true,
    // Schemas come from people and OpenAPI documents: unknown keywords (`example`, `x-…`) are not errors.
    strict: false,
    logger: false,
    // Errors carry the schema that failed (`parentSchema`): a non-object for a model is `model_attributes_type`,
    // for a bare object `dict_type`. It costs only when a value is invalid.
    verbose: true,
    // Two routes may carry the same schema with the same $id.
    addUsedSchema: false,
    code: { regExp: re2Engine, process: capErrors },
  });
  addFormats(ajv);
  // ajv's own compares items of arrays and objects pairwise: quadratic in a client's list.
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword(uniqueItemsKeyword(tags));
  // ajv's compares a value with each allowed one: an enum of thousands on each item of a client's list.
  ajv.removeKeyword('enum');
  ajv.addKeyword(enumKeyword(tags));
  return ajv;
}
