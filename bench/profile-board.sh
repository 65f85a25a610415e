#!/usr/bin/env bash
# Where the server's work goes when it renders the board of 200 tasks (BENCHMARKS.md, "Web
# app"): a release `sayr` under callgrind, the org and its tasks made uninstrumented, then
# N renders of the board counted in instructions (repeatable whatever else the machine is
# doing). Prints the instructions per render and the top functions, inclusive and self.
# Needs valgrind; the site from `make site`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
SAYR=${SAYR_BIN:-$CARGO_TARGET_DIR/release/sayr}
N=${N:-30}
TASKS=${TASKS:-200}
OUT=${OUT:-$(mktemp -d)/callgrind.out}
[ -n "${SAYR_BIN:-}" ] || cargo build -p server --bin sayr --release --locked
command -v valgrind >/dev/null || { echo "profile-board: needs valgrind (apt-get install valgrind)" >&2; exit 1; }

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$OUT" "$SAYR" serve --addr "127.0.0.1:$port" --data-dir "$data" \
  --log warn >"$data/log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.5; done

source bench/board-fixture.sh
board_fixture "$base" "$TASKS"
# One render before counting: caches warm, as under wrk.
curl -s -H "cookie: $cookie" "$base/orgs/bench/tasks" >/dev/null
callgrind_control -i on "$pid" >/dev/null
for _ in $(seq "$N"); do curl -s -H "cookie: $cookie" "$base/orgs/bench/tasks" >/dev/null; done
callgrind_control -i off "$pid" >/dev/null
kill -INT "$pid"; wait "$pid" 2>/dev/null || true

total=$(callgrind_annotate "$OUT" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
echo "instructions per board render: $((total / N)) ($N renders; $OUT)"
echo "== inclusive"
callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null | grep -E 'serde|Debug|Clone|sqlx|to_html|hydration_context' | head -20 | cut -c1-160
echo "== self"
callgrind_annotate "$OUT" 2>/dev/null | sed -n '/file:function/,$p' | sed -n 3,22p | cut -c1-160
