// Files in the browser: an image pasted into the comment editor uploads with progress and
// renders in the posted comment; a dropped file of a refused type says why; the task lists
// its attachments; a logo chosen in settings shows there and on the board.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

// A real 1×1 PNG, so that the browser can draw it.
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let sayr, chrome, token, page;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  token = await sayr.signUp('ann@example.test', 'Ann Lee');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', token, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', token, { title: 'Broken layout' })).status, 201);
  page = await chrome.page(sayr.base, token);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const live = (p) => p.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const AREA = '[data-testid=comment-form] textarea';
const STATUS = '[data-testid=comment-form] [data-testid=upload-status]';

/** Dispatches a synthetic `paste` or `drop` on the comment editor, carrying one file. */
async function giveFile(kind, name, type, { base64, size, text }) {
  await page.evaluate(({ kind, name, type, base64, size, text, selector }) => {
    let bytes;
    if (base64) bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    else if (text) bytes = new TextEncoder().encode(text);
    else {
      // A PNG signature, then filler: sniffed as PNG, large enough to show progress.
      bytes = new Uint8Array(size);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      for (let i = 8; i < size; i++) bytes[i] = i % 251;
    }
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type }));
    const area = document.querySelector(selector);
    area.focus();
    const init = { bubbles: true, cancelable: true };
    const ev = kind === 'paste'
      ? new ClipboardEvent('paste', { ...init, clipboardData: dt })
      : new DragEvent('drop', { ...init, dataTransfer: dt });
    area.dispatchEvent(ev);
  }, { kind, name, type, base64, size, text, selector: AREA });
}

test('an image pasted into a comment uploads, shows its progress and renders once posted', async () => {
  await page.goto(`${sayr.base}/orgs/acme/tasks/1`);
  await live(page);
  await page.fill(AREA, 'The header overlaps: ');

  // A slow upload link, so that the progress shows.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 150 * 1024 });
  await giveFile('drop', 'big.png', 'image/png', { size: 600 * 1024 });
  await page.waitForFunction((s) => /Uploading big\.png… \d+%/.test(document.querySelector(s).textContent), STATUS, { timeout: 10000 });
  assert.match(await page.inputValue(AREA), /Uploading big\.png/, 'a stand-in marks where the link goes');
  // The form is not sent before the link is in the text.
  await page.click('[data-testid=comment-form] button[type=submit]');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('[data-testid=comment]').count(), 0, 'nothing was posted mid-upload');
  await page.waitForFunction((s) => document.querySelector(s).textContent.includes('Uploaded big.png'), STATUS, { timeout: 30000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  await giveFile('paste', 'shot.png', 'image/png', { base64: PNG_1PX });
  await page.waitForFunction((s) => document.querySelector(s).textContent.includes('Uploaded shot.png'), STATUS, { timeout: 10000 });
  const text = await page.inputValue(AREA);
  assert.match(text, /^The header overlaps: !\[big\.png\]\(\/files\/[0-9a-f-]{36}\/big\.png\)!\[shot\.png\]\(\/files\/[0-9a-f-]{36}\/shot\.png\)$/, text);

  await page.click('[data-testid=comment-form] button[type=submit]');
  const img = page.locator('[data-testid=comment] .prose img[alt="shot.png"]');
  await img.waitFor({ timeout: 5000 });
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-testid=comment] .prose img[alt="shot.png"]');
    return i && i.complete && i.naturalWidth === 1;
  }, null, { timeout: 5000 });
  assert.equal(await page.inputValue(AREA), '', 'the form was cleared');

  // The comment attached both files: the task lists them.
  const files = page.locator('[data-testid=attachments] [data-testid=attachment]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=attachment]').length === 2, null, { timeout: 5000 });
  assert.match(await files.nth(0).textContent(), /big\.png.*KiB.*PNG image/);
  const stored = await sayr.api('GET', '/api/v1/orgs/acme/tasks/1/files', token);
  assert.deepEqual(stored.body.map((f) => f.name).sort(), ['big.png', 'shot.png']);
  assert.ok(stored.body.every((f) => f.visibility === 'private'), 'an internal comment\'s files are private');
});

