import Handlebars from 'handlebars';
import type { JsonValue } from '../../shared/json-value';
import type { IssuePath, MountIssues } from '../world/mount-validation-error';
import { jsonSize } from './json-size';
import { type PlainRender, plainTemplate, renderPlain, UNSURE } from './plain-template';
import { appendValuesAsText } from './string-appending-compiler';
import { checkTemplate, type ParamRead } from './template-check';
import {
  HelperArgumentError,
  HelperLimitError,
  type HelperSpec,
  TemplateCounters,
  type TemplateData,
  templateHelpers,
} from './template-helpers';
import { nestingProblem } from './template-nesting';
import { type PathParams, undeclaredParamsProblem } from './template-params';
import { REQUEST_SCOPE, type TemplateScope, type TemplateScopeKind } from './template-scope';

/**
 * One response being rendered: its templates (headers, body) share it, so every `{{counter}}` in one response
 * reads the same number (a Location header and the body's id agree), and they share one render budget.
 */
export interface RenderSession {
  /** The counter `{{counter}}` without a name counts on: one per route. */
  counterKey: string;
  /** Counter values already taken by this response, by counter. */
  readonly counted: Map<string, number>;
  /** Where counters count instead of the engine's (a socket's counters live as long as its connection). */
  readonly counters?: TemplateCounters;
  /** What the response's templates may still do, summed over all of its strings. */
  readonly budget: RenderBudget;
}

/**
 * What one response (one socket message, one scenario run: one render session) may still do, all its template
 * strings together. A response made of many strings must not get a fresh allowance for each of them.
 */
export interface RenderBudget {
  /** Block iterations left (`#each` inside `#each` over a large body would otherwise hang the engine). */
  left: number;
  /** Characters its loops may still write (an iteration's output counts again in each loop around it). */
  characters: number;
  /**
   * Characters the response may still be made of: each string's text, what helpers return (`{{json body}}` × 700
   * must stop before it has built 700 copies), and the JSON size of values inserted whole (`"{{body}}"`).
   */
  output: number;
  /** Characters of values its helpers may still read without writing them (comparisons, sums, counts). */
  work: number;
  /** The last object whose JSON size was measured (`"{{body}}"` a hundred times is measured once), and its size. */
  sized: unknown;
  size: number;
}

export function renderSession(
  counterKey: string,
  counters?: TemplateCounters,
  budget: RenderBudget = renderBudget(),
): RenderSession {
  return { counterKey, counted: new Map(), ...(counters && { counters }), budget };
}

/** What one response (or run) may render, whole: a session's own, or one several share (a dry run's paths). */
export function renderBudget(): RenderBudget {
  return {
    left: ITERATIONS_PER_RESPONSE,
    characters: LOOP_OUTPUT_PER_RESPONSE,
    output: OUTPUT_PER_RESPONSE,
    work: WORK_PER_RESPONSE,
    sized: undefined,
    size: 0,
  };
}

/**
 * A stored template: rendered per request; `usesBody` tells the route to read the request body first, `params` the
 * path parameters it reads by name (none when absent).
 */
export interface CompiledTemplate<T, S extends object = TemplateScope> {
  readonly usesBody: boolean;
  readonly params?: readonly ParamRead[];
  render(scope: S, session: RenderSession): T;
}

/** What a template engine renders against (default: a request), and what it adds to the built-in helpers. */
export interface TemplateEngineOptions<S extends object> {
  /** The names its templates may start with, and an empty scope every template is dry-run on when compiled. */
  scope?: TemplateScopeKind<S>;
  /** Helpers on top of the built-in ones (the scenarios' `randomHex`). */
  helpers?: Readonly<Record<string, HelperSpec>>;
}

/** A template that does not parse, names an unknown helper or root, or calls a helper wrongly. */
export class TemplateCompileError extends Error {
  override name = 'TemplateCompileError';
}

/** A template that failed while rendering (a helper threw, a loop ran too long). */
export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
}

