// Notifications in a browser: one member mentions another in a comment; the other's badge
// goes up live, the inbox shows it, opening it marks it read (the badge goes down); the
// Watch button; My Tasks and the home dashboard; the notification mail settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome, annToken, bobToken, bobId;

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const badge = (page) => page.locator('[data-testid=unread-count]');
// The header's own socket is up: the page is hydrated and hears the user's room.
const hydrated = (page) => page.waitForSelector('[data-testid=inbox-link][data-state=live]', { timeout: 15000 });
const waitBadge = (page, n) => page.waitForFunction(
  (want) => {
    const el = document.querySelector('[data-testid=unread-count]');
    return el && (want === 0 ? el.hidden : !el.hidden && el.textContent.trim() === String(want));
  }, n, { timeout: 10000 });

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  annToken = await sayr.signUp('ann@example.test', 'Ann Lee');
  bobToken = await sayr.signUp('bob@example.test', 'Bob Stone');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', annToken, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
  const invite = await sayr.api('POST', '/api/v1/orgs/acme/invites', annToken, { email: 'bob@example.test' });
  assert.equal((await sayr.api('POST', `/api/v1/invites/${invite.body.invite.code}/accept`, bobToken, {})).status, 200);
  bobId = (await sayr.api('GET', '/api/v1/me', bobToken)).body.user.id;
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title: 'Ship the inbox', status: 'todo' })).status, 201);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

test('a mention raises the badge live; the inbox shows it; opening the task reads it', async () => {
  const bob = await chrome.page(sayr.base, bobToken);
  await bob.goto(`${sayr.base}/`);
  await bob.waitForSelector('[data-testid=inbox-link]');
  assert.equal(await badge(bob).isHidden(), true, 'nothing unread yet');
  // Bob's page holds its socket, so that what follows is heard live.
  await hydrated(bob);

  const ann = await chrome.page(sayr.base, annToken);
  await ann.goto(`${sayr.base}/orgs/acme/tasks/1`);
  await live(ann);
  const box = ann.locator('[data-testid=comment-form] textarea');
  await box.click();
  await box.type('Look @bo');
  await ann.locator('[data-testid=mention-list] [role=option]:has-text("Bob Stone")').waitFor();
  await ann.keyboard.press('Enter');
  await box.type('please');
  await ann.click('[data-testid=comment-form] button[type=submit]');
  await ann.locator('[data-testid=comment] .mention').waitFor();

  // Live, without a reload.
  await waitBadge(bob, 1);

  await bob.goto(`${sayr.base}/inbox`);
  const item = bob.locator('[data-testid=notification]').first();
  await item.waitFor();
  await hydrated(bob);
  assert.equal(await item.getAttribute('data-type'), 'mentioned');
  assert.match(await item.textContent(), /ACM-1 Ship the inbox/);
  assert.match(await item.textContent(), /Ann Lee mentioned you/);
  assert.match(await item.getAttribute('class'), /unread/);

  // Keyboard: Enter opens the selected one; opening it marks it read.
  await bob.keyboard.press('Enter');
  await bob.waitForURL(/\/orgs\/acme\/tasks\/1$/);
  await bob.waitForSelector('[data-testid=task-page]');
  await waitBadge(bob, 0);
  const list = await sayr.api('GET', '/api/v1/me/notifications?unread=true', bobToken);
  assert.equal(list.body.unreadCount, 0);

  // Watching: Bob was mentioned, so he watches; the button says so and toggles.
  const watch = bob.locator('[data-testid=task-watch]');
  await watch.waitFor();
  assert.equal(await watch.getAttribute('aria-pressed'), 'true');
  await watch.click();
  await bob.waitForSelector('[data-testid=task-watch][aria-pressed=false]');
  assert.equal((await sayr.api('GET', '/api/v1/orgs/acme/tasks/1/watch', bobToken)).body.watching, false);

  // Archive from the inbox with `e`.
  await sayr.api('PATCH', '/api/v1/orgs/acme/tasks/1', annToken, { version: (await sayr.api('GET', '/api/v1/orgs/acme/tasks/1', annToken)).body.task.version, assigneeIds: [bobId] });
  await waitBadge(bob, 1);
  await bob.goto(`${sayr.base}/inbox`);
  await bob.locator('[data-testid=notification]').first().waitFor();
  await hydrated(bob);
  await bob.keyboard.press('e');
  await bob.waitForSelector('[data-testid=inbox-empty]');
  await bob.goto(`${sayr.base}/inbox?view=archived`);
  assert.ok(await bob.locator('[data-testid=notification]').count() >= 1);
  assert.deepEqual(chrome.errors, []);
});

test('My Tasks and the home dashboard show my tasks across orgs', async () => {
  const task = (await sayr.api('GET', '/api/v1/orgs/acme/tasks/1', annToken)).body.task;
  if (!task.assignees.some((a) => a.id === bobId)) {
    assert.equal((await sayr.api('PATCH', '/api/v1/orgs/acme/tasks/1', annToken, { version: task.version, assigneeIds: [bobId] })).status, 200);
  }
  const bob = await chrome.page(sayr.base, bobToken);
  await bob.goto(`${sayr.base}/my-tasks`);
  await bob.locator('[data-testid=my-task]:has-text("Ship the inbox")').waitFor();
  // The filters: words that match nothing, then the task's own key.
  await bob.fill('[data-testid=my-tasks-search]', 'nothing like it');
  await Promise.all([bob.waitForURL(/q=nothing/), bob.click('[data-testid=my-tasks-filters] button[type=submit]')]);
  await bob.waitForSelector('[data-testid=my-tasks-empty]');
  await bob.goto(`${sayr.base}/my-tasks?q=acm-1&sort=priority`);
  await bob.locator('[data-testid=my-task]:has-text("Ship the inbox")').waitFor();
  await bob.goto(`${sayr.base}/my-tasks?role=created`);
  await bob.waitForSelector('[data-testid=my-tasks-empty]');
  await bob.goto(`${sayr.base}/`);
  const open = bob.locator('[data-testid=my-open]');
  await open.waitFor();
  assert.match(await open.textContent(), /Todo\s*1/);
  assert.deepEqual(chrome.errors, []);
});

test('notification mail is chosen per type', async () => {
  const bob = await chrome.page(sayr.base, bobToken);
  await bob.goto(`${sayr.base}/settings/notifications`);
  await bob.selectOption('[data-testid=mail-commented]', 'off');
  await Promise.all([bob.waitForURL(/saved=1/), bob.click('[data-testid=save-notification-settings]')]);
  await bob.waitForSelector('[data-testid=settings-saved]');
  const settings = await sayr.api('GET', '/api/v1/me/notification-settings', bobToken);
  assert.equal(settings.body.find((s) => s.type === 'commented').mail, 'off');
  assert.equal(await bob.inputValue('[data-testid=mail-commented]'), 'off');
  assert.deepEqual(chrome.errors, []);
});
