// Scaled out behind a real proxy: two `sayr serve` instances on one PostgreSQL database, one
// Redis and one S3 server (s3s-fs), with nginx (deploy/nginx.conf) and Caddy
// (deploy/Caddyfile) in front, each run from the repository's file with only its ports
// changed (and, for the test alone, a header naming the instance that answered). Every
// request below goes through a proxy; the instances are asked directly only for /metrics.
//
// Needs SAYR_TEST_DATABASE_URL and SAYR_TEST_REDIS_URL (else SKIPPED), and nginx, caddy,
// s3s-fs and psql (else SKIPPED; with SAYR_TEST_S3_REQUIRED, as in CI, a failure).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { BIN, SITE, freePort, startBrowser } from './harness.mjs';

// The `ws` client that playwright-core carries (and exports): Node 20 has no WebSocket.
const { ws: WebSocket } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle');

const ROOT = resolve(import.meta.dirname, '..', '..');
const DATABASE = process.env.SAYR_TEST_DATABASE_URL;
const REDIS = process.env.SAYR_TEST_REDIS_URL;
const PASSWORD = 'correct horse battery';
// A documentation address (RFC 5737) that a client claims to be.
const CLAIMED = '203.0.113.7';
// Requests "from elsewhere" leave from this loopback address: neither a trusted proxy nor
// the proxies' own address.
const ELSEWHERE = '127.0.0.2';
const HOLD_SECS = 40;

function which(name, extra = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', ...extra];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

const tools = {
  nginx: which('nginx'),
  caddy: which('caddy'),
  's3s-fs': which('s3s-fs', [join(homedir(), '.cargo', 'bin')]),
  psql: which('psql'),
};
const missing = Object.keys(tools).filter((t) => !tools[t]);
let skip = false;
if (!DATABASE || !REDIS) {
  skip = 'the scaled-out proxy tests need SAYR_TEST_DATABASE_URL and SAYR_TEST_REDIS_URL';
} else if (missing.length && !process.env.SAYR_TEST_S3_REQUIRED) {
  skip = `the scaled-out proxy tests need ${missing.join(', ')} (make test installs them)`;
}
if (skip) console.log(`SKIPPED: ${skip}`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** One HTTP request with a fresh connection. `from` binds the client's address. */
function call(base, method, path, { session, json, body, headers = {}, from } = {}) {
  const url = new URL(path, base);
  const h = { ...headers };
  if (session) h.cookie = `sayr_session=${session}`;
  if (json !== undefined) {
    body = Buffer.from(JSON.stringify(json));
    h['content-type'] = 'application/json';
  }
  if (body) h['content-length'] = body.length;
  return new Promise((ok, fail) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: h,
      localAddress: from, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        let parsed = null;
        try { parsed = JSON.parse(bytes.toString()); } catch { /* not JSON */ }
        ok({ status: res.statusCode, headers: res.headers, bytes, body: parsed });
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}

function sessionOf(res) {
  const cookie = [res.headers['set-cookie'] ?? []].flat().join(';');
  return /sayr_session=([^;]+)/.exec(cookie)?.[1];
}

function multipart(name, bytes) {
  const boundary = `----sayr${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\n`
      + 'content-type: application/octet-stream\r\n\r\n'),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A WebSocket as a client program holds one: PONGs every PING, keeps every message. */
async function openSocket(base, session) {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { cookie: `sayr_session=${session}` } });
  const held = { socket, messages: [], openedAt: 0 };
  socket.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    held.messages.push(msg);
    if (msg.type === 'PING') socket.send(JSON.stringify({ type: 'PONG', ts: msg.meta.ts }));
  });
  await new Promise((ok, fail) => { socket.once('open', ok); socket.once('error', fail); });
  held.openedAt = Date.now();
  held.waitFor = (what, pred, ms = 10_000) => until(what, () => held.messages.find(pred), ms);
  return held;
}

// ---- The processes ----

const run = { tmp: null, procs: [], instances: {}, proxies: [], db: null, browser: null, sockets: [] };

