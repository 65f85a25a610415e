// Passkeys in a browser, with Chromium's virtual authenticator (DevTools' WebAuthn domain:
// a CTAP2 platform authenticator that keeps discoverable credentials and verifies the user):
// add a passkey on the account page, sign out, and sign in on /login with the passkey alone,
// no e-mail typed. The instance is reached at http://localhost:PORT, its public URL:
// WebAuthn takes no IP address as a relying party.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSayr, startBrowser } from './harness.mjs';

const SHOTS = join(import.meta.dirname, '..', 'screenshots');
let sayr, chrome;

before(async () => {
  sayr = await startSayr({ host: 'localhost' });
  chrome = await startBrowser();
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

test('add a passkey on the account page, then sign in with it without typing the e-mail', async () => {
  const token = await sayr.signUp('pia@example.test', 'Pia');
  const page = await chrome.page(sayr.base, token);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });

  await page.goto(`${sayr.base}/settings/account`);
  await page.waitForSelector('[data-testid=add-passkey]:not([hidden])', { timeout: 15000 });
  assert.ok(await page.isVisible('[data-testid=no-passkeys]'));
  await page.fill('[data-testid=add-passkey] input', 'Test laptop');
  await page.click('[data-testid=add-passkey-button]');
  await page.waitForSelector('[data-testid=passkey-name] >> text=Test laptop', { timeout: 15000 });
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, 'a discoverable credential');
  assert.equal(credentials[0].rpId, 'localhost');
  await page.screenshot({ path: join(SHOTS, 'passkeys.png'), fullPage: true });

  await Promise.all([page.waitForURL(/\/login/), page.click('[data-testid=account] form button.link >> text=Sign out')]);
  await page.goto(`${sayr.base}/login`);
  const before = await page.evaluate(async () => (await fetch('/api/auth/session')).status);
  assert.equal(before, 401, 'signed out');
  await page.waitForSelector('[data-testid=passkey-sign-in]:visible', { timeout: 15000 });
  await Promise.all([page.waitForURL(`${sayr.base}/`), page.click('[data-testid=passkey-sign-in]')]);
  const me = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
  assert.equal(me.user.email, 'pia@example.test');
  assert.equal(me.user.twoFactor, true, 'a passkey is a second factor');

  await page.goto(`${sayr.base}/settings/account`);
  await page.waitForSelector('[data-testid=passkey]');
  assert.doesNotMatch(await page.textContent('[data-testid=passkey]'), /last used never/);
  assert.deepEqual(chrome.errors.filter((e) => !e.includes('status of 401')), []);
});

test('without JavaScript the login page has no passkey button and still signs in', async () => {
  const page = await chrome.page(sayr.base, null, { javaScriptEnabled: false });
  await page.goto(`${sayr.base}/login`);
  assert.equal(await page.isVisible('[data-testid=passkey-sign-in]'), false);
  assert.ok(await page.isVisible('[data-testid=login-form]'));
});