/**
 * A render that failed on a value the request made: an object inserted as text whose own `toString` and `valueOf`
 * are data (`{"toString": 1}`), which JavaScript cannot turn into text. The template is fine; the request is not.
 */
export class TemplateValueError extends TemplateRenderError {
  override name = 'TemplateValueError';
}

/** JavaScript's error for an object it cannot make a string of (V8's words: the engine runs on V8 only). */
function isUnprintableObject(error: unknown): boolean {
  return error instanceof TypeError && error.message.startsWith('Cannot convert object to primitive value');
}

/**
 * A render stopped at one of its limits: the values it was given (a request's body, say) make it too large. What
 * the template asked is fine; what it was handed is too much for it.
 */
export class TemplateLimitError extends TemplateRenderError {
  override name = 'TemplateLimitError';
}

/** Block iterations one response may run (`#each` in `#each` over a large body would otherwise hang the engine). */
const ITERATIONS_PER_RESPONSE = 100_000;
/**
 * Characters the loops of one response may write (an iteration's output counts again in each loop around it):
 * `#each` over a body writing the body each time would otherwise build hundreds of megabytes before anything fails.
 */
const LOOP_OUTPUT_PER_RESPONSE = 16 * 1024 * 1024;
/**
 * Characters one response may be made of, whatever wrote them: the largest request body the engine accepts
 * (`maxBodyBytes`, at most 64 MiB) can still be echoed, but not hundreds of copies of it.
 */
export const OUTPUT_PER_RESPONSE = 64 * 1024 * 1024;
/**
 * Characters of values the helpers of one response may read without writing them: `(eq @root.body x)` in a loop
 * over the body compares the whole body each turn, and writes one word.
 */
const WORK_PER_RESPONSE = 16 * 1024 * 1024;
const VALUE_HELPER = '__value';
/**
 * A template reads own properties only (`{{body.toString}}` gives nothing), as Handlebars does by default; said
 * explicitly so that it does so silently, where by default it prints a warning to the engine's stderr once per name.
 */
const OWN_PROPERTIES_ONLY = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

/**
 * A Handlebars environment (`Handlebars.create()`, never the global): its helpers, its counters (reset when the
 * world is compiled again), and compilation of the strings responses (and scenarios) are made of. Output is never
 * HTML-escaped: responses are JSON and text, not HTML. By default its templates read a request (routes); socket
 * endpoints and scenarios give their own scope.
 */
export class TemplateEngine<S extends object = TemplateScope> {
  private readonly handlebars = Handlebars.create();
  private readonly helpers: Record<string, HelperSpec>;
  private readonly compileOptions: CompileOptions;
  /** Every name a one-part mustache would call as a helper (Handlebars' own included). */
  private readonly helperNames: ReadonlySet<string>;
  private readonly scope: TemplateScopeKind<S>;
  private readonly texts = new Map<string, CompiledTemplate<string, S>>();
  private readonly jsonStrings = new Map<string, CompiledTemplate<JsonValue, S>>();

