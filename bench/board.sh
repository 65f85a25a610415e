#!/usr/bin/env bash
# The board with 200 tasks (make bench): server-side rendering throughput with wrk, and the
# time until the page is interactive in Chromium (hydrated and subscribed: the live dot).
# Release build, SQLite, the site from `make site`. See BENCHMARKS.md, "Web app".
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
SAYR=${SAYR_BIN:-$CARGO_TARGET_DIR/release/sayr}
TASKS=${TASKS:-200}
[ -n "${SAYR_BIN:-}" ] || cargo build -p server --bin sayr --release --locked

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$SAYR" serve --addr "127.0.0.1:$port" \
  --data-dir "$data" --log warn >"$data/log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.05; done

source bench/board-fixture.sh
board_fixture "$base" "$TASKS"
bytes=$(curl -s -H "cookie: $cookie" "$base/orgs/bench/tasks" | wc -c)
echo "board page: $TASKS tasks, $bytes bytes of HTML"

echo "== SSR: wrk -t2 -c16 -d15s $base/orgs/bench/tasks"
wrk -t2 -c16 -d15s --latency -H "cookie: $cookie" "$base/orgs/bench/tasks" | sed -n '/Latency/,/Transfer/p'

echo "== Time to interactive in Chromium (5 loads, cold cache each)"
(cd end2end && BASE="$base" COOKIE="${cookie#sayr_session=}" node --input-type=module -e '
import { chromium } from "playwright-core";
const args = ["--headless","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run",
  "--disable-background-networking","--disable-component-update","--disable-sync"];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args });
const times = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  await context.addCookies([{ name: "sayr_session", value: process.env.COOKIE, url: process.env.BASE }]);
  const page = await context.newPage();
  const start = Date.now();
  await page.goto(`${process.env.BASE}/orgs/bench/tasks`);
  await page.waitForSelector("[data-testid=live-status][data-state=live]", { timeout: 30000 });
  times.push(Date.now() - start);
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(`interactive (hydrated and subscribed) after ms: ${times.join(", ")}; median ${times[2]}`);
')
