import { BUILTIN_HELPERS, type HelperSpec } from './template-helpers';

/**
 * A path parameter a template reads by name: `params.id`, `@root.params.id`, `../params.id` in a block, or
 * `lookup params "id"`. `where` is ` (line 1, column 3)`, as problems say it. A name given by a value
 * (`lookup params query.name`) is not known until a request comes, and is not listed.
 */
export interface ParamRead {
  readonly name: string;
  readonly original: string;
  readonly where: string;
}

/**
 * What storing a template learns about it: what is wrong, whether it reads the body (the request's, or the root its
 * scope names instead), which parameters.
 */
export interface TemplateFacts {
  problems: string[];
  usesBody: boolean;
  params: ParamRead[];
}

interface WalkState {
  /** How many enclosing blocks changed the context (`#each`, `#with`, sections): paths inside read the new one. */
  contextDepth: number;
  /** Block parameter names in scope (`{{#each body.items as |item|}}`). */
  blockParams: readonly string[];
}

type Call = {
  path: hbs.AST.PathExpression | hbs.AST.Literal;
  params: hbs.AST.Expression[];
  hash?: hbs.AST.Hash;
};

const LITERALS = new Set(['StringLiteral', 'NumberLiteral', 'BooleanLiteral', 'NullLiteral', 'UndefinedLiteral']);

/** The data `{{#each}}` sets for its block. */
const BLOCK_DATA = new Set(['index', 'key', 'first', 'last']);
const BLOCK_DATA_TEXT = '@index, @key, @first and @last';

/**
 * Checks a parsed template before it is stored: every helper is known and called with a number of arguments it
 * takes, every path starts at one of `roots` (the names of its scope), and there are no partials or decorators. Handlebars
 * itself would only find these when the template runs (and print nothing, or throw). `body` is the root whose reads
 * make it `usesBody`.
 */
