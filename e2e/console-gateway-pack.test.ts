import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../test/helpers/engine';
import { seriousAxeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { openConsole, waitUntilLive } from './helpers/console-page';

// Settings in a real browser: the gateway's API-key check turned on and off and its keys edited live (the mocked API
// answers accordingly at once), and the pack switched after a confirmation, keeping the users.

const browser = await launchBrowser();
const waitMs = 20_000;

test('the gateway check is turned on with a key from Settings, applies at once, and refuses a bad key', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs,
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: /^Settings/ }).click();
  const newKey = page.getByLabel('New API key');
  await newKey.fill('has space');
  await page.getByText('may not contain spaces').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add key' }).isDisabled(), true);
  await newKey.fill('hai-dev-key');
  await newKey.press('Enter');
  await page.getByRole('list', { name: 'API keys' }).getByText('hai-dev-key').waitFor();
  assert.equal((await fetch(`${server.url}/health`)).status, 200, 'a key alone does not turn the check on');

  await page.getByLabel('Require an API key').check();
  await poll(async () => (await fetch(`${server.url}/health`)).status === 401);
  assert.equal((await fetch(`${server.url}/health`, { headers: { 'X-API-Key': 'hai-dev-key' } })).status, 200);
  assert.deepEqual(server.settings().gatewayAuth, { enabled: true, keys: ['hai-dev-key'] });
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    assert.deepEqual(await seriousAxeViolations(page), [], `axe, ${theme}`);
  }

  // The refused request is in the console's request list with its reason.
  await fetch(`${server.url}/users?gate=1`);
  await page.getByRole('tab', { name: /^Requests/ }).click();
  const row = page.getByRole('listbox', { name: 'Requests' }).getByRole('option', { name: /gate=1/ });
  await row.getByText(/^refused ·/).waitFor();
  await row.click();
  await page.getByTestId('request-refusal').getByText('gateway auth: no X-API-Key header').waitFor();
  await page.getByRole('tab', { name: /^Settings/ }).click();

  await page.getByLabel('Require an API key').uncheck();
  await poll(async () => (await fetch(`${server.url}/health`)).status === 200);
  await page.getByRole('button', { name: 'Remove key hai-dev-key' }).click();
  await poll(async () => server.settings().gatewayAuth.keys.length === 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('switching the pack asks first, then serves agora-real with the same users', async () => {
  const server = await startTestEngine();
  const { page, errors } = await openConsole(server, browser, server.consoleUrl, {
    viewport: { width: 1280, height: 720 },
    waitMs,
  });
  await waitUntilLive(page);
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByRole('tab', { name: /^Packs/ }).click();
  const packs = page.getByRole('table', { name: 'Packs' });
  await packs.getByRole('button', { name: 'Switch from agora-mock…' }).click();
  await packs.getByText('Switch from agora-mock to agora-real? Users and sessions are kept').waitFor();
  await packs.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(
    server.context.world.packs().map((pack) => pack.definition.name),
    ['agora-mock'],
    'nothing changes before the confirmation',
  );
  await packs.getByRole('button', { name: 'Switch from agora-mock…' }).click();
  await packs.getByRole('button', { name: 'Switch', exact: true }).click();
  // The row of agora-real now serves; agora-mock is gone from the workspace (its data went with the switch).
  await packs
    .getByRole('row', { name: /agora-real/ })
    .getByRole('checkbox', { checked: true })
    .waitFor();
  await packs.getByRole('button', { name: 'Add agora-mock' }).waitFor();
  await page.locator('.status-bar .badge', { hasText: 'agora-real' }).waitFor();
  // Added beside the variant that serves, agora-mock comes in switched off (it would never be reached)...
  await packs.getByRole('button', { name: 'Add agora-mock' }).click();
  const mockRow = packs.getByRole('row', { name: /agora-mock/ });
  await mockRow.getByRole('checkbox', { checked: false }).waitFor();
  assert.deepEqual(
    server.context.world.definitions().packs.map(({ pack, enabled }) => [pack, enabled]),
    [
      ['agora-real', true],
      ['agora-mock', false],
    ],
  );
  // ...and switched on, it serves in agora-real's place (which goes off); agora-real switched on takes it back.
  await mockRow.getByRole('checkbox').check();
  await poll(() =>
    server.context.world.definitions().packs.every(({ pack, enabled }) => enabled === (pack === 'agora-mock')),
  );
  await packs
    .getByRole('row', { name: /agora-real/ })
    .getByRole('checkbox')
    .check();
  await poll(() =>
    server.context.world.definitions().packs.every(({ pack, enabled }) => enabled === (pack === 'agora-real')),
  );
  const users = (await (await fetch(`${server.url}/users`)).json()) as {
    totalCount: number;
    users: { role: string }[];
  };
  assert.equal(users.totalCount, 3);
  assert.equal(users.users[0]?.role, 'inspector');
  assert.equal((await fetch(`${server.url}/users/me`)).status, 422);
  // agora-real serves the same users and sessions, so the State view keeps their tab.
  await page.getByRole('tab', { name: 'State' }).click();
  await page.getByRole('tab', { name: 'AGORA users & sessions' }).waitFor();
  await page.getByRole('form', { name: 'Edit Koen van den Berg' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

async function poll(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
