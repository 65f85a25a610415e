// The site admin in a browser with JavaScript: the header's link, search, a ban through the
// form (the banned user's open tab is signed out), lifting it, sign-up switched at run time,
// the connections page counting an open board. Hydration must not complain on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome, adminToken, bobToken;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  adminToken = await sayr.signUp('admin@example.test', 'Ada Admin');
  bobToken = await sayr.signUp('bob@example.test', 'Bob');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', adminToken, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

test('only site admins see the way to the admin, and others get its 404', async () => {
  const admin = await chrome.page(sayr.base, adminToken);
  await admin.goto(`${sayr.base}/`);
  await admin.waitForSelector('[data-testid=admin-link]');
  const bob = await chrome.page(sayr.base, bobToken);
  await bob.goto(`${sayr.base}/`);
  assert.equal(await bob.locator('[data-testid=admin-link]').count(), 0);
  assert.deepEqual(chrome.errors, []);
  const res = await bob.goto(`${sayr.base}/admin/users`);
  assert.equal(res.status(), 404);
  await bob.waitForSelector('text=Not found');
  // The browser logs the page's own 404; nothing else may complain.
  assert.deepEqual(chrome.errors.filter((e) => !e.includes('status of 404')), []);
  chrome.errors.length = 0;
});

test('a site admin finds, bans and unbans a user; the banned tab is signed out', async () => {
  const bob = await chrome.page(sayr.base, bobToken);
  await bob.goto(`${sayr.base}/settings/account`);
  await bob.waitForSelector('[data-testid=account]');

  const admin = await chrome.page(sayr.base, adminToken);
  await admin.goto(`${sayr.base}/admin`);
  await admin.click('[data-testid=admin-overview] a[href="/admin/users"]');
  await admin.waitForSelector('[data-testid=admin-users]');
  await admin.fill('input[name=q]', 'bob');
  await Promise.all([admin.waitForURL(/\/admin\/users\?q=bob/), admin.press('input[name=q]', 'Enter')]);
  const row = admin.locator('tr[data-user="bob@example.test"]');
  await row.waitFor();
  assert.equal(await admin.locator('[data-testid=users] tbody tr').count(), 1);

  await row.locator('summary').click();
  await row.locator('input[name=reason]').fill('spamming the board');
  await row.locator('button:has-text("Ban and sign out")').click();
  await row.locator('[data-testid=banned]').waitFor();
  assert.match(await row.textContent(), /spamming the board/);

  const me = await sayr.api('GET', '/api/v1/me', bobToken);
  assert.equal(me.status, 401);
  await bob.reload();
  await bob.waitForSelector('text=Sign in to see your account');
  // The account page answers 401 to the signed-out tab, which the browser logs.
  assert.deepEqual(chrome.errors.filter((e) => !e.includes('status of 401')), []);
  chrome.errors.length = 0;

  await row.locator('button:has-text("Lift ban")').click();
  await row.locator('button:has-text("Ban…"), summary:has-text("Ban…")').first().waitFor();
  const login = await fetch(`${sayr.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bob@example.test', password: 'correct horse battery' }) });
  assert.equal(login.status, 200);
  assert.deepEqual(chrome.errors, []);
});

test('sign-up closes and opens at run time; connections count an open board', async () => {
  const admin = await chrome.page(sayr.base, adminToken);
  await admin.goto(`${sayr.base}/admin`);
  await admin.click('button:has-text("Close sign-up")');
  await admin.waitForSelector('button:has-text("Open sign-up")');
  const visitor = await chrome.page(sayr.base, null);
  await visitor.goto(`${sayr.base}/signup`);
  await visitor.waitForSelector('[data-testid=signup-closed]');
  await admin.click('button:has-text("Open sign-up")');
  await admin.waitForSelector('button:has-text("Close sign-up")');

  const board = await chrome.page(sayr.base, adminToken);
  await board.goto(`${sayr.base}/orgs/acme/tasks`);
  await board.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
  await admin.goto(`${sayr.base}/admin/connections`);
  const rooms = admin.locator('[data-testid=rooms] tbody tr:has-text("Acme")');
  await rooms.first().waitFor();
  assert.notEqual(await admin.locator('[data-testid=open-sockets]').textContent(), '0');
  assert.deepEqual(chrome.errors, []);
});
