import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteInput } from '../../src/shared/mounts/route';
import type { StaticFolder } from '../../src/shared/mounts/static-folder';

/**
 * A workspace file in `<dir>/old` whose route `a` (`GET /a`) answers with `data/a.json` (`{"from":"old"}`) and whose
 * static folder `public` (`/static`) serves `public/hello.txt`, plus `more` mounts; and an empty `<dir>/moved` to
 * save it into.
 */
export function movableWorkspace(
  dir: string,
  more: { routes?: RouteInput[]; staticFolders?: Omit<StaticFolder, 'enabled' | 'index'>[] } = {},
): { old: string; moved: string; file: string } {
  const old = join(dir, 'old');
  const moved = join(dir, 'moved');
  mkdirSync(join(old, 'data'), { recursive: true });
  mkdirSync(join(old, 'public'), { recursive: true });
  mkdirSync(moved, { recursive: true });
  writeFileSync(join(old, 'data', 'a.json'), '{"from":"old"}');
  writeFileSync(join(old, 'public', 'hello.txt'), 'hello from old/public');
  const file = join(old, 'shop.agui.json');
  const route: RouteInput = {
    id: 'a',
    method: 'GET',
    path: '/a',
    responses: [{ id: 'ok', body: { file: 'data/a.json' } }],
  };
  writeFileSync(
    file,
    JSON.stringify({
      version: 2,
      name: 'shop',
      routes: [route, ...(more.routes ?? [])],
      staticFolders: [{ id: 'public', path: '/static', folder: 'public' }, ...(more.staticFolders ?? [])],
    }),
  );
  return { old, moved, file };
}
