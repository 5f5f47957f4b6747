import type { Context } from 'koa';
import type { RequestBody } from '../http/request-body';
import { requestHeaders } from '../http/request-headers';
import type { TemplateScope } from '../templates/template-scope';
import type { RequestValues } from './request-conditions';

/**
 * The request's values before any schema: query and headers as sent (repeated ones as lists), any name included
 * (Koa's query keeps a `__proto__` parameter as its own property; Node's headers lose such a header).
 */
export function rawRequestValues(ctx: Context, params: Record<string, string>, body: RequestBody): RequestValues {
  return { params, query: ctx.query, headers: requestHeaders(ctx.req), body, bodyValue: bodyValue(body) };
}

/** Without a schema, a repeated query parameter or header reads as its last value. */
export function lastValues(values: RequestValues): RequestValues {
  return { ...values, query: lastOfEach(values.query), headers: lastOfEach(values.headers) };
}

export function templateScope(ctx: Context, values: RequestValues): TemplateScope {
  return {
    params: values.params,
    query: values.query,
    headers: values.headers,
    body: values.bodyValue,
    method: ctx.method,
    path: ctx.path,
    url: ctx.url,
  };
}

function bodyValue(body: RequestBody): unknown {
  switch (body.kind) {
    case 'json':
    case 'form':
    case 'text':
      return body.value;
    case 'invalid-json':
      return body.text;
    default:
      return undefined;
  }
}

function lastOfEach(record: Record<string, unknown>): Record<string, unknown> {
  // Without a prototype: a value named `__proto__` is kept as any other, never set as the prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(record)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.at(-1) : value;
  }
  return out;
}
