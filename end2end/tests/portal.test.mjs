// The public portal as its public uses it: anonymous visitors see public tasks and never
// private ones, vote once, and see another visitor's vote arrive live; a signed-in visitor
// suggests a task and comments; a blocked one cannot. Saves a screenshot of the portal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSayr, startBrowser } from './harness.mjs';

const SHOTS = join(import.meta.dirname, '..', 'screenshots');
let sayr, chrome, owner, visitorToken;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sayr = await startSayr();
  chrome = await startBrowser();
  owner = await sayr.signUp('owner@example.test', 'Olga Owner');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', owner, { name: 'Acme', slug: 'acme', shortId: 'ACM', description: 'What we are building next, in the open.' })).status, 201);
  const patch = await sayr.api('PATCH', '/api/v1/orgs/acme', owner,
    { settings: { publicPage: true, publicActions: true, publicTaskFields: { priority: true } } });
  assert.equal(patch.status, 200);
  for (const [title, visibility] of [['Dark mode', 'public'], ['Secret acquisition', 'private'], ['Calendar sync', 'public']]) {
    assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', owner, { title, visibility })).status, 201);
  }
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks/1/comments', owner, { body: 'Internal: ship after the redesign', visibility: 'internal' })).status, 201);
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks/1/comments', owner, { body: 'We are on it!', visibility: 'public' })).status, 201);
  visitorToken = await sayr.signUp('vera@example.test', 'Vera Visitor');
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const row = (page, title) => page.locator(`[data-testid=portal-task]:has-text("${title}")`);
const votes = async (page, title) => Number(await row(page, title).locator('[data-testid=vote-count]').textContent());