function spawnLogged(name, cmd, args, env) {
  const log = join(run.tmp, `${name}.log`);
  const fd = openSync(log, 'a');
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  const entry = { name, proc, log, exited: false };
  proc.on('exit', () => { entry.exited = true; });
  run.procs.push(entry);
  return entry;
}

async function listening(entry, url) {
  await until(`${entry.name} on ${url}`, async () => {
    if (entry.exited) throw new Error(`${entry.name} exited: ${readFileSync(entry.log, 'utf8').slice(-2000)}`);
    try { return (await call(url, 'GET', '/healthz')).status === 200; } catch { return false; }
  }, 30_000);
}

/** SIGTERM, and SIGKILL if it has not exited 20 s later. */
async function stop(entry) {
  if (entry.exited) return;
  const gone = new Promise((r) => entry.proc.once('exit', r));
  entry.proc.kill('SIGTERM');
  const killer = setTimeout(() => entry.proc.kill('SIGKILL'), 20_000);
  await gone;
  clearTimeout(killer);
}

function psql(sql) {
  const out = spawnSync(tools.psql, [DATABASE, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`psql: ${out.stderr}`);
}

/** `text` with `from` replaced by `to`, which must occur exactly once. */
function substitute(text, from, to) {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected one \`${from}\` in the proxy config, found ${parts.length - 1}`);
  return parts.join(to);
}

async function startNginx(ports) {
  const dir = join(run.tmp, 'nginx');
  mkdirSync(dir);
  let site = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  site = substitute(site, 'listen 80;', `listen 127.0.0.1:${ports.proxy};`);
  site = substitute(site, 'server 127.0.0.1:3001 ', `server 127.0.0.1:${ports.A} `);
  site = substitute(site, 'server 127.0.0.1:3002 ', `server 127.0.0.1:${ports.B} `);
  // Test only: which instance answered.
  site = substitute(site, 'location / {\n', 'location / {\n        add_header X-Upstream $upstream_addr always;\n');
  writeFileSync(join(dir, 'sayr.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/${t};`).join('\n');
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
    access_log ${dir}/access.log;
${temp}
    include ${dir}/sayr.conf;
}
`);
  const entry = spawnLogged('nginx', tools.nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')], {});
  const base = `http://127.0.0.1:${ports.proxy}`;
  await listening(entry, base);
  return { name: 'nginx', base, entry };
}

async function startCaddy(ports) {
  const dir = join(run.tmp, 'caddy');
  mkdirSync(dir);
  let file = readFileSync(join(ROOT, 'deploy', 'Caddyfile'), 'utf8');
  // Test only: which instance answered.
  file = substitute(file, '\t\tlb_policy round_robin\n',
    '\t\tlb_policy round_robin\n\t\theader_down X-Upstream {http.reverse_proxy.upstream.hostport}\n');
  writeFileSync(join(dir, 'Caddyfile'), file);
  const entry = spawnLogged('caddy', tools.caddy, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    SAYR_SITE: `http://127.0.0.1:${ports.proxy}`,
    SAYR_UPSTREAMS: `127.0.0.1:${ports.A} 127.0.0.1:${ports.B}`,
    CADDY_ADMIN: `127.0.0.1:${ports.admin}`,
    HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir,
  });
  const base = `http://127.0.0.1:${ports.proxy}`;
  await listening(entry, base);
  return { name: 'caddy', base, entry };
}

