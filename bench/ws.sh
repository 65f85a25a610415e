#!/usr/bin/env bash
# Realtime fan-out (make bench): SOCKETS WebSockets subscribed to one org's `tasks` room of
# a fresh release `sayr` (SQLite; again on PostgreSQL when SAYR_TEST_DATABASE_URL is set),
# UPDATES task updates over REST at RATE per second, then BURST more as fast as they are
# delivered (WINDOW in flight); then the same clients and updates against a bare
# tokio-tungstenite broadcast server. Prints each run's report and a summary against the
# targets. See BENCHMARKS.md, "Realtime fan-out".
set -euo pipefail
cd "$(dirname "$0")/.."
SOCKETS=${SOCKETS:-1000}
UPDATES=${UPDATES:-60}
RATE=${RATE:-2}
# About two million deliveries in the throughput phase, whatever the number of sockets.
BURST=${BURST:-$(( 2000000 / SOCKETS > 100 ? 2000000 / SOCKETS : 100 ))}
WINDOW=${WINDOW:-32}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
# SAYR_BIN / SAYR_LOAD_BIN: use these binaries instead of building them.
SAYR=${SAYR_BIN:-$CARGO_TARGET_DIR/release/sayr}
LOAD=${SAYR_LOAD_BIN:-$CARGO_TARGET_DIR/release/sayr-load}
[ -n "${SAYR_BIN:-}" ] || cargo build -p server --bin sayr --release --locked
[ -n "${SAYR_LOAD_BIN:-}" ] || cargo build -p loadtest --release --locked

# Every socket is a file on both ends; the tool and the server each need SOCKETS + a few.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
files=$(ulimit -n)
if [ "$files" != unlimited ] && [ "$files" -lt $((SOCKETS + 100)) ]; then
  echo "bench-ws: $SOCKETS sockets need ulimit -n of at least $((SOCKETS + 100)), the hard limit is $(ulimit -Hn)" >&2
  exit 1
fi

data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$data"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# SIGTERM, and SIGKILL if a graceful stop takes more than 30 s.
stop() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
load_args=(--sockets "$SOCKETS" --updates "$UPDATES" --rate "$RATE" --burst "$BURST" --window "$WINDOW")

bench_sayr() { # label, extra env
  local label=$1; shift
  local port pid
  port=$(free_port)
  mkdir -p "$data/$label"
  env SAYR_METRICS_TOKEN=bench-ws "$@" "$SAYR" serve --addr "127.0.0.1:$port" --data-dir "$data/$label" --log warn \
    >"$data/$label.log" 2>&1 & pid=$!
  pids+=("$pid")
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
  SAYR_METRICS_TOKEN=bench-ws "$LOAD" sayr --url "http://127.0.0.1:$port" --server-pid "$pid" "${load_args[@]}" \
    | sed "s/name=sayr /name=sayr-$label /; s/^| sayr |/| sayr $label |/" | tee -a "$data/results"
  if grep -qE "WARN|ERROR" "$data/$label.log"; then
    echo "   server log ($label), last warnings and errors:"
    grep -E "WARN|ERROR" "$data/$label.log" | tail -n 5 | sed 's/^/     /'
  fi
  stop "$pid"
}

bench_sayr sqlite -u DATABASE_URL
if [ -n "${SAYR_TEST_DATABASE_URL:-}" ]; then
  db="sayr_bench_ws_$$"
  admin=${SAYR_TEST_DATABASE_URL}
  psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
  bench_sayr postgres DATABASE_URL="${admin%/*}/$db"
  psql "$admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi

# The baseline gets frames of the size sayr sent.
bytes=$(awk -F'update_frame_bytes=' '/update_frame_bytes=/ {print $2; exit}' "$data/results")
"$LOAD" bare --payload-bytes "${bytes:-1360}" "${load_args[@]}" | tee -a "$data/results"

echo
echo "| server | sockets | phase | updates | missing | p50 ms | p95 ms | p99 ms | max ms | msg/s | server KiB/socket |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
grep '^| ' "$data/results"
echo
awk -v sockets="$SOCKETS" '
  /^RESULT/ && /phase=/ {
    delete r
    for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
    key = r["name"] "/" r["phase"]
    rate[key] = r["msgs_per_s"]; p99[key] = r["p99_ms"]; cpu[key] = r["server_us_per_msg"]
    kib[r["name"]] = r["kib_per_socket"]; connected[r["name"]] = r["sockets"]; names[r["name"]] = 1
  }
  END {
    for (n in names) {
      if (n == "bare") continue
      printf "%s: %s/%s sockets; steady p99 %s ms (bare %s; target <= 50); %s KiB per socket (bare %s; target <= 19.5)\n",
        n, connected[n], sockets, p99[n "/steady"], p99["bare/steady"], kib[n], kib["bare"]
      printf "%s: burst %s msg/s = %.0f %% of bare %s (target >= 70 %%); server CPU %s us per delivery (bare %s)\n",
        n, rate[n "/burst"], 100 * rate[n "/burst"] / rate["bare/burst"], rate["bare/burst"],
        cpu[n "/burst"], cpu["bare/burst"]
    }
  }' "$data/results"
