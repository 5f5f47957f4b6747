import { realpath } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Context } from 'koa';
import { type Fault, HEADER_VALUE_MAX } from '../../shared/mounts/route';
import { CLIENT_CLOSED_REQUEST, HttpError } from '../http/http-errors';
import { type RequestBody, readRequestBody } from '../http/request-body';
import { sendBodyAsBytes } from '../http/text-body-bytes';
import { regexBudgetOf, withinRegexBudget } from '../support/user-regex';
import {
  type RenderSession,
  renderSession,
  responseJson,
  TemplateLimitError,
  TemplateRenderError,
  TemplateValueError,
} from '../templates/template-engine';
import type { TemplateCounters } from '../templates/template-helpers';
import type { TemplateScope } from '../templates/template-scope';
import { abortableDelay } from './abortable-delay';
import { setAnsweredBy } from './answered-by';
import { bufferFaultBody, dripFileBody, type FaultBody, fileFaultBody, firstBytes } from './fault-body';
import type { HttpMountEnv } from './mount-compile-tools';
import type { PathMatch } from './path-pattern';
import type { RequestValues } from './request-conditions';
import { lastValues, rawRequestValues, templateScope } from './request-values';
import { DripStream, malformedPieceLength, playConnectionFault } from './response-faults';
import type { CompiledResponse, CompiledRoute } from './route-compiler';
import { findFileToSend, sendOpenedFile } from './send-file';
import { namesNoFile, type OpenedFile, openServable, UnservableFile } from './servable-file';
import { workspaceFilePath } from './workspace-file';

const NO_BODY: RequestBody = { kind: 'none' };

/**
 * The request's values as a route sees them: the body read only when the route needs it, then checked and
 * converted by the route's schemas (a 422 is thrown here, before any response is chosen).
 */
export async function routeValues(
  ctx: Context,
  route: CompiledRoute,
  match: PathMatch,
  env: HttpMountEnv,
): Promise<RequestValues> {
  const body = route.needsBody ? await readRequestBody(ctx, env.settings()) : NO_BODY;
  const raw = rawRequestValues(ctx, match.params, body);
  const { validation } = route;
  // Its schemas' patterns draw on the request's one regex budget, as every route tried for it does.
  return validation ? withinRegexBudget(() => validation.validate(raw), regexBudgetOf(ctx)) : lastValues(raw);
}

/**
 * Answers with the route if one of its responses applies; returns false otherwise (the next mount may answer).
 * Validation failures (422), header values the request cannot fill (400) and template errors (500) are thrown for
 * the error handler to shape.
 */
export async function answerRoute(
  ctx: Context,
  route: CompiledRoute,
  match: PathMatch,
  env: HttpMountEnv,
  counters?: TemplateCounters,
): Promise<boolean> {
  let values: RequestValues;
  try {
    values = await routeValues(ctx, route, match, env);
  } catch (error) {
    setAnsweredBy(ctx, { kind: 'route', id: route.route.id });
    throw error;
  }
  // The responses' conditions share the request's one regex budget: each alone is bounded, a route may have many,
  // and many routes may share a path.
  const index = withinRegexBudget(
    () => route.pick(route.responses.length, (i) => route.responses[i]?.conditions?.holds(values) ?? true),
    regexBudgetOf(ctx),
  );
  const chosen = route.responses[index];
  if (!chosen) return false;
  const { response } = chosen;
  setAnsweredBy(ctx, {
    kind: 'route',
    id: route.route.id,
    responseId: response.id,
    ...(response.fault ? { fault: response.fault.type } : {}),
  });
  const where = `Route ${route.route.id}, response ${response.id}`;
  const rendered = render(
    chosen,
    templateScope(ctx, values),
    renderSession(`route:${route.route.id}`, counters),
    where,
  );
  if (!(await abortableDelay(ctx, response.delayMs))) {
    // The client left while we waited: nobody to answer. Logged as nginx logs it (499, client closed request),
    // not as the 404 Koa would otherwise leave, which reads as a routing failure.
    ctx.status = CLIENT_CLOSED_REQUEST;
    ctx.respond = false;
    return true;
  }
  try {
    await deliver(ctx, chosen, rendered, env, where);
  } catch (error) {
    // The error's own answer must not carry the response's headers (a 404 JSON is no attachment).
    for (const [name] of rendered.headers) ctx.remove(name);
    throw error;
  }
  return true;
}

/** A header value Node writes as more than ASCII: its response's text body must go out as bytes. */
const BEYOND_ASCII = /[\u0080-\uffff]/;

/**
 * A header value as it goes on the wire: text with a character outside Latin-1 as its UTF-8 bytes (obs-text, which
 * RFC 9110 tolerates and a client decoding UTF-8 reads back), Latin-1 text as it is. Node writes a header's
 * characters as Latin-1 bytes (so long as the body is not handed to it as a string: see `sendBodyAsBytes`).
 */
