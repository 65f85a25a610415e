// Accessibility, measured: axe-core's WCAG 2.1 A and AA rules on every kind of page (board,
// list, task, a dialog, settings, inbox, account, admin, public page, public task, docs),
// in light and in dark. What it finds is printed (`# axe …` lines in the test output); a
// serious or critical violation fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser, axe } from './harness.mjs';

let sayr, chrome, ada, adaToken;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  // The first account administers the site.
  adaToken = await sayr.signUp('ada@example.test', 'Ada Admin');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', adaToken, { name: 'Acme', slug: 'acme', shortId: 'ACM', description: 'What we build next.' })).status, 201);
  assert.equal((await sayr.api('PATCH', '/api/v1/orgs/acme', adaToken, { settings: { publicPage: true, publicActions: true } })).status, 200);
  const tasks = [['Dark mode', 'todo', 'high'], ['Calendar sync', 'in-progress', 'urgent'], ['Faster search', 'done', 'low'], ['Offline mode', 'backlog', 'none']];
  for (const [title, status, priority] of tasks) {
    assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', adaToken, { title, status, priority, visibility: 'public' })).status, 201);
  }
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks/1/comments', adaToken, { body: 'We are on it!', visibility: 'public' })).status, 201);
  ada = await chrome.page(sayr.base, adaToken);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const hydrated = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });

/** Opens each `[label, path, ready]` (waiting for `ready`), runs axe on it and returns
 *  what was serious, page by page, so that one failure shows every page's. */
async function check(page, pages) {
  const found = {};
  for (const [label, path, ready] of pages) {
    await page.goto(`${sayr.base}${path}`);
    if (ready) await ready(page);
    const bad = await axe(page, label);
    if (bad.length) found[label] = bad;
  }
  return found;
}

test('the team pages pass axe in light and dark', async () => {
  const found = await check(ada, [
    ['board', '/orgs/acme/tasks', hydrated],
    ['list', '/orgs/acme/tasks?view=list', hydrated],
    ['task', '/orgs/acme/tasks/1', hydrated],
    ['settings', '/orgs/acme/settings'],
    ['inbox', '/inbox'],
    ['my tasks', '/my-tasks'],
    ['account', '/settings/account'],
    ['home', '/'],
  ]);
  assert.deepEqual(found, {}, 'serious or critical violations');
});

test('a dialog passes axe', async () => {
  await ada.goto(`${sayr.base}/orgs/acme/tasks`);
  await hydrated(ada);
  await ada.keyboard.press('c');
  await ada.waitForSelector('[data-testid=new-task-dialog][open]');
  const bad = await axe(ada, 'new-task dialog');
  assert.deepEqual(bad, [], 'new-task dialog: serious or critical violations');
  await ada.keyboard.press('Escape');
  await ada.waitForSelector('[data-testid=new-task-dialog]:not([open])', { state: 'attached' });
});

test('the site admin, the public page and the docs pass axe', async () => {
  const found = await check(ada, [['admin', '/admin'], ['admin users', '/admin/users']]);
  const visitor = await chrome.page(sayr.base, null);
  Object.assign(found, await check(visitor, [['public page', '/orgs/acme'], ['public task', '/orgs/acme/tasks/1'], ['docs', '/docs'], ['sign in', '/login']]));
  assert.deepEqual(found, {}, 'serious or critical violations');
});

/** Presses Tab `times` times (Shift+Tab when `back`) and returns where focus was after each
 *  press: the `data-testid` of the open dialog holding it, or `outside`. */
async function tabWalk(page, times, back = false) {
  const seen = [];
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    seen.push(await page.evaluate(() => {
      const a = document.activeElement;
      const d = a?.closest('dialog[open]');
      return d ? d.dataset.testid : (a === document.body ? 'body' : 'outside');
    }));
  }
  return seen;
}

test('dialogs keep focus inside while open and give it back when they close', async () => {
  await ada.goto(`${sayr.base}/orgs/acme/tasks`);
  await hydrated(ada);
  const openers = [
    ['new-task', 'new-task-dialog'],
    ['open-palette', 'palette'],
    ['open-shortcuts', 'shortcut-sheet'],
  ];
  for (const [opener, dialog] of openers) {
    // Opened from the keyboard: focus the opener, press Enter.
    await ada.focus(`[data-testid=${opener}]`);
    await ada.keyboard.press('Enter');
    await ada.waitForSelector(`[data-testid=${dialog}][open]`);
    const inside = await ada.evaluate((d) => document.activeElement?.closest('dialog[open]')?.dataset.testid, dialog);
    assert.equal(inside, dialog, `${dialog}: focus moves into it`);
    // Tab and Shift+Tab cycle within it: never to the page behind.
    for (const back of [false, true]) {
      const walk = await tabWalk(ada, 25, back);
      assert.ok(walk.every((w) => w === dialog || w === 'body'), `${dialog}: focus left it: ${walk.join(' ')}`);
      assert.ok(walk.filter((w) => w === dialog).length >= 20, `${dialog}: focus stays on its controls: ${walk.join(' ')}`);
    }
    await ada.keyboard.press('Escape');
    await ada.waitForSelector(`[data-testid=${dialog}]:not([open])`, { state: 'attached' });
    const back = await ada.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);
    assert.equal(back, opener, `${dialog}: focus goes back to what opened it`);
  }
});
