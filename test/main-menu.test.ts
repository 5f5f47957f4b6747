import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate } from '../src/main/app-menu';

const URLS = {
  http: 'http://127.0.0.1:8123',
  ws: 'ws://127.0.0.1:8123/ws',
  console: 'http://127.0.0.1:8123/__console/#token=abc',
};

function template(platform: NodeJS.Platform) {
  const calls: string[] = [];
  const menu = appMenuTemplate({
    platform,
    appName: 'AG-UI Mock Console',
    urls: URLS,
    actions: {
      openWorkspace: () => calls.push('open workspace'),
      saveWorkspace: () => calls.push('save workspace'),
      saveWorkspaceAs: () => calls.push('save workspace as'),
      copy: (text) => calls.push(`copy ${text}`),
      openExternal: (url) => calls.push(`open ${url}`),
      openDocs: () => calls.push('docs'),
    },
  });
  return { menu, calls };
}

function leaves(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) =>
    Array.isArray(item.submenu) && !item.role?.endsWith('Menu') ? leaves(item.submenu) : [item],
  );
}

const click = (item: MenuItemConstructorOptions | undefined) =>
  (item?.click as (() => void) | undefined)?.call(undefined);

for (const platform of ['linux', 'win32', 'darwin'] as const) {
  test(`${platform}: every menu item does something — an Electron role or a click handler`, () => {
    const { menu } = template(platform);
    for (const item of leaves(menu)) {
      if (item.type === 'separator') continue;
      assert.ok(
        typeof item.role === 'string' || typeof item.click === 'function',
        `dead menu item: ${JSON.stringify(item)}`,
      );
    }
    for (const top of menu) assert.ok(top.role || (Array.isArray(top.submenu) && top.submenu.length > 0), top.label);
  });
}

test('View has reload, devtools, zoom and full screen', () => {
  const { menu } = template('linux');
  const view = menu.find((item) => item.label === '&View');
  const roles = leaves([view ?? {}]).map((item) => item.role);
  for (const role of ['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen'])
    assert.ok(roles.includes(role as never), role);
});

test('Help copies the engine addresses, opens the console in a browser, and opens the docs', () => {
  const { menu, calls } = template('linux');
  const help = menu.find((item) => item.role === 'help');
  const items = leaves([help ?? {}]).filter((item) => item.type !== 'separator');
  assert.ok(items.some((item) => item.label?.includes(URLS.http)));
  assert.ok(items.some((item) => item.label?.includes(URLS.ws)));
  for (const item of items) click(item);
  assert.deepEqual(calls, [
    `copy ${URLS.http}`,
    `copy ${URLS.ws}`,
    `copy ${URLS.console}`,
    `open ${URLS.console}`,
    'docs',
  ]);
});

test('File opens, saves and saves the workspace as, with shortcuts, then close and quit', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    const { menu, calls } = template(platform);
    const file = menu.find((item) => item.label === '&File');
    const items = leaves([file ?? {}]).filter((item) => item.type !== 'separator');
    for (const item of items.filter((item) => item.click)) click(item);
    assert.deepEqual(calls, ['open workspace', 'save workspace', 'save workspace as']);
    assert.deepEqual(
      items.filter((item) => item.click).map((item) => item.accelerator),
      ['CmdOrCtrl+O', 'CmdOrCtrl+S', 'CmdOrCtrl+Shift+S'],
    );
    assert.ok(items.some((item) => item.role === 'close'));
  }
});

test('macOS gets the app menu and Edit (copy/paste shortcuts in text fields); others quit from File', () => {
  const mac = template('darwin').menu;
  assert.equal(mac[0]?.role, 'appMenu');
  assert.ok(mac.some((item) => item.role === 'editMenu'));
  const linux = template('linux').menu;
  assert.ok(!linux.some((item) => item.role === 'appMenu'));
  assert.ok(leaves(linux).some((item) => item.role === 'quit'));
  assert.ok(linux.some((item) => item.role === 'editMenu'));
});
