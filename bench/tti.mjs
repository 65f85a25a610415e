// Time to interactive of a member's first visit of the board (BENCHMARKS.md, "The first
// visit"): a real `sayr` (SAYR_BIN, default target/debug/sayr; give a release build), an
// org with 50 tasks, then RUNS visits of /orgs/bench/tasks, each in a new browser context
// (nothing cached), throttled like a mid-range phone on a fast 4G link: the CPU 4 times
// slower, 9 Mbit/s down, 1.5 Mbit/s up, 40 ms round trips. Prints the median and spread of
// the first contentful paint, and of "interactive": the board hydrated and its live link
// up (its indicator says live, which only the hydrated code can make it say).
// With GZIP=1 the browser asks for gzip only (to compare with a build that embedded no
// brotli variants). Usage: SAYR_BIN=target/release/sayr [GZIP=1] node bench/tti.mjs [RUNS=7]
import { startSayr, startBrowser } from '../end2end/tests/harness.mjs';

const runs = Number(process.argv[2] ?? 7);
const sayr = await startSayr();
const chrome = await startBrowser();
try {
  const token = await sayr.signUp('bench@example.test', 'Bench');
  await sayr.api('POST', '/api/v1/orgs', token, { name: 'Bench', slug: 'bench', shortId: 'BEN' });
  for (let i = 0; i < 50; i++) {
    await sayr.api('POST', '/api/v1/orgs/bench/tasks', token, { title: `Task ${i}`, status: ['backlog', 'todo', 'in-progress', 'done'][i % 4] });
  }
  const fcp = [], tti = [], bytes = [];
  for (let i = 0; i < runs; i++) {
    const page = await chrome.page(sayr.base, token);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 9e6 / 8, uploadThroughput: 1.5e6 / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    if (process.env.GZIP) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'gzip' } });
    let received = 0;
    cdp.on('Network.loadingFinished', (e) => { received += e.encodedDataLength; });
    const start = Date.now();
    await page.goto(`${sayr.base}/orgs/bench/tasks`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=live-status][data-state=live]', { timeout: 120_000 });
    tti.push(Date.now() - start);
    fcp.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
    bytes.push(received);
    await page.context().close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  console.log(`${process.env.SAYR_BIN ?? 'target/debug/sayr'}: ${runs} first visits of the board, throttled${process.env.GZIP ? ', gzip only' : ''}`);
  console.log(`  first contentful paint: median ${median(fcp).toFixed(0)} ms (${spread(fcp)})`);
  console.log(`  interactive (hydrated, live): median ${median(tti)} ms (${spread(tti)})`);
  console.log(`  bytes on the wire by then: median ${(median(bytes) / 1024).toFixed(0)} KiB`);
} finally {
  await chrome.close();
  await sayr.stop();
}