/** Which instance (`A` or `B`) answered, from the proxy's X-Upstream (the last one tried). */
function answeredBy(headers) {
  const tried = String(headers['x-upstream'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const port = tried.at(-1)?.split(':').at(-1);
  return Object.keys(run.instances).find((k) => String(run.instances[k].port) === port);
}

/** A figure of an instance's hub from its `/metrics`. */
async function hubFigure(name, figure) {
  const metrics = await call(run.instances[name].base, 'GET', '/metrics', { headers: { authorization: `Bearer ${run.metricsToken}` } });
  assert.equal(metrics.status, 200);
  return Number(new RegExp(`^${figure} (\\d+)`, 'm').exec(metrics.bytes.toString())[1]);
}

const openSockets = (name) => hubFigure(name, 'sayr_ws_open_sockets');
/** Sockets in an org's room: a signed-in page also keeps a socket for its own events,
 *  in no room, so the board's socket is the one that counts here. */
const roomSockets = (name) => hubFigure(name, 'sayr_ws_sockets_in_rooms');

const socketsOn = async (count = openSockets) => ({ A: await count('A'), B: await count('B') });

/** The instance that holds one socket more than `before` (the other holding as many). */
const gainedSocket = async (before, count = openSockets) => {
  let now;
  try {
    return await until('a new socket on one instance', async () => {
      now = await socketsOn(count);
      return ['A', 'B'].find((k) => now[k] === before[k] + 1 && now[other(k)] === before[other(k)]);
    });
  } catch (e) {
    throw new Error(`${e.message}: before ${JSON.stringify(before)}, now ${JSON.stringify(now)}`);
  }
};

const other = (name) => (name === 'A' ? 'B' : 'A');

before(async () => {
  if (skip) return;
  assert.deepEqual(missing, [], `missing in CI (SAYR_TEST_S3_REQUIRED): ${missing.join(', ')}`);
  run.tmp = mkdtempSync(join(tmpdir(), 'sayr-proxy-'));
  const id = randomBytes(6).toString('hex');

  run.db = `sayr_proxy_${id}`;
  psql(`CREATE DATABASE ${run.db}`);
  const dbUrl = new URL(DATABASE);
  dbUrl.pathname = `/${run.db}`;

  const s3Port = await freePort();
  mkdirSync(join(run.tmp, 's3', 'sayr'), { recursive: true });
  spawnLogged('s3s-fs', tools['s3s-fs'], ['--host', '127.0.0.1', '--port', String(s3Port),
    '--access-key', 'testkey', '--secret-key', 'testsecret', join(run.tmp, 's3')], {});

  run.metricsToken = randomBytes(16).toString('hex');
  const env = {
    DATABASE_URL: dbUrl.href,
    REDIS_URL: REDIS,
    SAYR_REDIS_PREFIX: `sayr-proxy-${id}`,
    SAYR_STORAGE_URL: 's3://sayr',
    SAYR_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    SAYR_S3_REGION: 'us-east-1',
    SAYR_S3_PATH_STYLE: 'true',
    SAYR_S3_ALLOW_HTTP: 'true',
    AWS_ACCESS_KEY_ID: 'testkey',
    AWS_SECRET_ACCESS_KEY: 'testsecret',
    SAYR_TRUSTED_PROXIES: '127.0.0.1/32',
    SAYR_METRICS_TOKEN: run.metricsToken,
    SAYR_WS_PING_INTERVAL: '30',
    SAYR_LIMITS: 'signup=1000/1h,login=1000/15m',
    ...(SITE ? { LEPTOS_SITE_ROOT: SITE } : {}),
    SAYR_LOG: 'warn',
  };
  const migrated = spawnSync(BIN, ['migrate'], { env: { ...process.env, ...env, SAYR_DATA_DIR: run.tmp }, encoding: 'utf8' });
  assert.equal(migrated.status, 0, `sayr migrate: ${migrated.stderr}`);

  for (const name of ['A', 'B']) {
    const port = await freePort();
    const dataDir = join(run.tmp, `data-${name}`);
    const entry = spawnLogged(`sayr-${name}`, BIN, ['serve'], { ...env, SAYR_ADDR: `127.0.0.1:${port}`, SAYR_DATA_DIR: dataDir });
    run.instances[name] = { port, base: `http://127.0.0.1:${port}`, entry };
  }
  await until('s3s-fs', async () => {
    try { await call(`http://127.0.0.1:${s3Port}`, 'GET', '/'); return true; } catch { return false; }
  });
  await Promise.all(Object.values(run.instances).map((i) => listening(i.entry, i.base)));

  const ports = { A: run.instances.A.port, B: run.instances.B.port };
  run.proxies = [
    await startNginx({ ...ports, proxy: await freePort() }),
    await startCaddy({ ...ports, proxy: await freePort(), admin: await freePort() }),
  ];
  const [nginx] = run.proxies;

  // The first account (site admin) and its org, through the proxy.
  const signup = await call(nginx.base, 'POST', '/api/auth/signup', { json: { email: 'ann@example.test', name: 'Ann', password: PASSWORD } });
  assert.equal(signup.status, 201, signup.bytes.toString());
  run.owner = sessionOf(signup);
  const org = await call(nginx.base, 'POST', '/api/v1/orgs', { session: run.owner, json: { name: 'Acme', slug: 'acme', shortId: 'ACM' } });
  assert.equal(org.status, 201, org.bytes.toString());
  run.orgId = org.body.org.id;
});

after(async () => {
  for (const s of run.sockets) s.socket.terminate();
  await run.browser?.close();
  for (const entry of run.procs.reverse()) await stop(entry);
  if (run.db) psql(`DROP DATABASE IF EXISTS ${run.db} WITH (FORCE)`);
  if (run.tmp) rmSync(run.tmp, { recursive: true, force: true });
});

const t = (name, fn) => test(name, { skip }, fn);

t('signed in through one instance, signed in on the other; signed out on both', async () => {
  for (const proxy of run.proxies) {
    const login = await call(proxy.base, 'POST', '/api/auth/login', { json: { email: 'ann@example.test', password: PASSWORD } });
    assert.equal(login.status, 200, `${proxy.name}: ${login.bytes}`);
    const session = sessionOf(login);
    const signedInOn = answeredBy(login.headers);
    assert.ok(signedInOn, `${proxy.name} names the instance that answered`);
    const answered = new Set();
    for (let i = 0; i < 8 && !answered.has(other(signedInOn)); i++) {
      const me = await call(proxy.base, 'GET', '/api/v1/me', { session });
      assert.equal(me.status, 200, `${proxy.name}, instance ${answeredBy(me.headers)}`);
      assert.equal(me.body.user.email, 'ann@example.test');
      answered.add(answeredBy(me.headers));
    }
    assert.ok(answered.has(other(signedInOn)), `${proxy.name}: the other instance answered a request of the session (saw ${[...answered]})`);

    const logout = await call(proxy.base, 'POST', '/api/auth/logout', { session });
    assert.ok(logout.status < 300, `${proxy.name}: logout ${logout.status}`);
    const seen = new Set();
    for (let i = 0; i < 8 && seen.size < 2; i++) {
      const me = await call(proxy.base, 'GET', '/api/v1/me', { session });
      assert.equal(me.status, 401, `${proxy.name}: a session ended on one instance is over on ${answeredBy(me.headers)}`);
      seen.add(answeredBy(me.headers));
    }
    assert.equal(seen.size, 2, `${proxy.name}: both instances refused the ended session`);
  }
});

t('WebSockets upgrade through the proxy and subscribe', async () => {
  for (const proxy of run.proxies) {
    const before = await socketsOn();
    const held = await openSocket(proxy.base, run.owner);
    run.sockets.push(held);
    proxy.socket = held;
    held.instance = await gainedSocket(before);
    const hello = await held.waitFor('CONNECTION_STATUS', (m) => m.type === 'CONNECTION_STATUS');
    assert.equal(hello.data.authenticated, true, 'the cookie came through the upgrade');
    held.socket.send(JSON.stringify({ type: 'SUBSCRIBE', orgId: run.orgId, channel: 'tasks' }));
    await held.waitFor('SUBSCRIBED', (m) => m.type === 'SUBSCRIBED');
  }
});

t('a task created through one instance reaches a socket held on the other', async () => {
  for (const proxy of run.proxies) {
    const held = proxy.socket;
    let title;
    for (let i = 0; i < 8 && !title; i++) {
      const candidate = `${proxy.name} task ${i}`;
      const res = await call(proxy.base, 'POST', '/api/v1/orgs/acme/tasks', { session: run.owner, json: { title: candidate } });
      assert.equal(res.status, 201, res.bytes.toString());
      if (answeredBy(res.headers) !== held.instance) title = candidate;
    }
    assert.ok(title, `${proxy.name}: a task was created on the instance not holding the socket`);
    const event = await held.waitFor(`CREATE_TASK ${title}`, (m) => m.type === 'CREATE_TASK' && m.data.title === title, 5000);
    assert.equal(event.meta.channel, 'tasks');
  }
});

t('Sayr sees the client: not the proxy, and not what an untrusted client claims', async () => {
  const ipOfLogin = async (proxy, from) => {
    const login = await call(proxy.base, 'POST', '/api/auth/login', { from, headers: { 'x-forwarded-for': CLAIMED },
      json: { email: 'ann@example.test', password: PASSWORD } });
    assert.equal(login.status, 200, login.bytes.toString());
    const session = sessionOf(login);
    const list = await call(proxy.base, 'GET', '/api/auth/sessions', { session, from });
    assert.equal(list.status, 200);
    return list.body.find((s) => s.current).ip;
  };
  for (const proxy of run.proxies) {
    // A client at 127.0.0.2 claims to be 203.0.113.7. nginx appends the peer
    // (203.0.113.7, 127.0.0.2); Caddy replaces the claim (127.0.0.2). Sayr trusts only
    // 127.0.0.1, the proxy: reading from the right, the first untrusted entry is the client.
    assert.equal(await ipOfLogin(proxy, ELSEWHERE), ELSEWHERE, `${proxy.name}: the session list shows the real client`);
  }
  // From 127.0.0.1 — an address Sayr trusts, as it would a load balancer in front of
  // nginx — the claim is believed: nginx appends 127.0.0.1, a trusted hop, and Sayr reads
  // on to the entry before it. Caddy trusts no client's claim unless configured to.
  const [nginx, caddy] = run.proxies;
  assert.equal(await ipOfLogin(nginx, '127.0.0.1'), CLAIMED);
  assert.equal(await ipOfLogin(caddy, '127.0.0.1'), '127.0.0.1');
});

t('a file uploaded through the proxy downloads from both instances (shared S3)', async () => {
  for (const proxy of run.proxies) {
    // Past nginx's 1 MiB default request body: the config must raise it.
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(3 * 1024 * 1024)]);
    const form = multipart(`${proxy.name} report.zip`, zip);
    const up = await call(proxy.base, 'POST', '/api/v1/orgs/acme/files', { session: run.owner, ...form });
    assert.equal(up.status, 201, `${proxy.name}: ${up.bytes.toString().slice(0, 300)}`);
    assert.equal(up.body.size, zip.length);
    const servedBy = new Set();
    for (let i = 0; i < 8 && servedBy.size < 2; i++) {
      const down = await call(proxy.base, 'GET', up.body.url, { session: run.owner });
      assert.equal(down.status, 200);
      assert.equal(down.headers['content-type'], 'application/zip');
      assert.ok(down.bytes.equals(zip), `${proxy.name}: the bytes came back from ${answeredBy(down.headers)}`);
      servedBy.add(answeredBy(down.headers));
    }
    assert.equal(servedBy.size, 2, `${proxy.name}: both instances served the file`);
  }
});

