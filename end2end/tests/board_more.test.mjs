// The board's task dialog (opened from a card, Back and Escape close it, focus goes in and
// comes back), reordering a column by drag and by keyboard (kept after a reload, live in a
// second page), and `@` / `#` mentions in the comment editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome, ann, bob, annToken;

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const cardLink = (n) => `[data-testid=task-card][data-number="${n}"] a.card-title`;
const todo = (page) => page.$$eval('[data-group="status:todo"] [data-testid=task-card]', (els) => els.map((e) => Number(e.dataset.number)));
const waitOrder = (page, order) => page.waitForFunction(
  (want) => JSON.stringify([...document.querySelectorAll('[data-group="status:todo"] [data-testid=task-card]')].map((e) => Number(e.dataset.number))) === want,
  JSON.stringify(order), { timeout: 5000 });
const focusedCard = (page) => page.evaluate(() => document.activeElement?.closest('[data-number]')?.dataset.number ?? null);

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  annToken = await sayr.signUp('ann@example.test', 'Ann Lee');
  const bobToken = await sayr.signUp('bob@example.test', 'Bob Stone');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', annToken, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
  const invite = await sayr.api('POST', '/api/v1/orgs/acme/invites', annToken, { email: 'bob@example.test' });
  assert.equal((await sayr.api('POST', `/api/v1/invites/${invite.body.invite.code}/accept`, bobToken, {})).status, 200);
  for (const title of ['First card', 'Second card', 'Third card']) {
    assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title, status: 'todo' })).status, 201);
  }
  ann = await chrome.page(sayr.base, annToken);
  bob = await chrome.page(sayr.base, bobToken);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

test('a card opens its task in a dialog over the board; Back and Escape close it', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/tasks?q=card`);
  await live(ann);
  await ann.click(cardLink(2));
  const dialog = ann.locator('[data-testid=task-dialog][open]');
  await dialog.locator('[data-testid=task-title]:has-text("Second card")').waitFor();
  assert.match(ann.url(), /\/orgs\/acme\/tasks\?q=card&task=2$/, 'the board keeps its query and names the task');
  assert.equal(await ann.evaluate(() => document.querySelector('[data-testid=task-dialog]').matches(':modal')), true);
  assert.equal(await ann.evaluate(() => !!document.activeElement.closest('[data-testid=task-dialog]')), true, 'the focus is in the dialog');
  assert.equal(await dialog.locator('[data-testid=open-as-page]').getAttribute('href'), '/orgs/acme/tasks/2');
  assert.equal(await ann.locator('[data-testid=board]').count(), 1, 'over the board');

  await ann.goBack();
  await ann.waitForFunction(() => !document.querySelector('[data-testid=task-dialog]'));
  assert.match(ann.url(), /\/orgs\/acme\/tasks\?q=card$/);
  await ann.waitForFunction(() => document.activeElement?.closest('[data-number]')?.dataset.number === '2');

  // The keyboard: Enter on the focused card opens it, Escape closes it.
  await ann.keyboard.press('Enter');
  await dialog.locator('[data-testid=task-title]:has-text("Second card")').waitFor();
  await ann.keyboard.press('Escape');
  await ann.waitForFunction(() => !document.querySelector('[data-testid=task-dialog]'));
  assert.doesNotMatch(ann.url(), /task=/);
  await ann.waitForFunction(() => document.activeElement?.closest('[data-number]')?.dataset.number === '2');

  // A shared link opens with the dialog; its close button takes `task=` away.
  await ann.goto(`${sayr.base}/orgs/acme/tasks?task=1`);
  await dialog.locator('[data-testid=task-title]:has-text("First card")').waitFor();
  await live(ann);
  await ann.waitForFunction(() => document.querySelector('[data-testid=task-dialog]').matches(':modal'));
  await ann.click('[data-testid=close-task-dialog]');
  await ann.waitForFunction(() => !document.querySelector('[data-testid=task-dialog]'));
  assert.equal(new URL(ann.url()).search, '');
  assert.equal(await focusedCard(ann), '1', 'the focus is back on its card');

  // Ctrl-click still leads to the page (a new tab): the board stays as it is.
  const [popup] = await Promise.all([ann.context().waitForEvent('page'), ann.click(cardLink(3), { modifiers: ['Control'] })]);
  await popup.waitForLoadState();
  assert.equal(new URL(popup.url()).pathname, '/orgs/acme/tasks/3');
  await popup.close();
  assert.equal(await ann.locator('[data-testid=task-dialog]').count(), 0);
  assert.deepEqual(chrome.errors, []);
});

test('cards reorder in a column by drag and by keyboard, for everyone and after a reload', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/tasks`);
  await bob.goto(`${sayr.base}/orgs/acme/tasks`);
  await Promise.all([live(ann), live(bob)]);
  assert.deepEqual(await todo(ann), [3, 2, 1], 'new tasks on top');

  // Card 1 onto the upper half of card 3: to the top.
  await ann.locator('[data-testid=task-card][data-number="1"]').dragTo(
    ann.locator('[data-testid=task-card][data-number="3"]'), { targetPosition: { x: 20, y: 4 } });
  await waitOrder(ann, [1, 3, 2]);
  await waitOrder(bob, [1, 3, 2]);
  await ann.reload();
  await live(ann);
  assert.deepEqual(await todo(ann), [1, 3, 2], 'kept after a reload');

  // Alt+ArrowUp on card 2 passes card 3; the focus stays on it.
  await ann.focus(cardLink(2));
  await ann.keyboard.press('Alt+ArrowUp');
  await waitOrder(ann, [1, 2, 3]);
  await waitOrder(bob, [1, 2, 3]);
  await ann.waitForFunction(() => document.activeElement?.closest('[data-number]')?.dataset.number === '2');
  await ann.keyboard.press('Alt+ArrowDown');
  await waitOrder(ann, [1, 3, 2]);
  await waitOrder(bob, [1, 3, 2]);
  const stored = await sayr.api('GET', '/api/v1/orgs/acme/tasks', annToken);
  const rank = (n) => stored.body.items.find((t) => t.number === n).rank;
  assert.ok(rank(1) < rank(3) && rank(3) < rank(2), 'the order is stored');
  assert.deepEqual(chrome.errors, []);
});

