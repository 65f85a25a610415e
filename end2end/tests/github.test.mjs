// The GitHub App in a browser, against a stand-in for GitHub: an admin installs the App
// from the org's settings (through GitHub's install page and back), links a repository;
// a signed pull request delivery that fixes a task moves it to done live on an open board,
// with its pull request badge; the board's pull request filter; the task page's GitHub
// section and timeline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSayr, startBrowser } from './harness.mjs';

const SECRET = 'e2e-webhook-secret';
const ROOT = resolve(import.meta.dirname, '..', '..');
const examples = JSON.parse(readFileSync(
  resolve(import.meta.dirname, '..', 'node_modules', '@octokit', 'webhooks-examples', 'api.github.com', 'index.json'), 'utf8'));

let sayr, chrome, gh, annToken;
const calls = [];

/** GitHub as the App sees it: its install page (which sends the admin back to Sayr), the
 *  installation, its token, its repositories, and issue writes (recorded). */
async function startGitHub() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let body = '';
    for await (const chunk of req) body += chunk;
    calls.push({ method: req.method, path: url.pathname, body });
    const json = (status, value) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
    if (url.pathname === '/apps/sayr-e2e/installations/new') {
      const state = url.searchParams.get('state');
      res.writeHead(302, { location: `${sayr.base}/api/github/setup?installation_id=777&setup_action=install&state=${encodeURIComponent(state)}` });
      return res.end();
    }
    if (url.pathname === '/app/installations/777') return json(200, { id: 777, app_id: 4242, account: { login: 'acme-gh', type: 'Organization' } });
    if (url.pathname === '/app/installations/777/access_tokens') {
      return json(201, { token: 'ghs-777', expires_at: new Date(Date.now() + 3600e3).toISOString() });
    }
    if (url.pathname === '/installation/repositories') {
      return json(200, { total_count: 1, repositories: [
        { id: 186853002, full_name: 'Codertocat/Hello-World', private: false, default_branch: 'master' }] });
    }
    json(404, { message: 'Not Found' });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** Posts a delivery signed with the App's secret; answers the status. */
async function deliver(event, payload) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${sayr.base}/api/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  return res.status;
}

function mergedPullRequest(title, body) {
  const e = structuredClone(examples.find((x) => x.name === 'pull_request').examples.find((x) => x.action === 'opened' && x.repository?.id === 186853002));
  e.action = 'closed';
  Object.assign(e.pull_request, { number: 7, title, body, state: 'closed', merged: true, draft: false });
  return e;
}

before(async () => {
  gh = await startGitHub();
  sayr = await startSayr({ env: {
    SAYR_GITHUB_APP_ID: '4242', SAYR_GITHUB_APP_SLUG: 'sayr-e2e',
    SAYR_GITHUB_APP_PRIVATE_KEY_FILE: resolve(ROOT, 'server', 'tests', 'api', 'github_app_test_key.pem'),
    SAYR_GITHUB_WEBHOOK_SECRET: SECRET, SAYR_GITHUB_API_URL: gh.base, SAYR_GITHUB_URL: gh.base,
  } });
  chrome = await startBrowser();
  annToken = await sayr.signUp('ann@example.test', 'Ann Lee');
  assert.equal((await sayr.api('POST', '/api/v1/orgs', annToken, { name: 'Acme', slug: 'acme', shortId: 'ACM' })).status, 201);
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title: 'Login fails', status: 'in-progress' })).status, 201);
  assert.equal((await sayr.api('POST', '/api/v1/orgs/acme/tasks', annToken, { title: 'Write docs' })).status, 201);
});

after(async () => {
  await chrome?.close();
  await sayr?.stop();
  gh?.server.close();
});

test('install from the settings, link a repository, and a merged fix moves the task live', async () => {
  const ann = await chrome.page(sayr.base, annToken);
  await ann.goto(`${sayr.base}/orgs/acme/settings`);
  const section = ann.locator('[data-testid=github-settings]');
  await section.waitFor();
  // Through GitHub's install page and back, as the browser goes.
  await ann.click('[data-testid=github-install]');
  await ann.waitForURL(/\/orgs\/acme\/settings#github$/);
  await section.locator('text=acme-gh').waitFor();
  assert.ok(calls.some((c) => c.path === '/app/installations/777'), 'the installation was checked with GitHub');

  const form = ann.locator('[data-testid=github-link-form]');
  await form.locator('select').first().selectOption({ label: 'Codertocat/Hello-World' });
  await form.locator('button[type=submit]').click();
  await ann.locator('[data-testid=github-repo]:has-text("Codertocat/Hello-World")').waitFor();
  const linked = await sayr.api('GET', '/api/v1/orgs/acme/github/repositories', annToken);
  assert.equal(linked.body.length, 1);

  // An open board (closed tasks shown), live; the fix merges on GitHub.
  await ann.goto(`${sayr.base}/orgs/acme/tasks?closed=1`);
  await ann.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15000 });
  const started = Date.now();
  assert.equal(await deliver('pull_request', mergedPullRequest('Fix the login', 'Fixes #1')), 202);
  const card = ann.locator('[data-testid=column][data-group="status:done"] [data-testid=task-card][data-number="1"]');
  await card.locator('[data-testid=card-pr]').waitFor({ timeout: 10000 });
  console.log(`delivery → the card in Done with its PR badge: ${Date.now() - started} ms`);
  assert.match(await card.locator('[data-testid=card-pr]').textContent(), /PR #7/);
  // The pull request filter appears with the first pull request, without a reload.
  await ann.locator('[data-testid=filter-pr]').waitFor();

  // The pull request filter, as a URL.
  await ann.goto(`${sayr.base}/orgs/acme/tasks?closed=1&pr=merged`);
  await ann.locator('[data-testid=task-card][data-number="1"]').waitFor();
  assert.equal(await ann.locator('[data-testid=task-card][data-number="2"]').count(), 0);
  await ann.goto(`${sayr.base}/orgs/acme/tasks?closed=1&pr=none`);
  await ann.locator('[data-testid=task-card][data-number="2"]').waitFor();
  assert.equal(await ann.locator('[data-testid=task-card][data-number="1"]').count(), 0);

  // The task page: its pull request, and what happened on the timeline.
  await ann.goto(`${sayr.base}/orgs/acme/tasks/1`);
  const panel = ann.locator('[data-testid=task-github]');
  await panel.waitFor();
  assert.match(await panel.textContent(), /Codertocat\/Hello-World#7 Fix the login/);
  assert.match(await panel.textContent(), /merged/);
  const events = ann.locator('[data-testid=github-event]');
  await events.first().waitFor();
  assert.match(await events.allTextContents().then((t) => t.join(' ')), /merged pull request Codertocat\/Hello-World#7/);
});