  constructor(options?: TemplateEngineOptions<S>) {
    this.scope = options?.scope ?? (REQUEST_SCOPE as unknown as TemplateScopeKind<S>);
    this.helpers = { ...templateHelpers(new TemplateCounters()), ...options?.helpers };
    appendValuesAsText(this.handlebars);
    this.handlebars.unregisterHelper('log');
    for (const [name, spec] of Object.entries(this.helpers)) {
      this.handlebars.registerHelper(name, (...args: unknown[]) => {
        const options = args.pop() as Handlebars.HelperOptions;
        const data = options.data as TemplateData;
        // The dry run at compile time checks Handlebars' compilation, not what helpers make of an empty request.
        if (data.dry) return undefined;
        const budget = data.session.budget;
        if (spec.work === 'values') for (const arg of args) spendWork(budget, argumentSize(budget, arg));
        const problem = spec.argumentProblem?.(args);
        if (problem !== undefined) throw new HelperArgumentError(problem);
        const value = spec.call(args, data);
        if (typeof spec.work === 'function') spendWork(budget, spec.work(value, args));
        // Text a helper makes counts as it is made (the render counts it once, not again, when it is written).
        if (typeof value === 'string') spend(budget, value.length);
        return value;
      });
    }
    this.handlebars.registerHelper(VALUE_HELPER, (value: unknown, options: Handlebars.HelperOptions) => {
      (options.data as TemplateData & { captured: { value: unknown } }).captured.value = value;
      return '';
    });
    // Handlebars' own `lookup` makes its key a property name: a list the request sent is joined into text each call.
    const lookup = this.handlebars.helpers.lookup as Handlebars.HelperDelegate;
    this.handlebars.registerHelper(
      'lookup',
      function chargedLookup(this: unknown, value: unknown, key: unknown, options: Handlebars.HelperOptions) {
        const budget = (options.data as TemplateData | undefined)?.session.budget;
        if (budget) spendWork(budget, argumentSize(budget, key));
        return lookup.call(this, value, key, options);
      },
    );
    const each = this.handlebars.helpers.each as Handlebars.HelperDelegate;
    this.handlebars.registerHelper('each', function boundedEach(this: unknown, context: unknown, options) {
      const budget = (options.data as TemplateData | undefined)?.session.budget;
      const body = options.fn;
      const counted = Object.assign((item: unknown, runtime: unknown) => {
        if (budget && --budget.left < 0)
          throw new TemplateLimitError(`more than ${ITERATIONS_PER_RESPONSE} block iterations in one response`);
        const out = body(item, runtime as Handlebars.RuntimeOptions);
        if (budget) {
          budget.characters -= out.length;
          if (budget.characters < 0)
            throw new TemplateLimitError(`its loops wrote more than ${LOOP_OUTPUT_PER_RESPONSE} characters`);
        }
        return out;
      }, body);
      return each.call(this, context, { ...options, fn: counted });
    });
    const knownHelpers = Object.fromEntries([...Object.keys(this.helpers), VALUE_HELPER].map((name) => [name, true]));
    this.compileOptions = { noEscape: true, knownHelpers };
    this.helperNames = new Set(Object.keys(this.handlebars.helpers));
  }

  /**
   * A text template (a text body, a header value, a file path). Throws TemplateCompileError, also when `params` (the
   * parameters of the path it answers) are given and it reads another by name.
   */
  compileText(source: string, params?: PathParams): CompiledTemplate<string, S> {
    if (!source.includes('{{')) return { usesBody: false, render: () => source };
    const template = this.cached(this.texts, source, () =>
      this.compileProgram(this.parse(source), (render) => (scope, session) => String(render(scope, session).text)),
    );
    checkParams(template, params);
    return template;
  }

  /**
   * A JSON body: every string in it is a template (keys are not). A string that is exactly one `{{…}}` gives its
   * value with its JSON type (`"{{params.id}}"` → 1 when the parameter was converted to an integer, `"{{body}}"`
   * → the whole body). Problems are added to `issues` at the path of the string they are in; with `params` (the
   * parameters of the path it answers), a string that reads another by name is one.
   */
  compileJson(
    value: JsonValue,
    at: IssuePath,
    issues: MountIssues,
    params?: PathParams,
  ): CompiledTemplate<JsonValue, S> {
    let usesBody = false;
    const compileNode = (node: JsonValue, path: IssuePath): ((scope: S, session: RenderSession) => JsonValue) => {
      if (isConstant(node)) return () => node;
      if (typeof node === 'string') {
        try {
          const template = this.cached(this.jsonStrings, node, () => this.compileJsonString(node));
          checkParams(template, params);
          usesBody ||= template.usesBody;
          return (scope, session) => template.render(scope, session);
        } catch (error) {
          issues.add(path, templateProblem(error));
          return () => node;
        }
      }
      if (Array.isArray(node)) {
        const items = node.map((item, index) => compileNode(item, [...path, index]));
        return (scope, session) => items.map((item) => item(scope, session));
      }
      if (node !== null && typeof node === 'object') {
        const entries = Object.entries(node).map(
          ([name, child]) => [name, compileNode(child, [...path, name])] as const,
        );
        return (scope, session) => {
          const out: Record<string, JsonValue> = {};
          for (const [name, child] of entries) out[name] = child(scope, session);
          return out;
        };
      }
      return () => node;
    };
    const render = compileNode(value, at);
    return { usesBody, render };
  }

