// The web app as a team uses it: sign up and create an org in the UI, create tasks, drag one
// to Done, filter, comment, change a field from the command palette — while a second member
// sees each change live, and a member without a permission is refused. Saves screenshots of
// the board, a task page and settings, light and dark, for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSayr, startBrowser } from './harness.mjs';

const SHOTS = join(import.meta.dirname, '..', 'screenshots');
let sayr, chrome, ann, bob, carol, annToken;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sayr = await startSayr();
  chrome = await startBrowser();
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const card = (page, title) => page.locator(`[data-testid=task-card]:has-text("${title}")`);

test('sign up and create an organization in the browser', async () => {
  ann = await chrome.page(sayr.base, null);
  await ann.goto(`${sayr.base}/signup`);
  await ann.fill('[data-testid=signup-form] input[name=name]', 'Ann Lee');
  await ann.fill('[data-testid=signup-form] input[name=email]', 'ann@example.test');
  await ann.fill('[data-testid=signup-form] input[name=password]', 'correct horse battery');
  await Promise.all([ann.waitForURL(`${sayr.base}/`), ann.click('[data-testid=signup-form] button[type=submit]')]);
  await ann.fill('[data-testid=new-org-form] input[name=name]', 'Acme');
  await ann.fill('[data-testid=new-org-form] input[name=slug]', 'acme');
  await ann.fill('[data-testid=new-org-form] input[name=short_id]', 'ACM');
  await Promise.all([ann.waitForURL(`${sayr.base}/orgs/acme/tasks`), ann.click('[data-testid=new-org-form] button[type=submit]')]);
  annToken = (await ann.context().cookies()).find((c) => c.name === 'sayr_session').value;

  // Bob joins as a member; Carol joins in a team that may not change status.
  const bobToken = await sayr.signUp('bob@example.test', 'Bob');
  const carolToken = await sayr.signUp('carol@example.test', 'Carol');
  for (const [email, token] of [['bob@example.test', bobToken], ['carol@example.test', carolToken]]) {
    const invite = await sayr.api('POST', '/api/v1/orgs/acme/invites', annToken, { email });
    assert.equal(invite.status, 201);
    assert.equal((await sayr.api('POST', `/api/v1/invites/${invite.body.invite.code}/accept`, token, {})).status, 200);
  }
  const team = await sayr.api('POST', '/api/v1/orgs/acme/teams', annToken, { name: 'Watchers', permissions: { tasks: { create: true } } });
  assert.equal(team.status, 201);
  const members = await sayr.api('GET', '/api/v1/orgs/acme/members', annToken);
  const carolId = members.body.find((m) => m.name === 'Carol').userId;
  assert.equal((await sayr.api('PUT', `/api/v1/orgs/acme/teams/${team.body.team.id}/members/${carolId}`, annToken)).status, 200);
  bob = await chrome.page(sayr.base, bobToken);
  carol = await chrome.page(sayr.base, carolToken);
});