export function headerText(value: string): string {
  return /[\u0100-\uffff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** The first character of Latin-1 text a header cannot carry (a control character other than tab), named. */
function controlCharacter(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code >= 0x20 || code === 0x09) && code !== 0x7f) continue;
    const id = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return code === 0x0a || code === 0x0d ? `a line break (${id})` : `a control character (${id})`;
  }
  return undefined;
}

interface Rendered {
  headers: [string, string][];
  body:
    | { kind: 'none' }
    // Text the engine made (JSON or a text body): sent and logged as text, not as bytes.
    | { kind: 'text'; text: string; type: string }
    | { kind: 'file'; file: string; folder: string };
}

/**
 * Renders the response's headers and body with one session: every string of the response spends from its one
 * budget (iterations, loop output, characters in all), so many strings cannot add up to a stall or a huge answer.
 */
function render(chosen: CompiledResponse, scope: TemplateScope, session: RenderSession, where: string): Rendered {
  try {
    const headers = chosen.headers.flatMap(({ name, value }): [string, string][] => {
      const text = headerText(value.render(scope, session));
      // A type the request left empty (`{{query.type}}` without one) falls back to the body's own.
      if (text === '' && name.toLowerCase() === 'content-type') return [];
      // A value longer than clients take (Node's default limit for all headers is 16 KiB): the request made it so.
      if (text.length > HEADER_VALUE_MAX)
        throw new HttpError(
          413,
          `${where}: header ${name} would be ${text.length} characters with the values this request gives it; a header value is at most ${HEADER_VALUE_MAX}`,
        );
      // The template's own text was checked when stored: what a header cannot carry came from the request.
      const control = controlCharacter(text);
      if (control) {
        throw new HttpError(
          400,
          `${where}: header ${name} cannot carry the value this request gives it: it would contain ${control}; send the value without control characters`,
        );
      }
      return [[name, text]];
    });
    const body = chosen.body;
    switch (body.kind) {
      case 'none':
        return { headers, body: { kind: 'none' } };
      case 'json':
        return {
          headers,
          body: {
            kind: 'text',
            text: responseJson(body.template.render(scope, session)),
            type: 'application/json; charset=utf-8',
          },
        };
      case 'text':
        return {
          headers,
          body: {
            kind: 'text',
            text: body.template.render(scope, session),
            type: 'text/plain; charset=utf-8',
          },
        };
      case 'file':
        return { headers, body: { kind: 'file', file: body.template.render(scope, session), folder: body.folder } };
    }
  } catch (error) {
    // Too much to render for this request (its body, its query): the request's doing, answered as too large.
    if (error instanceof TemplateLimitError)
      throw new HttpError(413, `${where}: the request makes the response too large to render: ${error.message}`);
    // A value the request sent that cannot be written as text: the request's doing, as a header it would break.
    if (error instanceof TemplateValueError) throw new HttpError(400, `${where}: ${error.message}`);
    if (error instanceof TemplateRenderError) throw new HttpError(500, `${where}: template error: ${error.message}`);
    throw error;
  }
}

/** Sends the rendered response: normally, after its delay, or misbehaving as its fault says. */
async function deliver(ctx: Context, chosen: CompiledResponse, rendered: Rendered, env: HttpMountEnv, where: string) {
  const { status, fault } = chosen.response;
  const hasType = rendered.headers.some(([name]) => name.toLowerCase() === 'content-type');
  ctx.status = status;
  for (const [name, value] of rendered.headers) ctx.set(name, value);
  if (rendered.headers.some(([, value]) => BEYOND_ASCII.test(value))) sendBodyAsBytes(ctx);
  let body: FaultBody;
  switch (rendered.body.kind) {
    case 'none':
      body = bufferFaultBody(Buffer.alloc(0));
      break;
    case 'text':
      if (!hasType) ctx.set('Content-Type', rendered.body.type);
      // A fault writes bytes itself; an ordinary answer is the text, which the request log keeps as text.
      if (!fault) {
        ctx.body = rendered.body.text;
        ctx.status = status;
        return;
      }
      body = textFaultBody(rendered.body.text, fault, env, where);
      break;
    case 'file': {
      const { file, folder } = rendered.body;
      const place = workspaceFilePath(env.baseDir, file, folder);
      if ('problem' in place) throw new HttpError(403, `${where}: ${place.problem}`);
      // A link inside the folder may lead out of it: what is sent must really be in the folder.
      const realBase = await realpath(env.baseDir).catch(() => {
        throw new HttpError(404, `${where}: file ${JSON.stringify(file)} not found`);
      });
      // koa-send refuses any `..` left in a name: it is given the name the check above resolved.
      if (!fault)
        return sendFile(
          ctx,
          { root: env.baseDir, realBase, relativeName: place.relativeName, env },
          file,
          status,
          where,
        );
      body = await servableFaultBody(place.path, realBase, env, fault.type).catch((error: unknown) => {
        throw fileRefusal(error, file, where);
      });
      if (!hasType) ctx.type = extname(place.path);
      break;
    }
  }
  if (fault && fault.type !== 'drip') {
    const file = rendered.body.kind === 'file' ? rendered.body.file : undefined;
    let piece: Buffer = Buffer.alloc(0);
    try {
      if (fault.type === 'malformed')
        piece = await firstBytes(body, malformedPieceLength(body.length)).catch((error: unknown) => {
          throw file === undefined ? error : fileRefusal(error, file, where);
        });
    } finally {
      body.release();
    }
    return playConnectionFault(ctx, fault.type, piece);
  }
  if (fault?.type === 'drip') {
    ctx.body = new DripStream(body, fault.chunks, fault.durationMs);
    ctx.length = body.length;
  } else {
    // No body (text and files went above): Koa would turn an empty body into 204; the route said which status it wants.
    ctx.body = '';
    if (!hasType) ctx.remove('Content-Type');
  }
  ctx.status = status;
}

