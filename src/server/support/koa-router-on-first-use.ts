import type Router from '@koa/router';
import type { RouterOptions } from '@koa/router';
import { loadedOnFirstUse, loadModule } from './load-module';

/**
 * @koa/router through `require`, as the engine loads its other CommonJS packages: its ES build imports debug and
 * http-errors, which Node then scans for their exports (the CLI's serve spent ~15 ms more starting on that).
 */
const koaRouter = loadedOnFirstUse<typeof Router>(() => loadModule('@koa/router'));

/** A @koa/router router, the package loaded with the first one (`agui-mock validate` and `init` never make one). */
export function newRouter(options?: RouterOptions): Router {
  return new (koaRouter())(options);
}