let page;
// The page's sockets (its board's and its own events'), relayed by the test so that a
// reconnection can be held back. A socket that subscribes to an org is the board's.
const relay = { sockets: [], frames: [], hold: null };

t('the board opens through nginx and goes live', async () => {
  run.browser = await startBrowser();
  const [nginx] = run.proxies;
  page = await run.browser.page(nginx.base, run.owner);
  await page.routeWebSocket(/\/ws/, async (ws) => {
    if (relay.hold) await relay.hold;
    const conn = { n: relay.sockets.length + 1, board: false };
    relay.sockets.push(conn);
    const server = ws.connectToServer();
    server.onMessage((m) => { relay.frames.push({ conn, m: JSON.parse(m) }); ws.send(m); });
    ws.onMessage((m) => {
      if (JSON.parse(m).type === 'SUBSCRIBE') conn.board = true;
      server.send(m);
    });
  });
  const before = await socketsOn(roomSockets);
  await page.goto(`${nginx.base}/orgs/acme/tasks`);
  await page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 20_000 });
  await page.waitForSelector('[data-testid=task-card]:has-text("nginx task 0")');
  run.pageOn = await gainedSocket(before, roomSockets);
  run.boardSocket = relay.sockets.find((c) => c.board);
  assert.ok(run.boardSocket, 'the board subscribed through its socket');
});

