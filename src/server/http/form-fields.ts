import { TextDecoder } from 'node:util';
import type iconvLite from 'iconv-lite';
import { loadedOnFirstUse, loadModule } from '../support/load-module';
import { HttpError } from './http-errors';

/**
 * The most fields a form body may carry. Starlette (FastAPI's form parser) stops multipart forms at 1,000 fields
 * too; past it a form is refused rather than cut short, which would drop fields without a word.
 */
export const MAX_FORM_FIELDS = 1000;

/** Form fields by name: the value, or every value in the order sent when the name is repeated. */
export type FormFields = Record<string, string | string[]>;

/** Reads a form's bytes — its body, its percent-escapes — as text in its charset. */
export interface FormDecoder {
  decode(bytes: Buffer): string;
}

/** UTF-8, the charset of a form that names none, read leniently (as URLSearchParams reads it). */
const UTF8: FormDecoder = new TextDecoder();

/**
 * The decoder of a form body in `charset` (its Content-Type's; UTF-8 when it names none), by iconv-lite, as Python
 * decodes (FastAPI's forms): `iso-8859-1` and `latin1` are ISO 8859-1, `windows-1252` (`cp1252`) is that code page
 * (`%80` is €), `shift_jis`…, in any case. A UTF-16 charset is read as UTF-8, as WHATWG reads forms: a form's text is
 * ASCII, its escapes bytes. A charset iconv-lite does not know is a 415 naming it.
 */
export function formDecoder(charset: string): FormDecoder {
  if (!charset || /^utf-?(8|16)/i.test(charset)) return UTF8;
  const iconv = loadIconv();
  if (!iconv.encodingExists(charset)) {
    throw new HttpError(
      415,
      `Unsupported charset ${JSON.stringify(charset)} of the form body: send it in UTF-8 (no charset), or in a charset such as iso-8859-1 or windows-1252`,
    );
  }
  return { decode: (bytes) => iconv.decode(bytes, charset) };
}

/** iconv-lite, loaded with the first form in another charset than UTF-8: few engines see one. */
const loadIconv = loadedOnFirstUse<typeof iconvLite>(() => loadModule('iconv-lite'));

/**
 * An `application/x-www-form-urlencoded` body's text (read by `decoder`) as fields, read the way query parameters
 * are (WHATWG `URLSearchParams`, as Koa reads `ctx.query`) and the way FastAPI keeps them: names exactly as sent
 * (`a.b` and `a[b][c]` are names, not paths into objects), a repeated name's values all kept (an array, as in
 * `ctx.query`), no field dropped. Percent-escapes are bytes in the form's charset (`%E9` is é in iso-8859-1, half a
 * character in UTF-8). Each field is an own property, so `__proto__`, `constructor` or `toString` are fields like
 * any other and never reach a prototype. More than `maxFields` fields is a 413 naming the limit.
 */
export function parseFormFields(text: string, decoder = UTF8, maxFields = MAX_FORM_FIELDS): FormFields {
  const fields: FormFields = {};
  let count = 0;
  for (const [name, value] of decoder === UTF8 ? new URLSearchParams(text) : formEntries(text, decoder)) {
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

/** A run of percent-escapes: the bytes of one or more characters. */
const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/** URLSearchParams' reading (`&` between fields, `=` after a name, `+` a space) with escapes read by `decoder`. */
function* formEntries(text: string, decoder: FormDecoder): Generator<[string, string]> {
  const decoded = (part: string) =>
    part.replaceAll('+', ' ').replace(ESCAPES, (run) => decoder.decode(Buffer.from(run.replaceAll('%', ''), 'hex')));
  for (const field of text.split('&')) {
    if (field === '') continue;
    const equals = field.indexOf('=');
    yield equals === -1 ? [decoded(field), ''] : [decoded(field.slice(0, equals)), decoded(field.slice(equals + 1))];
  }
}
