#!/usr/bin/env bash
# Compares builds of `sayr` in one run (BENCHMARKS.md, "The first build, chosen"): for each
# binary given, the board page of 200 tasks rendered on the server (wrk -t2 -c16 10 s, the
# member's cookie) and the REST task list of 50 (wrk -t2 -c64 10 s, an API key), SQLite,
# limits off, then its RSS. Usage: bench/compare.sh BIN...
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/board-fixture.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for bin in "$@"; do
  data=$(mktemp -d); port=$(free_port); base=http://127.0.0.1:$port
  SAYR_LIMITS=off "$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" --log warn > "$data/log" 2>&1 & pid=$!
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.05; done
  board_fixture "$base" 200
  key=$(curl -sf -H "cookie: $cookie" -H 'content-type: application/json' -d '{"name":"bench"}' "$base/api/v1/me/api-keys" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  b=$(wrk -t2 -c16 -d10s --latency -H "cookie: $cookie" "$base/orgs/bench/tasks")
  r=$(wrk -t2 -c64 -d10s --latency -H "authorization: Bearer $key" "$base/api/v1/orgs/bench/tasks?limit=50")
  rss=$(ps -o rss= -p $pid)
  echo "$bin | board $(awk '/Requests\/sec/ {print $2}' <<<"$b") req/s, p99 $(awk '$1=="99%" {print $2}' <<<"$b") | REST $(awk '/Requests\/sec/ {print $2}' <<<"$r") req/s, p99 $(awk '$1=="99%" {print $2}' <<<"$r") | RSS ${rss} KB"
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$data"
done
