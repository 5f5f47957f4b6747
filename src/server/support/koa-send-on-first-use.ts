import type send from 'koa-send';
import { loadedOnFirstUse, loadModule } from './load-module';

/** koa-send, loaded the first time a file is served: most engines never serve one from disk. */
export const koaSend = loadedOnFirstUse<typeof send>(() => loadModule('koa-send'));
