// The walking skeleton's slice in a real browser: server-rendered board, hydrated form,
// a second tab updated live over the socket, and the same form with JavaScript off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome, token;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  token = await sayr.signUp('ann@example.test');
  const org = await sayr.api('POST', '/api/v1/orgs', token, { name: 'Acme', slug: 'acme', shortId: 'ACM' });
  assert.equal(org.status, 201);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });

test('a task added in one tab appears live in another, without reloads', async () => {
  const [a, b] = [await chrome.page(sayr.base, token), await chrome.page(sayr.base, token)];
  await a.goto(`${sayr.base}/orgs/acme/tasks`);
  await b.goto(`${sayr.base}/orgs/acme/tasks`);
  // Live only after hydration, the socket and SUBSCRIBED: the page is interactive.
  await Promise.all([live(a), live(b)]);
  await a.evaluate(() => { window.__noReload = true; });
  await b.evaluate(() => { window.__noReload = true; });

  await a.fill('[data-testid=new-task-form] input[name=title]', 'Ship the walking skeleton');
  await a.click('[data-testid=new-task-form] button[type=submit]');

  for (const page of [a, b]) {
    await page.waitForSelector('[data-testid=task-card]:has-text("Ship the walking skeleton")', { timeout: 5000 });
    assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was not reloaded');
  }
  assert.equal(await a.inputValue('[data-testid=new-task-form] input[name=title]'), '', 'the form was cleared');
  assert.equal(await b.locator('[data-testid=task-card]:has-text("Ship the walking skeleton")').count(), 1, 'shown once');
  assert.deepEqual(chrome.errors, []);
});

test('with JavaScript off the form still adds the task', async () => {
  const page = await chrome.page(sayr.base, token, { javaScriptEnabled: false });
  await page.goto(`${sayr.base}/orgs/acme/tasks`);
  await page.fill('[data-testid=new-task-form] input[name=title]', 'Works without JavaScript');
  await Promise.all([page.waitForNavigation(), page.click('[data-testid=new-task-form] button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/orgs/acme/tasks');
  await page.waitForSelector('[data-testid=task-card]:has-text("Works without JavaScript")', { timeout: 5000 });
  const stored = await sayr.api('GET', '/api/v1/orgs/acme/tasks', token);
  assert.ok(stored.body.items.some((t) => t.title === 'Works without JavaScript'));
});

test('an outsider sees nothing of a private org', async () => {
  const page = await chrome.page(sayr.base, null);
  const res = await page.goto(`${sayr.base}/orgs/acme/tasks`);
  assert.equal(res.status(), 404);
  assert.equal(await page.locator('[data-testid=task-card]').count(), 0);
});
