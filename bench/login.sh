#!/usr/bin/env bash
# Sign-in under 300 concurrent wrong guesses (issue 19): the server's peak RSS, and the p99
# of a correct sign-in of another account made meanwhile. Release build; limits off so that
# the guesses reach the password check (the throttle's per-address count is sidestepped
# with forwarded addresses from a trusted proxy, as a botnet would).
set -euo pipefail
cd "$(dirname "$0")/.."
T=${CARGO_TARGET_DIR:-target}/release
GUESSES=${GUESSES:-300}
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SAYR_LIMITS=off SAYR_TRUSTED_PROXIES=127.0.0.1 "$T/sayr" serve --addr "127.0.0.1:$port" --data-dir "$data" --log warn &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
curl -sf -c "$data/jar" -H 'content-type: application/json' -d '{"email":"ada@example.test","password":"correct horse battery","name":"Ada"}' "http://127.0.0.1:$port/api/auth/signup" >/dev/null
device=$(awk '$6 == "sayr_device" {print "sayr_device=" $7}' "$data/jar")
python3 bench/login_flood.py "$port" "$pid" "$GUESSES" "$device"