t(`sockets held ${HOLD_SECS} s, past the 30 s PING, stay open and still get events`, async () => {
  for (const { socket, openedAt } of run.sockets) {
    await sleep(Math.max(0, openedAt + HOLD_SECS * 1000 - Date.now()));
    assert.equal(socket.readyState, WebSocket.OPEN);
  }
  const res = await call(run.proxies[0].base, 'POST', '/api/v1/orgs/acme/tasks', { session: run.owner, json: { title: 'After the wait' } });
  assert.equal(res.status, 201);
  for (const proxy of run.proxies) {
    const held = proxy.socket;
    assert.ok(held.messages.some((m) => m.type === 'PING'), `${proxy.name}: the server's PING came through`);
    await held.waitFor('CREATE_TASK After the wait', (m) => m.type === 'CREATE_TASK' && m.data.title === 'After the wait', 5000);
    assert.ok(Date.now() - held.openedAt >= HOLD_SECS * 1000);
    held.socket.close();
  }
});

t('an instance stopped under the page: it reconnects to the other and loses no change', async () => {
  const [nginx, caddy] = run.proxies;
  const stopped = run.pageOn;
  const survivor = other(stopped);
  let release;
  relay.hold = new Promise((r) => { release = r; });
  const task = (await call(nginx.base, 'GET', '/api/v1/orgs/acme/tasks?q=nginx%20task%200', { session: run.owner })).body.items[0];
  assert.equal(task.title, 'nginx task 0');

  const started = Date.now();
  await stop(run.instances[stopped].entry);
  assert.ok(Date.now() - started < 15_000, 'the stopped instance exits within its drain time');

  // At once, before a health check can notice: with round robin one of two writes is
  // first sent to the stopped instance, and must be resent to the other.
  const during = ['Made during the stop 1', 'Made during the stop 2'];
  for (const title of during) {
    const res = await call(caddy.base, 'POST', '/api/v1/orgs/acme/tasks', { session: run.owner, json: { title } });
    assert.equal(res.status, 201, `caddy, right after the stop: ${res.bytes}`);
  }

  // The page has lost its socket and tries again; the test holds that attempt back.
  await until('the board to lose its socket', async () =>
    (await page.getAttribute('[data-testid=live-status]', 'data-state')) !== 'live', 15_000);

  const renamed = await call(nginx.base, 'PATCH', `/api/v1/orgs/acme/tasks/${task.number}`, { session: run.owner,
    json: { title: 'Renamed while reconnecting', version: task.version } });
  assert.equal(renamed.status, 200, renamed.bytes.toString());
  assert.equal(answeredBy(renamed.headers), survivor);

  release();
  await page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 15_000 });
  for (const title of ['Renamed while reconnecting', ...during]) {
    await page.waitForSelector(`[data-testid=task-card]:has-text("${title}")`, { timeout: 10_000 });
    assert.ok(!relay.frames.some(({ m }) => m.data?.title === title),
      `no socket carried "${title}": the page refetched on reconnecting`);
  }
  assert.equal(await roomSockets(survivor), 1, 'the board socket is on the surviving instance');

  const created = await call(nginx.base, 'POST', '/api/v1/orgs/acme/tasks', { session: run.owner, json: { title: 'After the reconnect' } });
  assert.equal(created.status, 201);
  await page.waitForSelector('[data-testid=task-card]:has-text("After the reconnect")', { timeout: 10_000 });
  assert.ok(relay.frames.some(({ conn, m }) => conn.board && conn !== run.boardSocket && m.type === 'CREATE_TASK' && m.data?.title === 'After the reconnect'),
    'the new task came over the reconnected board socket');

  // Both proxies send everything to the survivor now.
  for (const proxy of [nginx, caddy]) {
    for (let i = 0; i < 4; i++) {
      const me = await call(proxy.base, 'GET', '/api/v1/me', { session: run.owner });
      assert.equal(me.status, 200, `${proxy.name} after the stop`);
      assert.equal(answeredBy(me.headers), survivor);
    }
  }
  assert.deepEqual(run.browser.errors, []);
});
