import type { Context } from 'koa';
import type { RequestBody } from '../http/request-body';
import type { TemplateScope } from '../templates/template-scope';
import type { RequestValues } from './request-conditions';

/** The request's values before any schema: query and headers as sent (repeated ones as lists). */
export function rawRequestValues(ctx: Context, params: Record<string, string>, body: RequestBody): RequestValues {
  return { params, query: ctx.query, headers: ctx.headers, body, bodyValue: bodyValue(body) };
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
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.at(-1) : value;
  }
  return out;
}
