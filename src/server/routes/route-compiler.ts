import { validateHeaderValue } from 'node:http';
import { isJsonObject, type JsonValue } from '../../shared/json-value';
import type { Route, RouteResponse } from '../../shared/mounts/route';
import type { CompiledTemplate } from '../templates/template-engine';
import { templateProblem } from '../templates/template-engine';
import { type PathParams, pathParamsText } from '../templates/template-params';
import type { IssuePath, MountIssues } from '../world/mount-validation-error';
import { headerNameProblem } from './header-name';
import { type HttpMountEnv, type MountCompileTools, mountCompileTools } from './mount-compile-tools';
import { routeMethods } from './path-index';
import { type CompiledPathPattern, compilePathPattern, invalidPathPattern } from './path-pattern';
import { type CompiledConditions, compileConditions } from './request-conditions';
import { type CompiledRequestValidation, compileRequestValidation } from './request-validation';
import { type ResponsePicker, responsePicker } from './response-picker';
import { headerText } from './route-answer';
import { workspaceFileProblem } from './servable-file';
import { templateFolder, workspaceFilePath } from './workspace-file';

export type CompiledBody =
  | { kind: 'none' }
  | { kind: 'json'; template: CompiledTemplate<JsonValue> }
  | { kind: 'text'; template: CompiledTemplate<string> }
  /** `folder`: where a name the request fills in must stay (the folder its template's fixed start names). */
  | { kind: 'file'; template: CompiledTemplate<string>; folder: string };

export interface CompiledResponse {
  readonly response: RouteResponse;
  readonly conditions: CompiledConditions | undefined;
  readonly headers: readonly { name: string; value: CompiledTemplate<string> }[];
  readonly body: CompiledBody;
}

/** A route ready to serve: everything that could fail on a request was checked when it was stored. */
export interface CompiledRoute {
  readonly route: Route;
  readonly pattern: CompiledPathPattern;
  /** The methods it is filed under in the index (`GET` also files `HEAD`; ANY is `*`). */
  readonly methods: readonly string[];
  readonly validation: CompiledRequestValidation | undefined;
  readonly responses: readonly CompiledResponse[];
  /** Whether answering needs the request body (a condition, a schema or a template reads it). */
  readonly needsBody: boolean;
  readonly pick: ResponsePicker;
}

/**
 * Headers (lower-case) the engine computes from the body it sends; a route setting them would break the framing.
 * `Trailer` announces trailers that only a chunked body can carry: Node refuses to send the response at all.
 */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'trailer',
]);

/**
 * Compiles a workspace's routes, checking what their schema cannot: path patterns, regexes (RE2), JSONPaths,
 * templates, JSON Schemas, header names and files. Throws one MountValidationError listing every problem, at its
 * path from the workspace root (`routes.2.responses.0.body.json.name`). Two routes may share a method and path:
 * the first whose conditions hold answers.
 */
export function compileRoutes(routes: readonly Route[], env: HttpMountEnv): CompiledRoute[] {
  const tools = mountCompileTools(env);
  const compiled = routes.map((route, index) => compileRoute(route, ['routes', index], tools));
  tools.issues.throwIfAny();
  return compiled;
}

export function compileRoute(route: Route, at: IssuePath, tools: MountCompileTools): CompiledRoute {
  let pattern: CompiledPathPattern;
  // The parameters templates, conditions and schemas may name: unknown (and not checked) when the path is wrong.
  let params: PathParams | undefined;
  try {
    pattern = compilePathPattern(route.path);
    params = { path: route.path, names: pattern.paramNames };
  } catch (error) {
    tools.issues.add([...at, 'path'], invalidPathPattern(error));
    pattern = compilePathPattern('/');
  }
  if (params) checkParamNames(route, params, at, tools);
  const validation =
    route.validate && compileRequestValidation(route.validate, tools.schemas, [...at, 'validate'], tools.issues);
  const responses = route.responses.map((response, index) =>
    compileResponse(response, [...at, 'responses', index], tools, params),
  );
  return {
    route,
    pattern,
    methods: routeMethods(route.method),
    validation,
    responses,
    needsBody:
      (validation?.needsBody ?? false) ||
      responses.some((response) => response.conditions?.needsBody || usesBody(response)),
    pick: responsePicker(route.responseMode),
  };
}

/**
 * Conditions and schemas may only name parameters the path has: any other could never be there (templates are
 * checked alike as they are compiled).
 */
function checkParamNames(route: Route, params: PathParams, at: IssuePath, tools: MountCompileTools): void {
  const names = new Set(params.names);
  const has = pathParamsText(params.names);
  const schema = route.validate?.params;
  const declared = isJsonObject(schema?.properties) ? Object.keys(schema.properties) : [];
  for (const name of declared)
    if (!names.has(name))
      tools.issues.add(
        [...at, 'validate', 'params', 'properties', name],
        `the path ${route.path} has no parameter "${name}" (${has})`,
      );
  const required = schema?.required;
  // One both declared and required is reported once, where it is declared.
  for (const name of Array.isArray(required) ? required.map(String) : [])
    if (!names.has(name) && !declared.includes(name))
      tools.issues.add(
        [...at, 'validate', 'params'],
        `requires parameter "${name}", but the path ${route.path} does not have it (${has})`,
      );
  route.responses.forEach((response, index) => {
    for (const name of Object.keys(response.when?.params ?? {}))
      if (!names.has(name))
        tools.issues.add(
          [...at, 'responses', index, 'when', 'params', name],
          `the path ${route.path} has no parameter "${name}" (${has})`,
        );
  });
}

