// Accounts proven by e-mail, in a browser: sign up through the form, follow the link from
// the mail (the outbox: no SMTP server is configured here), see the address confirmed; and
// a forgotten password, from the login page to signing in with the new one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const linkIn = (mail, path) => {
  const m = new RegExp(`https?://[^\\s]+${path}\\?token=[0-9a-f]+`).exec(mail.text);
  assert.ok(m, `a ${path} link in: ${mail.text}`);
  return m[0];
};

test('sign up, follow the link from the mail, and the address shows as confirmed', async () => {
  const page = await chrome.page(sayr.base);
  await page.goto(`${sayr.base}/signup`);
  await page.fill('[data-testid=signup-form] input[name=name]', 'Vera');
  await page.fill('[data-testid=signup-form] input[name=email]', 'vera@example.test');
  await page.fill('[data-testid=signup-form] input[name=password]', 'correct horse battery');
  await Promise.all([page.waitForURL(`${sayr.base}/`), page.click('[data-testid=signup-form] button[type=submit]')]);
  await page.goto(`${sayr.base}/settings/account`);
  await page.waitForSelector('[data-testid=email-unverified]');

  const mail = await sayr.mail('vera@example.test', 'Confirm');
  await page.goto(linkIn(mail, '/verify-email'));
  await Promise.all([page.waitForURL(/\/settings\/account\?verified=1/), page.click('[data-testid=confirm-email]')]);
  await page.waitForSelector('[data-testid=email-verified]');
  assert.equal(await page.locator('[data-testid=email-unverified]').count(), 0);

  // The link worked once.
  await page.goto(linkIn(mail, '/verify-email'));
  await page.click('[data-testid=confirm-email]');
  await page.waitForSelector('[data-testid=verify-email] .error');
  assert.match(await page.textContent('[data-testid=verify-email] .error'), /already used or has expired/);
  assert.deepEqual(chrome.errors.filter((e) => !e.includes('status of 410')), []);
  chrome.errors.length = 0;
});

test('a forgotten password is reset from the login page, and the new one signs in', async () => {
  await sayr.signUp('walt@example.test', 'Walt');
  const page = await chrome.page(sayr.base);
  await page.goto(`${sayr.base}/login`);
  await Promise.all([page.waitForURL(/\/forgot-password/), page.click('[data-testid=forgot-password]')]);
  await page.fill('[data-testid=forgot] input[name=email]', 'walt@example.test');
  await page.click('[data-testid=send-reset]');
  await page.waitForSelector('[data-testid=reset-sent]');

  const mail = await sayr.mail('walt@example.test', 'Reset');
  await page.goto(linkIn(mail, '/reset-password'));
  await page.fill('[data-testid=reset-password] input[name=password]', 'a brand new password');
  await Promise.all([page.waitForURL(/\/login\?reset=1/), page.click('[data-testid=set-password]')]);
  await page.waitForSelector('[data-testid=reset-done]');

  await page.fill('[data-testid=login-form] input[name=email]', 'walt@example.test');
  await page.fill('[data-testid=login-form] input[name=password]', 'a brand new password');
  await Promise.all([page.waitForURL(`${sayr.base}/`), page.click('[data-testid=login-form] button[type=submit]')]);
  const me = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
  assert.equal(me.user.email, 'walt@example.test');
  assert.deepEqual(chrome.errors, []);
});