  /**
   * Templates are pure (a request scope and a session in, a value out), so one compiled template serves every
   * place with the same text: a workspace repeats `{{params.id}}` in many routes, and compiling costs a millisecond.
   */
  private cached<T>(
    cache: Map<string, CompiledTemplate<T, S>>,
    source: string,
    compile: () => CompiledTemplate<T, S>,
  ): CompiledTemplate<T, S> {
    let template = cache.get(source);
    if (!template) {
      template = compile();
      cache.set(source, template);
    }
    return template;
  }

  private compileJsonString(source: string): CompiledTemplate<JsonValue, S> {
    const program = this.parse(source);
    const [only, ...rest] = program.body;
    if (only?.type !== 'MustacheStatement' || rest.length > 0)
      return this.compileProgram(program, (render) => (scope, session) => String(render(scope, session).text));
    const facts = this.check(program);
    const mustache = only as hbs.AST.MustacheStatement;
    const isHelperCall =
      mustache.params.length > 0 ||
      (mustache.hash?.pairs.length ?? 0) > 0 ||
      (mustache.path.type === 'PathExpression' &&
        (mustache.path as hbs.AST.PathExpression).parts.length === 1 &&
        !(mustache.path as hbs.AST.PathExpression).data &&
        Object.hasOwn(this.helpers, (mustache.path as hbs.AST.PathExpression).original));
    const argument: hbs.AST.Expression = isHelperCall
      ? ({
          type: 'SubExpression',
          path: mustache.path,
          params: mustache.params,
          hash: mustache.hash,
          loc: mustache.loc,
        } as hbs.AST.SubExpression)
      : (mustache.path as hbs.AST.Expression);
    const valueCall = {
      ...mustache,
      path: {
        type: 'PathExpression',
        data: false,
        depth: 0,
        parts: [VALUE_HELPER],
        original: VALUE_HELPER,
        loc: mustache.loc,
      },
      params: [argument],
      hash: undefined,
    } as unknown as hbs.AST.MustacheStatement;
    const typed = { ...program, body: [valueCall] } as hbs.AST.Program;
    return this.compileProgram(typed, (render) => (scope, session) => toJson(render(scope, session).captured), facts);
  }

  private parse(source: string): hbs.AST.Program {
    const nesting = nestingProblem(source);
    if (nesting !== undefined) throw new TemplateCompileError(nesting);
    try {
      return this.handlebars.parse(source);
    } catch (error) {
      throw new TemplateCompileError(`does not parse: ${parseProblem(error, this.handlebars)}`);
    }
  }

  private check(program: hbs.AST.Program): { usesBody: boolean; params: readonly ParamRead[] } {
    const facts = checkTemplate(program, this.helpers, this.scope.roots, this.scope.body);
    if (facts.problems.length > 0) throw new TemplateCompileError(facts.problems.join('; '));
    return facts;
  }

