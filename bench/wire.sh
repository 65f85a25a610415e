#!/usr/bin/env bash
# Bytes on the wire (make bench): the board page with 200 tasks and the REST task list, as
# sent with no compression, gzip and brotli. Any build gives the same bytes
# (SAYR_BIN=target/debug/sayr works). See BENCHMARKS.md, "Ship it".
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
SAYR=${SAYR_BIN:-$CARGO_TARGET_DIR/release/sayr}
TASKS=${TASKS:-200}
[ -n "${SAYR_BIN:-}" ] || cargo build -p server --bin sayr --release --locked

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$SAYR" serve --addr "127.0.0.1:$port" --data-dir "$data" --log warn >"$data/log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.05; done

source bench/board-fixture.sh
board_fixture "$base" "$TASKS"
printf '%-40s %10s %10s %10s\n' "what" "identity" "gzip" "br"
for path in "/orgs/bench/tasks" "/api/v1/orgs/bench/tasks?limit=100"; do
  sizes=()
  for enc in identity gzip br; do
    sizes+=("$(curl -s -o /dev/null -w '%{size_download}' -H "cookie: $cookie" -H "accept-encoding: $enc" "$base$path")")
  done
  printf '%-40s %10s %10s %10s\n' "$path" "${sizes[@]}"
done