test('anonymous visitors see public tasks only, vote once, and see votes arrive live', async () => {
  const ann = await chrome.page(sayr.base, null);
  const ben = await chrome.page(sayr.base, null);
  await ann.goto(`${sayr.base}/orgs/acme`);
  await ben.goto(`${sayr.base}/orgs/acme`);
  await Promise.all([live(ann), live(ben)]);
  const html = await ann.content();
  assert.ok(html.includes('Dark mode') && html.includes('Calendar sync'));
  assert.ok(!html.includes('Secret acquisition'), 'no private task on the page');
  assert.ok(!html.includes('owner@example.test'), 'no member e-mail on the page');

  await row(ann, 'Dark mode').locator('[data-testid=vote]').click();
  await ann.waitForSelector('[data-testid=portal-task]:has-text("Dark mode") [data-testid=vote][aria-pressed=true]');
  assert.equal(await votes(ann, 'Dark mode'), 1);
  // Ben sees Ann's vote without reloading.
  await ben.evaluate(() => { window.__noReload = true; });
  await ben.waitForFunction(() => [...document.querySelectorAll('[data-testid=portal-task]')]
    .find((li) => li.textContent.includes('Dark mode'))?.querySelector('[data-testid=vote-count]')?.textContent === '1', null, { timeout: 5000 });
  assert.equal(await ben.evaluate(() => window.__noReload), true);

  // Ann's vote is hers after a reload, and voting "again" takes it back rather than counting twice.
  await ann.reload();
  await live(ann);
  assert.equal(await row(ann, 'Dark mode').locator('[data-testid=vote]').getAttribute('aria-pressed'), 'true');
  const again = await fetch(`${sayr.base}/sfn/vote`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', origin: sayr.base,
      cookie: (await ann.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; '), 'user-agent': await ann.evaluate(() => navigator.userAgent) },
    body: 'slug=acme&number=1&up=true' });
  assert.equal((await again.json()).vote_count, 1, 'a second vote by the same visitor counts once');

  // Ben votes too; Ann sees 2 live.
  await row(ben, 'Dark mode').locator('[data-testid=vote]').click();
  await ann.waitForFunction(() => [...document.querySelectorAll('[data-testid=portal-task]')]
    .find((li) => li.textContent.includes('Dark mode'))?.querySelector('[data-testid=vote-count]')?.textContent === '2', null, { timeout: 5000 });

  // The public task page: the public comment with its team badge, not the internal one.
  await ann.goto(`${sayr.base}/orgs/acme/tasks/1`);
  await ann.waitForSelector('[data-testid=task-vote][aria-pressed=true]');
  const task = await ann.content();
  assert.ok(task.includes('We are on it!'));
  assert.ok(!task.includes('ship after the redesign'), 'no internal comment');
  assert.ok(await ann.locator('[data-testid=comment] .badge:has-text("team")').count() >= 1);
  await ann.setViewportSize({ width: 1200, height: 800 });
  await ann.goto(`${sayr.base}/orgs/acme`);
  await live(ann);
  await ann.screenshot({ path: join(SHOTS, 'portal.png'), fullPage: true });
  await ann.emulateMedia({ colorScheme: 'dark' });
  await ann.screenshot({ path: join(SHOTS, 'portal-dark.png'), fullPage: true });
  await ann.emulateMedia({ colorScheme: 'light' });
  // On a phone (360 px, the narrowest common width): one column, nothing off the side.
  await ann.setViewportSize({ width: 360, height: 780 });
  const overflow = await ann.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the public page reads at 360 px without scrolling sideways (${overflow}px)`);
  await ann.screenshot({ path: join(SHOTS, 'portal-phone.png') });
  assert.deepEqual(chrome.errors, []);
});

test('a signed-in visitor suggests a task and comments; blocked, they cannot', async () => {
  const vera = await chrome.page(sayr.base, visitorToken);
  const watcher = await chrome.page(sayr.base, null);
  await vera.goto(`${sayr.base}/orgs/acme`);
  await watcher.goto(`${sayr.base}/orgs/acme?sort=newest`);
  await Promise.all([live(vera), live(watcher)]);
  await vera.click('[data-testid=submit-task] summary');
  await vera.fill('[data-testid=submit-title]', 'Export to CSV');
  await vera.fill('[data-testid=submit-description]', 'For our accountants.');
  await vera.selectOption('[data-testid=submit-form] select[name=priority]', 'high');
  await vera.click('[data-testid=submit-send]');
  await vera.waitForSelector('[data-testid=submit-done]');
  // Everyone watching the public page sees it arrive.
  await row(watcher, 'Export to CSV').waitFor({ timeout: 5000 });

  await vera.goto(`${sayr.base}/orgs/acme/tasks/4`);
  await live(vera);
  await vera.fill('[data-testid=comment-form] textarea', 'Happy to test it');
  await vera.click('[data-testid=comment-form] button[type=submit]');
  await vera.waitForSelector('[data-testid=comment]:has-text("Happy to test it")');

  // The owner blocks Vera from her comment.
  const olga = await chrome.page(sayr.base, owner);
  await olga.goto(`${sayr.base}/orgs/acme/tasks/4`);
  await live(olga);
  await olga.locator('[data-testid=comment]:has-text("Happy to test it") [data-testid=block-author]').click();
  await olga.waitForSelector('[data-testid=blocked-notice]');
  await olga.goto(`${sayr.base}/orgs/acme/settings`);
  await olga.waitForSelector('[data-testid=blocked-list]:has-text("Vera Visitor")');

  // Blocked: she reads, but cannot suggest, vote or comment.
  await vera.goto(`${sayr.base}/orgs/acme`);
  await vera.waitForSelector('[data-testid=submit-why]');
  assert.equal(await vera.locator('[data-testid=submit-form]').count(), 0);
  assert.ok(await row(vera, 'Dark mode').locator('[data-testid=vote]').isDisabled());
  const comment = await sayr.api('POST', '/api/v1/orgs/acme/tasks/4/comments', visitorToken, { body: 'still here?' });
  assert.equal(comment.status, 403);
  assert.deepEqual(chrome.errors, []);
});