  /**
   * Compiles and runs the template once on an empty request (a dry run: counters do not move), so Handlebars'
   * own compilation errors surface now rather than on the first request. Every render spends from its session's
   * budget: what the string writes (its text, or the JSON size of the value it gives whole).
   */
  private compileProgram<T>(
    program: hbs.AST.Program,
    wrap: (render: RenderOnce<S>) => (scope: S, session: RenderSession) => T,
    facts = this.check(program),
  ): CompiledTemplate<T, S> {
    const template = this.handlebars.compile(program, this.compileOptions);
    const plain = plainTemplate(program, this.helperNames, VALUE_HELPER);
    const render: RenderOnce<S> = (scope, session, dry = false) => {
      const budget = session.budget;
      const before = budget.output;
      let rendered: PlainRender;
      try {
        const fast = plain && renderPlain(plain, scope);
        if (fast && fast !== UNSURE) rendered = fast;
        else {
          const captured = { value: undefined as unknown };
          const data: TemplateData & { captured: typeof captured } = { session, dry, captured };
          rendered = { text: template(scope, { data, ...OWN_PROPERTIES_ONLY }), captured: captured.value };
        }
      } catch (error) {
        if (error instanceof TemplateLimitError) throw error;
        if (error instanceof HelperArgumentError) throw new TemplateValueError(error.message);
        if (error instanceof HelperLimitError) throw new TemplateLimitError(error.message);
        // Text longer than a JavaScript string can be: too large, whatever made it.
        if (isLengthError(error)) throw tooLarge();
        if (isUnprintableObject(error))
          throw new TemplateValueError(
            'an object it inserts as text cannot be written as text (its own "toString" and "valueOf" are not functions): send it without them, or have the template insert it as JSON ({{json …}}, or "{{…}}" alone as a JSON value)',
          );
        throw new TemplateRenderError(firstLines(error));
      }
      // What its helpers made was counted as they made it: only what the string writes beyond that counts now.
      const { text, captured } = rendered;
      const written = text.length + (captured === undefined ? 0 : valueSize(budget, captured, before));
      const more = written - (before - budget.output);
      if (more > 0) spend(budget, more);
      return rendered;
    };
    try {
      render(this.scope.empty, renderSession(''), true);
    } catch (error) {
      throw new TemplateCompileError(firstLines(error));
    }
    return { usesBody: facts.usesBody, ...(facts.params.length > 0 && { params: facts.params }), render: wrap(render) };
  }
}

/** Throws TemplateCompileError when `template` reads a parameter by a name the path it answers does not have. */
function checkParams(template: CompiledTemplate<unknown, never>, params: PathParams | undefined): void {
  const problem = params && template.params && undeclaredParamsProblem(template.params, params);
  if (problem) throw new TemplateCompileError(problem);
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
type RenderOnce<S> = (scope: S, session: RenderSession, dry?: boolean) => PlainRender;

const tooLarge = () => new TemplateLimitError(`it would write more than ${OUTPUT_PER_RESPONSE} characters`);

function spend(budget: RenderBudget, characters: number): void {
  budget.output -= characters;
  if (budget.output < 0) throw tooLarge();
}

/**
 * Counts a value a response sends as it is, not from a template (the request's messages a scenario's
 * MESSAGES_SNAPSHOT repeats), against the response's output: a TemplateLimitError past it.
 */
export function spendOnValue(session: RenderSession, value: unknown): void {
  spend(session.budget, valueSize(session.budget, value, session.budget.output));
}

function spendWork(budget: RenderBudget, characters: number): void {
  budget.work -= characters;
  if (budget.work < 0)
    throw new TemplateLimitError(`its helpers would read more than ${WORK_PER_RESPONSE} characters of values`);
}

/** What a helper reads of an argument: a text's length, a list's or an object's JSON size; a number or word is 1. */
function argumentSize(budget: RenderBudget, value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 1;
  return valueSize(budget, value, budget.work);
}

/** `RangeError: Invalid string length`: text (a concatenation, a JSON.stringify) longer than V8 allows. */
function isLengthError(error: unknown): boolean {
  return error instanceof RangeError && /invalid string length/i.test(error.message);
}

/**
 * A checked response's JSON text: a 413 (TemplateLimitError) rather than a RangeError when it cannot be a string,
 * or when it is longer than a response may be (values are counted as they are inserted, but escapes in their text
 * are only known here).
 */
export function responseJson(value: JsonValue): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    if (isLengthError(error)) throw tooLarge();
    throw error;
  }
  if (text.length > OUTPUT_PER_RESPONSE) throw tooLarge();
  return text;
}

/**
 * About the characters a value inserted whole takes in the JSON response (escapes aside), measured no further than
 * `limit` (more is too much anyway). The last object measured is remembered: `"{{body}}"` × 100 walks it once.
 */