export function checkTemplate(
  program: hbs.AST.Program,
  helpers: Readonly<Record<string, HelperSpec>>,
  roots: ReadonlySet<string>,
  body = 'body',
): TemplateFacts {
  const rootsText = [...roots].join(', ');
  const facts: TemplateFacts = { problems: [], usesBody: false, params: [] };
  const where = (node: hbs.AST.Node) =>
    node.loc ? ` (line ${node.loc.start.line}, column ${node.loc.start.column + 1})` : '';
  const problem = (node: hbs.AST.Node, message: string) => facts.problems.push(`${message}${where(node)}`);
  const readsParam = (node: hbs.AST.Node, name: string, original: string) =>
    facts.params.push({ name, original, where: where(node) });

  /** The parts of a path that reads the scope from its root (`params.id`); undefined for one inside a block's value. */
  const fromRoot = (path: hbs.AST.PathExpression, state: WalkState): string[] | undefined => {
    if (path.data) return path.parts[0] === 'root' ? path.parts.slice(1) : undefined;
    if (state.contextDepth - path.depth > 0) return undefined;
    const root = path.parts[0];
    if (root !== undefined && path.depth === 0 && state.blockParams.includes(root)) return undefined;
    return path.parts;
  };

  const helperName = (node: Call['path']): string | undefined => {
    if (node.type !== 'PathExpression') return undefined;
    const path = node as hbs.AST.PathExpression;
    const simple = !path.data && path.depth === 0 && path.parts.length === 1 && !/^this\b|^\./.test(path.original);
    return simple ? path.parts[0] : undefined;
  };

  const checkArity = (
    node: hbs.AST.Node,
    name: string,
    count: number,
    arity: readonly [number, number],
    usage?: string,
  ) => {
    const [min, max] = arity;
    if (count < min || count > max) {
      const wanted = min === max ? `${min}` : `${min} to ${max}`;
      problem(
        node,
        `helper "${name}" takes ${wanted} argument${max === 1 ? '' : 's'}, got ${count}${usage ? `: ${usage}` : ''}`,
      );
    }
  };

  const checkPath = (path: hbs.AST.PathExpression, state: WalkState) => {
    if (path.data) {
      // @root reads the request scope from anywhere; @index, @key, @first and @last are {{#each}}'s. Any other
      // @name would read the render's own data (its budget, its session), which is not for templates.
      const name = path.parts[0];
      if (name !== 'root') {
        if (name === undefined || !BLOCK_DATA.has(name))
          problem(path, `unknown name "${path.original}": a template reads @root, and ${BLOCK_DATA_TEXT} in {{#each}}`);
        else if (state.contextDepth === 0 && path.depth === 0)
          problem(path, `"${path.original}" is set only inside {{#each}}`);
        return;
      }
    }
    const parts = fromRoot(path, state);
    if (parts === undefined) return;
    const [root, next] = parts;
    if (root === undefined) {
      // `this` (or `@root`) at the top: the whole request scope.
      facts.usesBody = true;
      return;
    }
    if (!roots.has(root)) problem(path, `unknown name "${path.original}": a template reads ${rootsText}`);
    else if (root === body) facts.usesBody = true;
    else if (root === 'params' && next !== undefined) readsParam(path, next, path.original);
  };

  /** `lookup params "id"`: a parameter named in the template, read as `params.id` reads it. */
  const checkLookup = (node: hbs.AST.Node, call: Call, state: WalkState) => {
    const [object, key] = call.params;
    if (object?.type !== 'PathExpression' || key?.type !== 'StringLiteral') return;
    const parts = fromRoot(object as hbs.AST.PathExpression, state);
    if (parts?.length === 1 && parts[0] === 'params')
      readsParam(
        node,
        (key as hbs.AST.StringLiteral).value,
        `lookup ${(object as hbs.AST.PathExpression).original} "${(key as hbs.AST.StringLiteral).value}"`,
      );
  };

  const checkExpression = (expression: hbs.AST.Expression, state: WalkState) => {
    if (expression.type === 'PathExpression') checkPath(expression as hbs.AST.PathExpression, state);
    else if (expression.type === 'SubExpression') {
      const call = expression as hbs.AST.SubExpression;
      checkCall(call, call, state, 'subexpression');
    }
  };

  const checkArguments = (call: Call, state: WalkState) => {
    for (const param of call.params) checkExpression(param, state);
    for (const pair of call.hash?.pairs ?? []) checkExpression(pair.value, state);
  };

  /** Returns whether the call changes the context of the block it opens. */
  const checkCall = (
    node: hbs.AST.Node,
    call: Call,
    state: WalkState,
    kind: 'mustache' | 'block' | 'subexpression',
  ): boolean => {
    const count = call.params.length;
    const named = call.hash?.pairs[0];
    // No helper reads named arguments: `{{json body indent=2}}` would be stored and render without its indent.
    if (named)
      problem(node, `named arguments (${named.key}=…) are not read: give the values in order, e.g. {{json body 2}}`);
    if (call.path.type !== 'PathExpression') {
      problem(
        node,
        `a literal cannot be called: write ${JSON.stringify(String((call.path as hbs.AST.StringLiteral).value))} without {{ }}`,
      );
      return false;
    }
    const path = call.path as hbs.AST.PathExpression;
    const name = helperName(path);
    const builtin = name !== undefined && Object.hasOwn(BUILTIN_HELPERS, name) ? BUILTIN_HELPERS[name] : undefined;
    const custom = name !== undefined && Object.hasOwn(helpers, name) ? helpers[name] : undefined;
    checkArguments(call, state);
    if (kind === 'block') {
      if (builtin) {
        checkArity(node, name as string, count, builtin.arity);
        return builtin.changesContext;
      }
      if (custom) {
        problem(node, `helper "${name}" is not a block helper: use it as a value, e.g. {{#if (${name} …)}}…{{/if}}`);
        return false;
      }
      if (count > 0) {
        problem(node, `unknown block helper "${path.original}": blocks are #if, #unless, #each and #with`);
        return false;
      }
      // A Mustache section ({{#body.items}}…{{/body.items}}) iterates or enters the value.
      checkPath(path, state);
      return true;
    }
    if (builtin) {
      if (name !== 'lookup') problem(node, `"${name}" is a block helper: write {{#${name} …}}…{{/${name}}}`);
      else {
        checkArity(node, name, count, builtin.arity);
        checkLookup(node, call, state);
      }
      return false;
    }
    if (custom) {
      checkArity(node, name as string, count, custom.arity, custom.usage);
      // Arguments written in the template are checked now: only values a request brings wait for the render.
      const [min, max] = custom.arity;
      const literals = count >= min && count <= max && call.params.every((param) => LITERALS.has(param.type));
      const wrong = literals
        ? custom.argumentProblem?.(call.params.map((param) => (param as hbs.AST.StringLiteral).value))
        : undefined;
      if (wrong !== undefined) problem(node, wrong);
      return false;
    }
    if (count > 0 || kind === 'subexpression') {
      problem(node, `unknown helper "${path.original}": helpers are ${[...Object.keys(helpers), 'lookup'].join(', ')}`);
      return false;
    }
    checkPath(path, state);
    return false;
  };

  const walk = (statements: hbs.AST.Statement[], state: WalkState) => {
    for (const statement of statements) {
      switch (statement.type) {
        case 'MustacheStatement':
          checkCall(statement, statement as hbs.AST.MustacheStatement, state, 'mustache');
          break;
        case 'BlockStatement': {
          const block = statement as hbs.AST.BlockStatement;
          const changesContext = checkCall(block, block, state, 'block');
          for (const program of [block.program, block.inverse]) {
            if (!program) continue;
            walk(program.body, {
              contextDepth: state.contextDepth + (changesContext && program === block.program ? 1 : 0),
              blockParams: [...state.blockParams, ...(program.blockParams ?? [])],
            });
          }
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
          problem(statement, 'partials ({{> name}}) are not supported');
          break;
        case 'Decorator':
        case 'DecoratorBlock':
          problem(statement, 'decorators ({{* name}}) are not supported');
          break;
      }
    }
  };

  walk(program.body, { contextDepth: 0, blockParams: [] });
  return facts;
}