test('a refused type says why and leaves the text as it was', async () => {
  await page.fill(AREA, 'Notes');
  await giveFile('drop', 'page.png', 'image/png', { text: '<!doctype html><script>alert(1)</script>' });
  const error = page.locator('[data-testid=comment-form] [data-testid=upload-error]');
  await error.waitFor({ timeout: 5000 });
  assert.match(await error.textContent(), /page\.png: this type of file is not accepted/);
  assert.equal(await page.inputValue(AREA), 'Notes');
  // The refused upload is the one expected error in the console.
  const refused = chrome.errors.filter((e) => e.includes('status of 415'));
  assert.equal(refused.length, chrome.errors.length, `only the refusal: ${chrome.errors}`);
  chrome.errors.length = 0;
});

test('a logo chosen in settings shows there, on the board and at home', async () => {
  await page.goto(`${sayr.base}/orgs/acme/settings`);
  await page.waitForSelector('[data-testid=settings] [data-testid=logo-picker] [data-testid=preview-empty]');
  // The picker works once the page is hydrated.
  await page.waitForSelector('[data-testid=logo-picker][data-ready=true]');
  await page.setInputFiles('[data-testid=logo-picker] input[type=file]', {
    name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1PX, 'base64'),
  });
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-testid=logo-picker] img[data-testid=preview]');
    return i && i.complete && i.naturalWidth === 1 && i.src.includes('/files/');
  }, null, { timeout: 10000 });
  const org = await sayr.api('GET', '/api/v1/orgs/acme', token);
  assert.match(org.body.org.logoUrl, /^\/files\/[0-9a-f-]{36}\/logo\.png$/);

  await page.goto(`${sayr.base}/orgs/acme/tasks`);
  await live(page);
  assert.equal(await page.getAttribute('[data-testid=org-logo]', 'src'), org.body.org.logoUrl);
  await page.goto(`${sayr.base}/`);
  await page.waitForSelector(`[data-testid=org-list] img[src="${org.body.org.logoUrl}"]`);
  assert.deepEqual(chrome.errors, []);
});

test('an avatar chosen on the account page shows there and by the member in settings', async () => {
  await page.goto(`${sayr.base}/settings/account`);
  await page.waitForSelector('[data-testid=avatar-picker][data-ready=true]');
  await page.setInputFiles('[data-testid=avatar-picker] input[type=file]', {
    name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1PX, 'base64'),
  });
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-testid=avatar-picker] img[data-testid=preview]');
    return i && i.complete && i.naturalWidth === 1;
  }, null, { timeout: 10000 });
  const me = await sayr.api('GET', '/api/v1/me', token);
  assert.match(me.body.user.avatarUrl, /^\/files\/[0-9a-f-]{36}\/me\.png$/);
  await page.goto(`${sayr.base}/orgs/acme/settings`);
  await page.waitForSelector(`[data-testid=members] img.avatar[src="${me.body.user.avatarUrl}"]`);
  assert.deepEqual(chrome.errors, []);
});

test('an account is deleted from its page once its e-mail is typed', async () => {
  const doomed = await sayr.signUp('dan@example.test', 'Dan');
  const dan = await chrome.page(sayr.base, doomed);
  await dan.goto(`${sayr.base}/settings/account`);
  await dan.waitForSelector('[data-testid=avatar-picker][data-ready=true]');
  await dan.fill('[data-testid=delete-account-form] input[name=confirm]', 'someone@example.test');
  await dan.click('[data-testid=delete-account-form] button[type=submit]');
  await dan.locator('[role=alert]:has-text("type your e-mail address")').waitFor({ timeout: 5000 });
  assert.equal((await sayr.api('GET', '/api/v1/me', doomed)).status, 200, 'a wrong confirmation deletes nothing');

  await dan.fill('[data-testid=delete-account-form] input[name=confirm]', 'dan@example.test');
  await Promise.all([dan.waitForURL(`${sayr.base}/`), dan.click('[data-testid=delete-account-form] button[type=submit]')]);
  assert.equal((await sayr.api('GET', '/api/v1/me', doomed)).status, 401, 'the session is gone');
  const refused = chrome.errors.filter((e) => e.includes('status of 400') || e.includes('status of 401'));
  assert.equal(refused.length, chrome.errors.length, `only the refusals: ${chrome.errors}`);
  chrome.errors.length = 0;
});