test('tasks created in one browser appear live in another', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/tasks`);
  await bob.goto(`${sayr.base}/orgs/acme/tasks?closed=1`);
  await Promise.all([live(ann), live(bob)]);
  await bob.evaluate(() => { window.__noReload = true; });

  // The dialog, opened with `c`.
  await ann.keyboard.press('c');
  await ann.waitForSelector('[data-testid=new-task-dialog][open]');
  await ann.fill('[data-testid=dialog-title]', 'Fix the login bug');
  await ann.selectOption('[data-testid=new-task-dialog] select >> nth=0', 'todo');
  await ann.click('[data-testid=dialog-create]');
  await card(ann, 'Fix the login bug').waitFor();
  // The one-line form.
  await ann.fill('[data-testid=new-task-form] input[name=title]', 'Write the docs');
  await ann.click('[data-testid=new-task-form] button[type=submit]');
  await card(ann, 'Write the docs').waitFor();

  await card(bob, 'Fix the login bug').waitFor({ timeout: 5000 });
  await card(bob, 'Write the docs').waitFor({ timeout: 5000 });
  assert.equal(await bob.evaluate(() => window.__noReload), true, 'no reload');

  // Arrow keys move between the cards.
  await ann.focus('[data-testid=task-card] a.card-title >> nth=0');
  const first = await ann.evaluate(() => document.activeElement.textContent);
  await ann.keyboard.press('ArrowDown');
  const second = await ann.evaluate(() => document.activeElement.className === 'card-title' && document.activeElement.textContent);
  assert.ok(second && second !== first, `the next card has the focus (${first} → ${second})`);
});

test('a card dragged to Done moves there for everyone', async () => {
  // Wide enough for every column beside the sidebar: at 1280 px the board scrolls sideways
  // and Playwright's pointer cannot drag across the scroll.
  await ann.setViewportSize({ width: 1600, height: 900 });
  await card(ann, 'Fix the login bug').dragTo(ann.locator('[data-group="status:done"]'));
  // Hidden on Ann's board (done is folded), shown in Bob's Done column.
  await bob.locator('[data-group="status:done"] [data-testid=task-card]:has-text("Fix the login bug")').waitFor({ timeout: 5000 });
  await ann.locator('[data-group="status:done"] .hidden-note').waitFor();
  const stored = await sayr.api('GET', '/api/v1/orgs/acme/tasks/1', annToken);
  assert.equal(stored.body.task.status, 'done');
  await ann.setViewportSize({ width: 1280, height: 720 });
});

test('filters live in the URL', async () => {
  await ann.fill('[data-testid=search]', 'docs');
  await ann.press('[data-testid=search]', 'Enter');
  await ann.waitForURL(/q=docs/);
  await card(ann, 'Write the docs').waitFor();
  assert.equal(await ann.locator('[data-testid=task-card]').count(), 1);
  // The same URL in another browser shows the same board.
  await bob.goto(ann.url());
  await card(bob, 'Write the docs').waitFor();
  assert.equal(await bob.locator('[data-testid=task-card]').count(), 1);
  await ann.goto(`${sayr.base}/orgs/acme/tasks`);
});

test('comments and palette changes reach the other member live', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/tasks/2`);
  await bob.goto(`${sayr.base}/orgs/acme/tasks/2`);
  await Promise.all([live(ann), live(bob)]);
  await ann.fill('[data-testid=comment-form] textarea', 'I will take this one.');
  await ann.click('[data-testid=comment-form] button[type=submit]');
  await bob.locator('[data-testid=comment]:has-text("I will take this one.")').waitFor({ timeout: 5000 });

  await ann.keyboard.press('Control+k');
  await ann.waitForSelector('[data-testid=palette][open]');
  await ann.fill('[data-testid=palette-input]', 'priority urgent');
  await ann.keyboard.press('Enter');
  await ann.waitForFunction(() => document.querySelector('[data-testid=priority-select]').value === 'urgent');
  await bob.waitForFunction(() => document.querySelector('[data-testid=priority-select]').value === 'urgent', null, { timeout: 5000 });
  const stored = await sayr.api('GET', '/api/v1/orgs/acme/tasks/2', annToken);
  assert.equal(stored.body.task.priority, 'urgent');
});

test('a member without the permission is refused, and the board says so', async () => {
  await carol.goto(`${sayr.base}/orgs/acme/tasks`);
  await live(carol);
  await card(carol, 'Write the docs').dragTo(carol.locator('[data-group="status:in-progress"]'));
  await carol.locator('[data-testid=notice]').waitFor({ timeout: 5000 });
  // Rolled back: still in its column, unchanged on the server.
  await carol.locator('[data-group="status:backlog"] [data-testid=task-card]:has-text("Write the docs")').waitFor({ timeout: 5000 });
  const stored = await sayr.api('GET', '/api/v1/orgs/acme/tasks/2', annToken);
  assert.equal(stored.body.task.status, 'backlog');
  // Settings she may not manage are not offered.
  await carol.goto(`${sayr.base}/orgs/acme/settings`);
  await carol.waitForSelector('[data-testid=settings]');
  assert.equal(await carol.locator('[data-testid=general-form]').count(), 0);
  assert.equal(await carol.locator('[data-testid=invite-form]').count(), 0);
  // The refused call is the one expected error in the console.
  const refused = chrome.errors.filter((e) => e.includes('status of 403'));
  assert.equal(refused.length, chrome.errors.length, `only the refusal: ${chrome.errors}`);
  chrome.errors.length = 0;
});

test('screenshots, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    await ann.emulateMedia({ colorScheme: scheme });
    await ann.setViewportSize({ width: 1280, height: 800 });
    await ann.goto(`${sayr.base}/orgs/acme/tasks?closed=1`);
    await live(ann);
    await ann.screenshot({ path: join(SHOTS, `board-${scheme}.png`) });
    await ann.goto(`${sayr.base}/orgs/acme/tasks/2`);
    await live(ann);
    await ann.screenshot({ path: join(SHOTS, `task-${scheme}.png`) });
    await ann.goto(`${sayr.base}/orgs/acme/settings`);
    await ann.waitForSelector('[data-testid=settings]');
    await ann.screenshot({ path: join(SHOTS, `settings-${scheme}.png`) });
  }
  await ann.emulateMedia({ colorScheme: 'light' });
  await ann.setViewportSize({ width: 375, height: 800 });
  await ann.goto(`${sayr.base}/orgs/acme/tasks`);
  await live(ann);
  const overflow = await ann.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `usable at 375 px: the page does not scroll sideways (${overflow}px)`);
  await ann.screenshot({ path: join(SHOTS, 'board-phone.png') });
  await ann.goto(`${sayr.base}/orgs/acme/tasks/2`);
  await live(ann);
  await ann.screenshot({ path: join(SHOTS, 'task-phone.png') });
  await ann.goto(`${sayr.base}/orgs/acme/settings`);
  await ann.waitForSelector('[data-testid=settings]');
  await ann.screenshot({ path: join(SHOTS, 'settings-phone.png') });
  assert.deepEqual(chrome.errors, []);
});