function valueSize(budget: RenderBudget, value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return -jsonSize(value, 0);
  if (budget.sized === value) return budget.size;
  const size = limit - jsonSize(value, limit);
  if (size <= limit) {
    budget.sized = value;
    budget.size = size;
  }
  return size;
}

function isConstant(value: JsonValue): boolean {
  if (typeof value === 'string') return !value.includes('{{');
  if (Array.isArray(value)) return value.every(isConstant);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isConstant);
  return true;
}

/** A captured value as JSON: what JSON cannot hold becomes null, Handlebars' SafeStrings become text. */
function toJson(value: unknown): JsonValue {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Handlebars.SafeString) return value.toString();
  return value as JsonValue;
}

/** The parser's lexer, as Handlebars leaves it after a parse: where the token it could not take is (1-based line). */
interface ParserLexer {
  yylloc?: { first_line: number; first_column: number };
  yytext?: string;
}

/**
 * A parse error where it is (line and column, 1-based) and what is likely wrong: `line 1, column 9: a single "}"
 * where "}}" closes the expression: is a "}" missing?` rather than Handlebars' `got 'INVALID'`. Handlebars throws
 * its position only as an excerpt; the lexer it parsed with still holds the offending token's place (parsing is
 * synchronous, so it is this parse's).
 */
function parseProblem(error: unknown, handlebars: typeof Handlebars): string {
  const message = error instanceof Error ? error.message : String(error);
  const parse = /^Parse error on line (\d+):[\s\S]*?(?:Expecting ([^\n]*), )?got '([^']*)'$/.exec(message);
  if (!parse) return firstLines(error);
  const expected = new Set((parse[2] ?? '').split(', ').map((name) => name.replace(/'/g, '')));
  const token = parse[3] ?? '';
  const lexer = (handlebars as unknown as { Parser?: { lexer?: ParserLexer } }).Parser?.lexer;
  const place = lexer?.yylloc
    ? `line ${lexer.yylloc.first_line}, column ${lexer.yylloc.first_column + 1}`
    : `line ${parse[1]}`;
  return `${place}: ${likelyMistake(token, lexer?.yytext ?? '', expected)}`;
}

/** What a person most likely got wrong, from the token the parser could not take and what it expected there. */
function likelyMistake(token: string, text: string, expected: Set<string>): string {
  const closes = expected.has('CLOSE') || expected.has('CLOSE_UNESCAPED');
  if (token === 'EOF') {
    if (expected.has('OPEN_ENDBLOCK')) return 'unexpected end of the template: is a block not closed ({{/…}})?';
    return closes
      ? 'unexpected end of the template: an expression is not closed (add "}}")'
      : 'unexpected end of the template';
  }
  if (token === 'INVALID' && text.startsWith('}'))
    return 'a single "}" where "}}" closes the expression: is a "}" missing?';
  if (token === 'INVALID' && (expected.has('ID') || closes))
    return `unexpected ${JSON.stringify(text)}: an expression that is not closed (add "}}"), or a character a name cannot have`;
  if (token === 'CLOSE' && expected.has('CLOSE_UNESCAPED'))
    return 'an expression opened with "{{{" closes with "}}}": is a "}" missing?';
  if (token === 'CLOSE' && expected.has('OPEN_SEXPR')) return 'a value is missing before "}}" (after "name=", say)';
  if (token === 'CLOSE' && expected.has('ID'))
    return 'an expression with nothing in it: put a name between "{{" and "}}"';
  if (token === 'CLOSE_SEXPR') return 'a ")" with no "(" open';
  if (token === 'OPEN_ENDBLOCK') return `${JSON.stringify(text)} closes a block that was not opened (with "{{#…}}")`;
  return `unexpected ${JSON.stringify(text || token)}`;
}

function firstLines(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').slice(0, 4).join(' ').replace(/\s+/g, ' ').trim();
}

/** How a template problem reads in a MountValidationError issue. */
export function templateProblem(error: unknown): string {
  return `template error: ${error instanceof Error ? error.message : String(error)}`;
}
