// The pages' Content-Security-Policy as Chromium applies it: the app hydrates and goes live
// under it, the settings page's preview of the public page may frame it, an org's framing
// origins reach the header, and a script the server did not send with the response's nonce
// is refused and reported (the harness counts that as an error, so every other browser test
// fails on a violation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSayr, startBrowser } from './harness.mjs';

let sayr, chrome, owner;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
  owner = await sayr.signUp('owner@example.test', 'Olga Owner');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', owner, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
  assert.equal((await sayr.api('PATCH', '/api/v1/orgs/acme', owner, { settings: { publicPage: true } })).status, 200);
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', owner, { title: 'Dark mode', visibility: 'public' })).status, 201);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

const live = (page) => page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
const nonceOf = (csp) => /script-src 'self' 'nonce-([0-9a-f]{32})' 'wasm-unsafe-eval'/.exec(csp)?.[1];

test('the app hydrates and goes live under the policy, and a script without the nonce is refused', async () => {
  const page = await chrome.page(sayr.base, owner);
  const res = await page.goto(`${sayr.base}/orgs/acme/tasks`);
  const nonce = nonceOf(res.headers()['content-security-policy']);
  assert.ok(nonce, res.headers()['content-security-policy']);
  assert.equal(res.headers()['x-frame-options'], 'DENY');
  await live(page);
  assert.deepEqual(chrome.errors, []);

  const violated = await page.evaluate(() => new Promise((done) => {
    document.addEventListener('securitypolicyviolation', (e) => done(e.effectiveDirective), { once: true });
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.append(script);
  }));
  assert.equal(violated, 'script-src-elem');
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  await page.waitForTimeout(200);
  assert.ok(chrome.errors.some((e) => e.includes('Content Security Policy')), `reported: ${chrome.errors.join('\n')}`);
  chrome.errors.length = 0;
});

test('settings preview the public page in a frame; the org names who else may frame it', async () => {
  const page = await chrome.page(sayr.base, owner);
  await page.goto(`${sayr.base}/orgs/acme/settings`);
  await page.waitForSelector('[data-testid=settings]');
  const preview = page.frameLocator('[data-testid=public-preview]');
  await preview.locator('text=Dark mode').waitFor({ timeout: 15000 });

  await page.fill('[data-testid=framing]', 'https://Roadmap.example.com/');
  await page.click('[data-testid=general-form] button[type=submit]');
  let framing;
  for (let i = 0; i < 100 && !framing?.length; i++) {
    framing = (await sayr.api('GET', '/api/v1/orgs/acme', owner)).body.org.settings.framing;
    if (!framing.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(framing, ['https://roadmap.example.com']);
  const visitor = await chrome.page(sayr.base, null);
  const res = await visitor.goto(`${sayr.base}/orgs/acme`);
  assert.match(res.headers()['content-security-policy'], /frame-ancestors 'self' https:\/\/roadmap\.example\.com;/);
  assert.equal(res.headers()['x-frame-options'], undefined);
  await live(visitor);
  assert.deepEqual(chrome.errors, []);
});
