// The guide as a reader meets it at /docs: pages rendered on the server with the sidebar,
// search as you type with JavaScript on, a results page with it off; and the static site
// `sayr docs build` writes, searched from a file:// page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSayr, startBrowser, BIN } from './harness.mjs';

let sayr, chrome;

before(async () => {
  sayr = await startSayr();
  chrome = await startBrowser();
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
});

test('the guide renders with its sidebar, and search finds "public actions" as you type', async () => {
  const page = await chrome.page(sayr.base, null);
  await page.goto(`${sayr.base}/docs`);
  assert.equal(await page.title(), 'Sayr docs · Sayr docs');
  await page.click('.docs-nav a:has-text("Public actions")');
  await page.waitForURL(/\/docs\/public\/public-actions$/);
  assert.equal(await page.locator('.docs-nav a[aria-current=page]').textContent(), 'Public actions');
  assert.ok(await page.locator('article h2[id] a.anchor').count() > 0, 'headings carry anchors');
  assert.equal(await page.locator('.docs-pager a[rel=next]').count(), 1);

  await page.fill('.docs-search input[name=q]', 'public actions');
  const first = page.locator('.docs-hits li a').first();
  await first.waitFor();
  assert.match(await first.textContent(), /Public actions/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/docs\/public\/public-actions/);
});

test('with JavaScript off, the guide reads and searches through a results page', async () => {
  const page = await chrome.page(sayr.base, null, { javaScriptEnabled: false });
  await page.goto(`${sayr.base}/docs/using/board`);
  assert.ok(await page.locator('article h1').count() === 1);
  assert.ok((await page.locator('article table').count()) > 0, 'the shortcut table is there');
  await page.fill('.docs-search input[name=q]', 'public actions');
  await page.press('.docs-search input[name=q]', 'Enter');
  await page.waitForURL(/\/docs\/search\?q=public\+actions/);
  assert.match(await page.locator('main [role=status]').textContent(), /results? for/);
  await page.click('.docs-results li a >> nth=0');
  await page.waitForURL(/\/docs\/public\/public-actions/);
});

test('the static site searches without a server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sayr-docs-'));
  try {
    execFileSync(BIN, ['docs', 'build', dir], { stdio: 'pipe' });
    const page = await chrome.page(sayr.base, null);
    // A file:// page may not fetch the index beside it: the folder is served as any static
    // host would, by a few lines of node.
    const { createServer } = await import('node:http');
    const { readFile } = await import('node:fs/promises');
    const server = createServer(async (req, res) => {
      try {
        const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
        const body = await readFile(path.endsWith('/') ? join(path, 'index.html') : path);
        const type = path.endsWith('.html') ? 'text/html' : path.endsWith('.js') ? 'text/javascript'
          : path.endsWith('.css') ? 'text/css' : path.endsWith('.json') ? 'application/json' : 'image/png';
        res.writeHead(200, { 'content-type': type }).end(body);
      } catch { res.writeHead(404).end(); }
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      await page.goto(`${base}/using/board.html`);
      await page.click('.docs-nav a:has-text("Public actions")');
      await page.waitForURL(/\/public\/public-actions\.html$/);
      await page.fill('.docs-search input[name=q]', 'public actions');
      await page.press('.docs-search input[name=q]', 'Enter');
      await page.waitForURL(/public-actions\.html/);
      assert.ok(await page.locator('link[rel=stylesheet][href="../docs.css"]').count() === 1);
    } finally {
      server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
