#!/usr/bin/env bash
# REST throughput and latency (make bench): the task list (50 items) and task creation on
# SQLite and, when SAYR_TEST_DATABASE_URL is set, PostgreSQL, beside a bare axum handler
# that serializes the same 50 tasks. wrk, 2 threads, 64 connections, 10 s each.
set -euo pipefail
cd "$(dirname "$0")/.."
T=${CARGO_TARGET_DIR:-target}/release
DURATION=${DURATION:-10s}
data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$data"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { until curl -sf "$1" >/dev/null; do sleep 0.05; done; }
row() { # name, wrk output
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1=="50%" {print $2}' <<<"$2")
  p99=$(awk '$1=="99%" {print $2}' <<<"$2")
  echo "| $1 | $rps | $p50 | $p99 |"
}

echo "| endpoint | req/s | p50 | p99 |"
echo "|---|---|---|---|"

port=$(free_port)
("$T/sayr-bare-json" "127.0.0.1:$port") & pids+=($!)
wait_up "http://127.0.0.1:$port/tasks"
row "bare axum JSON, 50 tasks (baseline)" "$(wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$port/tasks")"

bench_sayr() { # label, extra env
  local label=$1; shift
  local port base key
  port=$(free_port); base="http://127.0.0.1:$port"
  (env "$@" "$T/sayr" serve --addr "127.0.0.1:$port" --data-dir "$data/$label" --log warn) & pids+=($!)
  wait_up "$base/healthz"
  curl -sf -c "$data/jar" -H 'content-type: application/json' -d '{"email":"bench@example.test","password":"benchmark-password","name":"Bench"}' "$base/api/auth/signup" >/dev/null
  curl -sf -b "$data/jar" -H 'content-type: application/json' -d '{"name":"Bench","slug":"bench","shortId":"BEN"}' "$base/api/v1/orgs" >/dev/null
  key=$(curl -sf -b "$data/jar" -H 'content-type: application/json' -d '{"name":"bench"}' "$base/api/v1/me/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  for i in $(seq 50); do
    curl -sf -H "authorization: Bearer $key" -H 'content-type: application/json' -d "{\"title\":\"Benchmark task $i\"}" "$base/api/v1/orgs/bench/tasks" >/dev/null
  done
  row "sayr $label: GET tasks (50)" "$(wrk -t2 -c64 -d"$DURATION" --latency -H "authorization: Bearer $key" "$base/api/v1/orgs/bench/tasks?limit=50")"
  cat > "$data/create.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"title":"Created under load"}'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $key"
LUA
  row "sayr $label: POST task" "$(wrk -t2 -c64 -d"$DURATION" --latency -s "$data/create.lua" "$base/api/v1/orgs/bench/tasks")"
}

# The limiter's cost, same run: every request spends the `api` budget (one Redis-free GCRA
# step) with a budget too large to refuse, beside limits off.
bench_sayr sqlite -u DATABASE_URL SAYR_LIMITS=api=1000000000/1m
bench_sayr sqlite-limits-off -u DATABASE_URL SAYR_LIMITS=off
# Tracing's cost, same run: every request exported as spans (request, service call,
# queries) over OTLP/HTTP to a receiver on this machine (server/tests/api/otlp_receiver.py,
# which decodes them), beside traces off (the first run above).
if python3 -c "import opentelemetry.proto.collector.trace.v1.trace_service_pb2" 2>/dev/null; then
  otlp=$(free_port)
  (python3 server/tests/api/otlp_receiver.py "$data/spans.jsonl" "$otlp") & pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$otlp/"; do sleep 0.05; done
  bench_sayr sqlite-traced -u DATABASE_URL SAYR_LIMITS=api=1000000000/1m \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp"
  echo "(spans the receiver decoded: $(wc -l < "$data/spans.jsonl"))"
fi
if [ -n "${SAYR_TEST_DATABASE_URL:-}" ]; then
  db="sayr_bench_$$"
  admin=${SAYR_TEST_DATABASE_URL}
  psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
  bench_sayr postgres DATABASE_URL="${admin%/*}/$db" SAYR_LIMITS=api=1000000000/1m
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi
