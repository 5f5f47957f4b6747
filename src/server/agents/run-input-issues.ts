import type { z } from 'zod';
import { isJsonObject } from '../../shared/json-value';
import { echoedInput } from '../http/echoed-input';
import type { ValidationIssue } from '../http/http-errors';
import { toValidationIssues, valueAt } from '../http/validation';

/**
 * The official schema's problems with a run's body, as FastAPI reports those of a pydantic model (AG-UI's Python SDK
 * declares RunAgentInput as one) and as a route reports those of its JSON Schema (json-schema-issues.ts): every one,
 * in the schema's field order; a missing field's `input` the object it is missing from; a length limit in `ctx`; a
 * non-object where a model goes `model_attributes_type`; a message's unknown `role` `union_tag_invalid` at the
 * message, with the tags in `ctx`. Only the issues a 422 lists are reshaped.
 */
export function runInputIssues(issues: readonly z.core.$ZodIssue[], body: unknown): ValidationIssue[] {
  const details = new ZodDetails(issues);
  return toValidationIssues(issues, body, 'body').map((issue) => pydanticShaped(issue, body, details));
}

function pydanticShaped(issue: ValidationIssue, body: unknown, details: ZodDetails): ValidationIssue {
  if (issue.type === 'too_many_errors') return issue;
  const path = issue.loc.slice(1);
  // zod reports a discriminated union at its tag (`messages.0.role`); pydantic at the item, which is the input.
  if (issue.type === 'union_tag_invalid' || issue.type === 'union_tag_not_found')
    return unionTagIssue(issue, body, details);
  // A field that is not there is `missing` whatever its type, a union (`content`) too; the input is its object.
  const key = path.at(-1);
  if (typeof key === 'string') {
    const parent = valueAt(body, path.slice(0, -1));
    if (isJsonObject(parent) && !Object.hasOwn(parent, key)) {
      return { type: 'missing', loc: issue.loc, msg: 'Field required', input: parent };
    }
  }
  switch (issue.type) {
    case 'dict_type':
      // Every object of the schema is a model (FastAPI validates with `from_attributes`), as a route's with properties.
      return {
        ...issue,
        type: 'model_attributes_type',
        msg: 'Input should be a valid dictionary or object to extract fields from',
      };
    case 'string_too_short':
    case 'string_too_long': {
      const limit = details.at(path);
      if (limit?.code === 'too_small') return { ...issue, ctx: { min_length: Number(limit.minimum) } };
      if (limit?.code === 'too_big') return { ...issue, ctx: { max_length: Number(limit.maximum) } };
      return issue;
    }
    case 'enum':
    case 'literal_error':
      // pydantic's message is `Input should be <expected>`.
      return issue.msg.startsWith(SHOULD_BE)
        ? { ...issue, ctx: { expected: issue.msg.slice(SHOULD_BE.length) } }
        : issue;
    default:
      return issue;
  }
}

const SHOULD_BE = 'Input should be ';

/** A tag no member has at the item (`union_tag_invalid`), or none at all (`union_tag_not_found`), as pydantic says. */
function unionTagIssue(issue: ValidationIssue, body: unknown, details: ZodDetails): ValidationIssue {
  const loc = issue.loc.slice(0, -1);
  const union = details.at(issue.loc.slice(1));
  const item = valueAt(body, loc.slice(1));
  if (union?.code !== 'invalid_union' || union.discriminator === undefined || !isJsonObject(item)) return issue;
  const named = `'${union.discriminator}'`;
  if (!Object.hasOwn(item, union.discriminator)) {
    return {
      type: 'union_tag_not_found',
      loc,
      msg: `Unable to extract tag using discriminator ${named}`,
      input: item,
      ctx: { discriminator: named },
    };
  }
  const tag = pythonText(item[union.discriminator]);
  const options = 'options' in union && Array.isArray(union.options) ? union.options : [];
  const expected = options.map((option) => `'${String(option)}'`).join(', ');
  return {
    type: 'union_tag_invalid',
    loc,
    msg: `Input tag '${tag}' found using ${named} does not match any of the expected tags: ${expected}`,
    input: item,
    ctx: { discriminator: named, tag, expected_tags: expected },
  };
}

/**
 * A JSON value as Python's `str` prints the value it decodes to (`None`, `True`), as pydantic names a tag; cut short
 * as an `input` is (`echoedInput`): the tag is the client's, and a megabyte `role` would be echoed twice (msg, ctx).
 */
function pythonText(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  const echoed = echoedInput(value);
  return typeof echoed === 'string' ? echoed : JSON.stringify(echoed);
}

/**
 * What zod knew of an issue that its words leave out — a limit (`minimum`), a tagged union's tag and options — by
 * where it is, within a union's branch too (reported where it is, as `toValidationIssues` does). Indexed at the
 * first question only: a 422 seldom asks.
 */
class ZodDetails {
  private byPath: Map<string, z.core.$ZodIssue> | undefined;

  constructor(private readonly issues: readonly z.core.$ZodIssue[]) {}

  at(path: readonly (string | number)[]): z.core.$ZodIssue | undefined {
    if (!this.byPath) {
      const byPath = new Map<string, z.core.$ZodIssue>();
      const index = (issues: readonly z.core.$ZodIssue[], within: readonly PropertyKey[]) => {
        for (const issue of issues) {
          const tagged =
            issue.code === 'invalid_union' && issue.discriminator !== undefined && issue.errors.length === 0;
          if (issue.code !== 'too_small' && issue.code !== 'too_big' && issue.code !== 'invalid_union') continue;
          const at = [...within, ...issue.path];
          if (issue.code !== 'invalid_union' || tagged) byPath.set(JSON.stringify(at), issue);
          else for (const branch of issue.errors) index(branch, at);
        }
      };
      index(this.issues, []);
      this.byPath = byPath;
    }
    return this.byPath.get(JSON.stringify(path));
  }
}
