// The second factor in a browser: set up TOTP from the account page (the key read from the
// page, the codes computed here with HMAC-SHA1 as an authenticator app would), see the
// backup codes once, sign out, and sign in with the password and then a code. Saves a
// screenshot of the setup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { startSayr, startBrowser } from './harness.mjs';

const SHOTS = join(import.meta.dirname, '..', 'screenshots');
let sayr, chrome;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

/** RFC 4648 base32 (no padding) to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

/** The six-digit code of `secret` for the 30-second `step` (RFC 6238). */
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** The current step, after waiting out one with less than 5 s left. */
async function steadyStep() {
  const left = 30 - (Date.now() / 1000) % 30;
  if (left < 5) await new Promise((r) => setTimeout(r, left * 1000 + 200));
  return Math.floor(Date.now() / 1000 / 30);
}

test('set up a second factor on the account page, then sign in with the password and a code', async () => {
  const token = await sayr.signUp('tess@example.test', 'Tess');
  const page = await chrome.page(sayr.base, token);
  await page.goto(`${sayr.base}/settings/account`);
  await page.click('[data-testid=start-two-factor] button');
  const secret = (await page.textContent('[data-testid=totp-secret]', { timeout: 15000 })).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.ok(await page.isVisible('.qr svg'), 'the QR code is drawn');

  const step = await steadyStep();
  await page.fill('[data-testid=enable-two-factor] input[name=code]', totp(secret, step));
  await page.screenshot({ path: join(SHOTS, 'two-factor-setup.png'), fullPage: true });
  await page.click('[data-testid=enable-two-factor] button');
  const codes = (await page.textContent('[data-testid=backup-codes] pre', { timeout: 15000 })).trim().split('\n');
  assert.equal(codes.length, 10);
  assert.ok(await page.isVisible('[data-testid=two-factor-on]'));

  await page.reload();
  await page.waitForSelector('[data-testid=two-factor-on]');
  assert.equal(await page.isVisible('[data-testid=backup-codes]'), false, 'the codes are shown once');

  await Promise.all([page.waitForURL(/\/login/), page.click('[data-testid=account] form button.link >> text=Sign out')]);
  await page.goto(`${sayr.base}/login`);
  await page.fill('[data-testid=login-form] input[name=email]', 'tess@example.test');
  await page.fill('[data-testid=login-form] input[name=password]', 'correct horse battery');
  await Promise.all([page.waitForURL(/\/login\/2fa\?challenge=/), page.click('[data-testid=login-form] button[type=submit]')]);
  const before = await page.evaluate(async () => (await fetch('/api/auth/session')).status);
  assert.equal(before, 401, 'no session before the code');

  // The code that turned it on is spent; the next step's counts.
  await page.fill('[data-testid=login-2fa-form] input[name=code]', totp(secret, step));
  await page.click('[data-testid=login-2fa-form] button[type=submit]');
  await page.waitForSelector('[data-testid=login-2fa] [role=alert]');
  await page.fill('[data-testid=login-2fa-form] input[name=code]', totp(secret, step + 1));
  await Promise.all([page.waitForURL(`${sayr.base}/`), page.click('[data-testid=login-2fa-form] button[type=submit]')]);
  const me = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
  assert.equal(me.user.email, 'tess@example.test');
  assert.equal(me.user.twoFactor, true);
  assert.deepEqual(chrome.errors.filter((e) => !e.includes('status of 400') && !e.includes('status of 401')), []);
});
