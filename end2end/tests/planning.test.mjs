// Planning in the browser: a filter typed in the filter bar, saved as a shared view and
// opened from the views list in a second window (where it stays live); a release made,
// three tasks moved into it from the list, marked released, and read on the public
// changelog without a private task.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome, ann, bob, annToken;

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const cards = (page) => page.$$eval('[data-testid=task-card] a.card-title', (els) => els.map((e) => e.textContent).sort());
const waitCards = (page, want) => page.waitForFunction(
  (want) => JSON.stringify([...document.querySelectorAll('[data-testid=task-card] a.card-title')].map((e) => e.textContent).sort()) === want,
  JSON.stringify([...want].sort()), { timeout: 10000 });

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  annToken = await sayr.signUp('ann@example.test', 'Ann Lee');
  const bobToken = await sayr.signUp('bob@example.test', 'Bob Stone');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', annToken, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
  assert.equal((await sayr.api('PATCH', '/api/v1/orgs/acme', annToken, { settings: { publicPage: true } })).status, 200);
  const invite = await sayr.api('POST', '/api/v1/orgs/acme/invites', annToken, { email: 'bob@example.test' });
  assert.equal((await sayr.api('POST', `/api/v1/invites/${invite.body.invite.code}/accept`, bobToken, {})).status, 200);
  const bug = await sayr.api('POST', '/api/v1/orgs/acme/labels', annToken, { name: 'bug', color: '#d00' });
  for (const [title, labelIds, visibility] of [
    ['Login fails', [bug.body.label.id], 'public'],
    ['Crash on save', [bug.body.label.id], 'public'],
    ['Write docs', [], 'public'],
    ['Secret pricing', [], 'private'],
  ]) {
    assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title, status: 'todo', labelIds, visibility })).status, 201);
  }
  ann = await chrome.page(sayr.base, annToken);
  bob = await chrome.page(sayr.base, bobToken);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

test('a filter typed in the bar is saved as a shared view that another member opens, live', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/tasks`);
  await live(ann);
  await ann.keyboard.press('f');
  assert.equal(await ann.evaluate(() => document.activeElement?.id), 'filter-input', 'f focuses the filter bar');
  await ann.keyboard.type('label:bug');
  await ann.keyboard.press('Enter');
  await waitCards(ann, ['ACM-1 Login fails', 'ACM-2 Crash on save']);
  await ann.locator('[data-testid=filter-chip]:has-text("Label: bug")').waitFor();
  // A bad one says why and changes nothing.
  await ann.fill('[data-testid=filter-input]', 'mood:happy');
  await ann.keyboard.press('Enter');
  await ann.locator('[data-testid=filter-error]:has-text("is not a filter")').waitFor();
  assert.equal((await cards(ann)).length, 2);

  await ann.click('[data-testid=save-view]');
  await ann.fill('[data-testid=view-name]', 'Bugs');
  await ann.check('[data-testid=view-shared]');
  await ann.click('[data-testid=view-save]');
  await ann.waitForURL(/\/orgs\/acme\/tasks\?v=/);
  await ann.locator('[data-testid=view-link][aria-current=page]:has-text("Bugs")').waitFor();
  await waitCards(ann, ['ACM-1 Login fails', 'ACM-2 Crash on save']);
  // The sidebar lists it at once, as the page shown.
  await ann.locator('[data-testid=sidebar-view][aria-current=page]:has-text("Bugs")').waitFor({ timeout: 5000 });

  // Bob's open board hears of the view, and opens it.
  await bob.goto(`${sayr.base}/orgs/acme/tasks`);
  await live(bob);
  await bob.locator('[data-testid=view-link]:has-text("Bugs")').waitFor();
  await bob.locator('[data-testid=sidebar-view]:has-text("Bugs")').waitFor({ timeout: 5000 });
  await bob.click('[data-testid=view-link]:has-text("Bugs")');
  await bob.waitForURL(/\?v=/);
  await waitCards(bob, ['ACM-1 Login fails', 'ACM-2 Crash on save']);
  await live(bob);

  // Live: a new bug comes in; a task that loses its label leaves.
  const labels = await sayr.api('GET', '/api/v1/orgs/acme/labels', annToken);
  const bugId = labels.body.find((l) => l.name === 'bug').id;
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title: 'New bug', status: 'todo', labelIds: [bugId] })).status, 201);
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title: 'Not a bug', status: 'todo' })).status, 201);
  await waitCards(bob, ['ACM-1 Login fails', 'ACM-2 Crash on save', 'ACM-5 New bug']);
  const crash = await sayr.api('GET', '/api/v1/orgs/acme/tasks/2', annToken);
  assert.equal((await sayr.api('PATCH', '/api/v1/orgs/acme/tasks/2', annToken, { version: crash.body.task.version, labelIds: [] })).status, 200);
  await waitCards(bob, ['ACM-1 Login fails', 'ACM-5 New bug']);
  assert.deepEqual(chrome.errors, []);
});

test('a release gathers three tasks from the list, is released, and reads on the public changelog', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/releases`);
  await ann.fill('[data-testid=release-name]', 'Spring launch');
  await ann.click('[data-testid=new-release] button[type=submit]');
  await ann.locator('[data-testid=release-item]:has-text("Spring launch")').waitFor();

  await ann.goto(`${sayr.base}/orgs/acme/tasks?view=list&all=1`);
  await live(ann);
  for (const n of [1, 3, 4]) {
    await ann.check(`[data-testid=task-item][data-number="${n}"] input[type=checkbox]`);
  }
  await ann.selectOption('[data-testid=bulk-release]', 'spring-launch');
  await ann.waitForFunction(() => document.querySelectorAll('[data-testid=card-release]').length === 3);

  await ann.goto(`${sayr.base}/orgs/acme/releases/spring-launch`);
  await ann.waitForFunction(() => document.querySelectorAll('[data-testid=release-task]').length === 3);
  await ann.click('[data-testid=release-edit] summary');
  await ann.selectOption('[data-testid=release-status]', 'released');
  await ann.click('[data-testid=release-save]');
  await ann.locator('[data-testid=release-status-badge]:has-text("Released")').waitFor();

  const visitor = await chrome.page(sayr.base);
  await visitor.goto(`${sayr.base}/orgs/acme/releases`);
  await visitor.locator('[data-testid=release-item]:has-text("Spring launch")').waitFor();
  await visitor.click('[data-testid=release-item] a:has-text("Spring launch")');
  await visitor.waitForFunction(() => document.querySelectorAll('[data-testid=release-task]').length === 2);
  const shown = await visitor.textContent('[data-testid=release]');
  assert.match(shown, /Login fails/);
  assert.match(shown, /Write docs/);
  assert.doesNotMatch(shown, /Secret pricing/, 'a private task is not on the changelog');
  assert.equal((await visitor.content()).includes('Secret pricing'), false, 'nor in the page data');
  // A visitor on a shipped task sees where it shipped.
  await visitor.goto(`${sayr.base}/orgs/acme/tasks/1`);
  await visitor.locator('[data-testid=shipped-in]:has-text("Spring launch")').waitFor();
  assert.deepEqual(chrome.errors, []);
});
