import type { ValidationIssue } from '../http/http-errors';
import type { RequestBody } from '../http/request-body';

/**
 * Why a body cannot be checked against a JSON Schema, in FastAPI's words: missing (when required), not valid
 * JSON (`json_invalid` at the character where decoding failed), or of a type that is not JSON. Undefined when
 * there is a value to check.
 */
export function bodyIssue(
  body: RequestBody,
  options: { required: boolean; jsonOnly: boolean },
): ValidationIssue | undefined {
  switch (body.kind) {
    case 'none':
      return options.required ? { type: 'missing', loc: ['body'], msg: 'Field required', input: null } : undefined;
    case 'invalid-json': {
      const position = /position (\d+)/.exec(body.error)?.[1];
      return {
        type: 'json_invalid',
        loc: position === undefined ? ['body'] : ['body', Number(position)],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: body.error },
      };
    }
    case 'json':
      return undefined;
    case 'form':
    case 'text':
      if (!options.jsonOnly) return undefined;
      return notJson(`${body.kind === 'form' ? 'form fields' : 'text'}`);
    case 'unread':
      return notJson(body.contentType);
  }
}

function notJson(what: string): ValidationIssue {
  return {
    type: 'model_attributes_type',
    loc: ['body'],
    msg: `Input should be a valid dictionary or object to extract fields from (send the body as application/json, not ${what})`,
    input: null,
  };
}