test('@ offers members and # tasks in the comment editor', async () => {
  await ann.goto(`${sayr.base}/orgs/acme/tasks?task=1`);
  await live(ann);
  const dialog = ann.locator('[data-testid=task-dialog][open]');
  const box = dialog.locator('[data-testid=comment-form] textarea');
  await box.click();
  await box.type('Thanks @bo');
  const list = dialog.locator('[data-testid=mention-list]');
  await list.locator('[role=option]:has-text("Bob Stone")').waitFor();
  assert.equal(await box.getAttribute('aria-controls'), await list.getAttribute('id'), 'the open list is named');
  const active = await box.getAttribute('aria-activedescendant');
  assert.equal(await dialog.locator(`[id="${active}"]`).getAttribute('aria-selected'), 'true');
  // Escape closes the list, not the dialog.
  await ann.keyboard.press('Escape');
  await list.waitFor({ state: 'detached' });
  assert.equal(await ann.locator('[data-testid=task-dialog][open]').count(), 1);
  await box.type('b');
  await list.locator('[role=option]:has-text("Bob Stone")').waitFor();
  await ann.keyboard.press('Enter');
  await list.waitFor({ state: 'detached' });
  // A mention by id: it shows under Bob's name whatever he is called later.
  const token = (await box.inputValue()).match(/^Thanks (@\[Bob Stone\]\(user:[0-9a-f-]{36}\)) $/);
  assert.ok(token, await box.inputValue());
  const bobRef = token[1];
  assert.equal(await box.getAttribute('aria-controls'), null, 'no list open');

  await box.type('see #sec');
  await list.locator('[role=option]:has-text("Second card")').waitFor();
  await ann.keyboard.press('Tab');
  assert.equal(await box.inputValue(), `Thanks ${bobRef} see #2 `);
  await box.type('and #3');
  await list.locator('[role=option]:has-text("#3")').waitFor();
  await ann.keyboard.press('Enter');
  assert.equal(await box.inputValue(), `Thanks ${bobRef} see #2 and #3 `);

  await dialog.locator('[data-testid=comment-form] button[type=submit]').click();
  const comment = dialog.locator('[data-testid=comment]:has-text("Thanks @Bob Stone")');
  await comment.waitFor({ timeout: 5000 });
  assert.equal(await comment.locator('a[href="/orgs/acme/tasks/2"]').count(), 1, '#2 became a link');
  assert.equal(await comment.locator('.mention').innerText(), '@Bob Stone', 'Bob is mentioned by id');
  assert.deepEqual(chrome.errors, []);
});
