#!/usr/bin/env bash
# Start-up time, idle memory and bundle sizes of a release `sayr` (make bench).
# Prints Markdown rows for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SAYR_BIN:-${CARGO_TARGET_DIR:-target}/release/sayr}
PKG=target/site/pkg
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A first start creates and migrates the database; the second is the usual start.
for run in first second; do
  start=$(date +%s%N)
  (exec "$BIN" serve --addr "127.0.0.1:$port" --data-dir "$data" --log warn) & pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 5
  rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid || true
  echo "| start-up to first /healthz 200 ($run start) | ${ready_ms} ms |"
  echo "| idle RSS 5 s after start ($run start) | $(( rss_kb / 1024 )) MiB |"
done

size() { stat -c %s "$1"; }
echo "| the binary (release, stripped, the site embedded) | $(( $(size "$BIN") / 1024 / 1024 )) MiB |"
echo "| WASM raw (after wasm-opt -Oz) | $(( $(size $PKG/sayr.wasm) / 1024 )) KiB |"
echo "| WASM gzip -9 | $(( $(size $PKG/sayr.wasm.gz) / 1024 )) KiB |"
echo "| WASM brotli -q 11 | $(( $(size $PKG/sayr.wasm.br) / 1024 )) KiB |"
echo "| JS glue raw / brotli | $(( $(size $PKG/sayr.js) / 1024 )) KiB / $(( $(size $PKG/sayr.js.br) / 1024 )) KiB |"
