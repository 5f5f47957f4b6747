import { HttpError } from './http-errors';

/**
 * The most fields a form body may carry. Starlette (FastAPI's form parser) stops multipart forms at 1,000 fields
 * too; past it a form is refused rather than cut short, which would drop fields without a word.
 */
export const MAX_FORM_FIELDS = 1000;

/** Form fields by name: the value, or every value in the order sent when the name is repeated. */
export type FormFields = Record<string, string | string[]>;

/**
 * An `application/x-www-form-urlencoded` body as fields, read the way query parameters are (WHATWG
 * `URLSearchParams`, as Koa reads `ctx.query`) and the way FastAPI keeps them: names exactly as sent (`a.b` and
 * `a[b][c]` are names, not paths into objects), a repeated name's values all kept (an array, as in `ctx.query`), no
 * field dropped. Each field is an own property, so `__proto__`, `constructor` or `toString` are fields like any
 * other and never reach a prototype. More than `maxFields` fields is a 413 naming the limit.
 */
export function parseFormFields(text: string, maxFields = MAX_FORM_FIELDS): FormFields {
  const fields: FormFields = {};
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > maxFields) {
      throw new HttpError(
        413,
        `Request body has too many form fields: the limit is ${maxFields} fields; send fewer, or send the data as JSON`,
      );
    }
    const earlier = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (Array.isArray(earlier)) earlier.push(value);
    else {
      const kept = earlier === undefined ? value : [earlier, value];
      Object.defineProperty(fields, name, { value: kept, writable: true, enumerable: true, configurable: true });
    }
  }
  return fields;
}
