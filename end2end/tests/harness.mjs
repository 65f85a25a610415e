// Starts a real `sayr` on a fresh SQLite database and a free port, with Chromium beside it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.SAYR_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'sayr');
// The binary serves the site it embeds; LEPTOS_SITE_ROOT (set by hand) serves one from disk.
export const SITE = process.env.LEPTOS_SITE_ROOT;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => ok(port)); });
    srv.on('error', fail);
  });
}

/** A running sayr (with `env` added to its environment): `base`, `stop()`, and helpers that
 *  act through its REST API. With `host` (`localhost`), pages are opened on that name and
 *  it is the instance's public URL (passkeys take no IP address); the helpers still call
 *  127.0.0.1. */
export async function startSayr({ env: extra = {}, host } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sayr-e2e-'));
  const port = await freePort();
  const apiBase = `http://127.0.0.1:${port}`;
  const base = host ? `http://${host}:${port}` : apiBase;
  const env = { ...process.env, SAYR_DATA_DIR: dataDir, SAYR_ADDR: `127.0.0.1:${port}`, ...(SITE ? { LEPTOS_SITE_ROOT: SITE } : {}),
    SAYR_LOG: 'warn', DATABASE_URL: '',
    // Many accounts from one address; every other limit stays at its default.
    SAYR_LIMITS: 'signup=1000/1h,login=1000/15m,mail=1000/1h',
    ...(host ? { SAYR_PUBLIC_URL: base } : {}), ...extra };
  delete env.DATABASE_URL;
  // Started in its (empty) data directory: nothing beside it but what it writes there.
  const proc = spawn(BIN, ['serve'], { env, cwd: dataDir, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  proc.on('exit', () => { exited = true; });
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`sayr exited during start-up (${BIN})`);
    try { if ((await fetch(`${apiBase}/healthz`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const sayr = {
    base,
    dataDir,
    /** The newest mail to `to` whose subject contains `subject`, from the outbox (no SMTP
     *  is configured, so the server writes its mail there); waits up to 15 s. */
    async mail(to, subject = '') {
      for (let i = 0; i < 150; i++) {
        let found = [];
        try {
          found = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.json'))
            .map((f) => JSON.parse(readFileSync(join(dataDir, 'outbox', f), 'utf8')))
            .filter((m) => m.to === to && m.subject.includes(subject))
            .sort((a, b) => a.writtenAt.localeCompare(b.writtenAt));
        } catch { /* no outbox yet */ }
        if (found.length) return found[found.length - 1];
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no mail to ${to} (${subject})`);
    },
    async stop() { proc.kill('SIGTERM'); await new Promise((r) => (exited ? r() : proc.on('exit', r))); rmSync(dataDir, { recursive: true, force: true }); },
    /** Signs up through the API and follows the link of the verification mail (unless
     *  `verify` is false); returns the session token. */
    async signUp(email, name = 'Ann', { verify = true } = {}) {
      const res = await fetch(`${apiBase}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, name, password: 'correct horse battery' }) });
      if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${await res.text()}`);
      const token = /sayr_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
      if (verify) {
        const mail = await sayr.mail(email, 'Confirm');
        const link = /verify-email\?token=([0-9a-f]+)/.exec(mail.text);
        const proved = await fetch(`${apiBase}/api/auth/verify-email`, { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: link[1] }) });
        if (proved.status !== 200) throw new Error(`verify-email: ${proved.status} ${await proved.text()}`);
      }
      return token;
    },
    async api(method, path, token, body) {
      const res = await fetch(`${apiBase}${path}`, { method, headers: { 'content-type': 'application/json', cookie: `sayr_session=${token}` },
        body: body && JSON.stringify(body) });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
  };
  return sayr;
}

/** Chromium, with a helper that opens a signed-in page and fails the test on page errors. */
export async function startBrowser() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const errors = [];
  return {
    browser,
    errors,
    async page(base, token, { javaScriptEnabled = true } = {}) {
      const context = await browser.newContext({ javaScriptEnabled });
      if (token) await context.addCookies([{ name: 'sayr_session', value: token, url: base }]);
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      return page;
    },
    close: () => browser.close(),
  };
}

const AXE_SOURCE = readFileSync(join(ROOT, 'end2end', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is, in light and then in dark,
 *  prints what it found and returns the serious and critical violations: the tests
 *  assert there are none. Evaluated over the DevTools protocol, so the page's CSP (no
 *  inline script) does not stop it. */
export async function axe(page, label) {
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    console.log(`# axe ${label} (${colorScheme}): ${result.length} violations, ${bad.length} serious or critical` +
      result.map((v) => `\n#   ${v.impact} ${v.id}: ${v.help} — ${v.nodes.join(', ')}`).join(''));
    found.push(...bad.map((v) => ({ ...v, colorScheme })));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}