/**
 * Sends the file, found by koa-send's rules (type by extension, length, Last-Modified; traversal and hidden files
 * refused), opened once by `openServable` (a link out of the folder and anything but a regular file refused).
 */
async function sendFile(
  ctx: Context,
  { root, realBase, relativeName, env }: { root: string; realBase: string; relativeName: string; env: HttpMountEnv },
  file: string,
  status: number,
  where: string,
): Promise<void> {
  const encoded = relativeName.split('/').map(encodeURIComponent).join('/');
  let found: string | undefined;
  let opened: OpenedFile;
  try {
    found = await findFileToSend(ctx, encoded, { root, index: false });
    if (found === undefined) throw new HttpError(404, `${where}: file ${JSON.stringify(file)} not found`);
    opened = await openServable(found, realBase, env);
  } catch (error) {
    // koa-send names a .br/.gz twin before it looks at it: the error answer is not encoded.
    ctx.remove('Content-Encoding');
    throw error instanceof HttpError ? error : fileRefusal(error, file, where);
  }
  sendOpenedFile(ctx, found, opened);
  ctx.status = status;
}

/**
 * A text body as a fault plays it. A drip holds it for as long as it plays: within what the engine's drips may hold
 * together, or a 503 (a moment later, once other drips end, it may be played); a text larger than that whole bound
 * (only a template writing what the request sent can make one) a 413, which waiting would never change.
 */
function textFaultBody(text: string, fault: Fault, env: HttpMountEnv, where: string): FaultBody {
  const bytes = Buffer.from(text);
  if (fault.type !== 'drip' || !env.dripHoldings) return bufferFaultBody(bytes);
  const giveBack = env.dripHoldings.take(bytes.length);
  if (giveBack) return bufferFaultBody(bytes, bytes.length, giveBack);
  const limitMiB = env.dripHoldings.limitBytes / 1024 / 1024;
  if (bytes.length > env.dripHoldings.limitBytes) {
    throw new HttpError(
      413,
      `Content Too Large: ${where}: this request makes the text the route drips ${bytes.length} bytes, more than the engine's drips may hold at all (${limitMiB} MiB); a smaller request is answered`,
    );
  }
  throw new HttpError(
    503,
    `Service Unavailable: ${where}: the drips playing now hold all the engine lets drips hold (${limitMiB} MiB), so this one's ${bytes.length} bytes cannot be held too; try again once some have ended`,
    { 'Retry-After': '1' },
  );
}

/**
 * A file for a fault that plays its bytes, checked and opened as `sendFile` opens what it streams (so one the engine
 * may not read is a 403 before any byte), and read through that descriptor as it is played; a drip's, which may
 * play for minutes, holds no descriptor between its pieces (`dripFileBody`).
 */
async function servableFaultBody(
  path: string,
  realBase: string,
  env: HttpMountEnv,
  fault: Fault['type'],
): Promise<FaultBody> {
  const opened = await openServable(path, realBase, env);
  return fault === 'drip' ? dripFileBody(opened, env.dripHoldings) : fileFaultBody(opened.handle, opened.stats.size);
}

/** The answer to a file a response names but cannot send. */
function fileRefusal(error: unknown, file: string, where: string): Error {
  const name = JSON.stringify(file);
  if (error instanceof UnservableFile) return new HttpError(error.status, `${where}: file ${name} ${error.message}`);
  const status = (error as { status?: number }).status;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return new HttpError(404, `${where}: file ${name} not found: a symbolic link on its way leads back to itself`);
  if (status === 404 || namesNoFile(error)) return new HttpError(404, `${where}: file ${name} not found`);
  if (status === 400 || status === 403 || code === 'EACCES')
    return new HttpError(403, `${where}: file ${name} is not served`);
  return error as Error;
}