function usesBody(response: CompiledResponse): boolean {
  return (
    response.headers.some((header) => header.value.usesBody) ||
    (response.body.kind !== 'none' && response.body.template.usesBody)
  );
}

/**
 * Statuses whose response has no body (RFC 9110; Node and Koa send none): a body written for one would never be
 * sent.
 */
const BODILESS_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

function compileResponse(
  response: RouteResponse,
  at: IssuePath,
  tools: MountCompileTools,
  params: PathParams | undefined,
): CompiledResponse {
  const { templates, issues } = tools;
  const text = (source: string, path: IssuePath): CompiledTemplate<string> => {
    if (!response.template) return { usesBody: false, render: () => source };
    try {
      return templates.compileText(source, params);
    } catch (error) {
      issues.add(path, templateProblem(error));
      return { usesBody: false, render: () => source };
    }
  };
  // The first spelling of each name, by its lower case: names ignore case, and of two only the last would be sent.
  const spellings = new Map<string, string>();
  const headers = Object.entries(response.headers).map(([name, value]) => {
    const place = [...at, 'headers', name];
    const nameProblem = headerNameProblem(name);
    if (nameProblem) issues.add(place, nameProblem);
    const first = spellings.get(name.toLowerCase());
    if (first === undefined) spellings.set(name.toLowerCase(), name);
    else
      issues.add(
        place,
        `header ${first} given twice (as "${first}" and "${name}"): names ignore case, so only one would be sent; keep one`,
      );
    if (FRAMING_HEADERS.has(name.toLowerCase()))
      issues.add(place, `${name} is set by the engine from the body it sends; remove it`);
    // A template's own text too: then a value that cannot be a header once rendered came from the request.
    try {
      validateHeaderValue(name, headerText(value));
    } catch {
      issues.add(place, 'not a valid header value (control characters such as line breaks are not allowed)');
    }
    return { name, value: text(value, place) };
  });
  if (response.body && BODILESS_STATUSES.has(response.status))
    issues.add([...at, 'body'], `a ${response.status} response has no body: remove \`body\` or use 200`);
  return {
    response,
    conditions: response.when && compileConditions(response.when, [...at, 'when'], issues),
    headers,
    body: compileBody(response, [...at, 'body'], tools, text, params),
  };
}

function compileBody(
  response: RouteResponse,
  at: IssuePath,
  tools: MountCompileTools,
  text: (source: string, path: IssuePath) => CompiledTemplate<string>,
  params: PathParams | undefined,
): CompiledBody {
  const body = response.body;
  if (!body) return { kind: 'none' };
  if ('json' in body) {
    const template: CompiledTemplate<JsonValue> = response.template
      ? tools.templates.compileJson(body.json, [...at, 'json'], tools.issues, params)
      : { usesBody: false, render: () => body.json };
    return { kind: 'json', template };
  }
  if ('text' in body) return { kind: 'text', template: text(body.text, [...at, 'text']) };
  const template = text(body.file, [...at, 'file']);
  const templated = templatedName(body.file, response);
  if (!templated) {
    const problem = namedFileProblem(body.file, tools.env);
    if (problem) tools.issues.add([...at, 'file'], problem);
  }
  return { kind: 'file', template, folder: templated ? templateFolder(body.file) : '' };
}

/** Whether a response's file is a template the request fills in (`files/{{params.id}}.json`) rather than a name. */
function templatedName(file: string, response: RouteResponse): boolean {
  return file.includes('{{') && response.template;
}

/** Why a file a response names could never be served (outside the folder, hidden, the workspace file), if it could not. */
function namedFileProblem(file: string, env: HttpMountEnv): string | undefined {
  const place = workspaceFilePath(env.baseDir, file);
  // The workspace file (any version of it) is never served (it may hold the gateway's keys): a route naming it
  // would always be a 403.
  return 'problem' in place ? place.problem : workspaceFileProblem(place.path, env, file);
}

/**
 * The problems of the files `routes`' responses name, as compiling them finds them (`compileBody`) and in their order,
 * under `env`'s workspace file: routes compiled while another file was the one no response may name
 * (`World.checkToServe`) are held to this one before they are served.
 */
export function checkNamedFiles(routes: readonly Route[], env: HttpMountEnv, at: IssuePath, issues: MountIssues): void {
  routes.forEach((route, index) => {
    route.responses.forEach((response, responseIndex) => {
      const file = response.body && 'file' in response.body ? response.body.file : undefined;
      const problem = file === undefined || templatedName(file, response) ? undefined : namedFileProblem(file, env);
      if (problem) issues.add([...at, 'routes', index, 'responses', responseIndex, 'body', 'file'], problem);
    });
  });
}
