#!/usr/bin/env bash
# Times a first `make run` (BENCHMARKS.md, "The first build, chosen"): a fresh clone of this
# repository in DIR (default /var/tmp/first-run) with its own empty target dir, `make run`
# with every line of its log timestamped (seconds since the start) in DIR.log, and the time
# until the first page answers on port 3000. Run it with nothing else on the machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/first-run}
rm -rf "$dir" && git clone -q "$repo" "$dir" && cd "$dir"
unset CARGO_TARGET_DIR SAYR_EMBED_SITE
start=$(date +%s)
( make run 2>&1 | while IFS= read -r l; do echo "$(( $(date +%s) - start )) $l"; done > "$dir.log" ) &
until curl -sf -o /dev/null http://127.0.0.1:3000/; do
  sleep 1
  if ! pgrep -f "make run" >/dev/null; then echo "make run stopped: see $dir.log"; exit 1; fi
done
echo "first page after $(( $(date +%s) - start )) s; $(stat -c %s target/release/sayr) bytes"
