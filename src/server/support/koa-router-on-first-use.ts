import type Router from '@koa/router';
import type { RouterOptions } from '@koa/router';
import { loadModule } from './load-module';

let loaded: typeof Router | undefined;

/**
 * A @koa/router router, the package loaded with the first one rather than with the engine's modules: `agui-mock
 * validate` and `init` check worlds with those modules and never make one. Through `require`, as the engine loads
 * its other CommonJS packages: @koa/router's ES build imports debug and http-errors, which Node then scans for their
 * exports (the CLI's serve spent ~15 ms more starting on that).
 */
export function newRouter(options?: RouterOptions): Router {
  loaded ??= loadModule('@koa/router') as typeof Router;
  return new loaded(options);
}
