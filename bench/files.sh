#!/usr/bin/env bash
# Files (BENCHMARKS.md, "Files"): upload and download throughput of a 20 MiB file through the
# REST API, on the local store and on S3 (s3s-fs, when installed), and the server's peak RSS
# (VmHWM) while 8 clients upload at once, with 2, 20 and 100 MiB files (the limit raised for
# the last), each on a fresh server: uploads stream, so the peak should not grow with the
# file size once a file is past one buffered part (1 MiB local, 5 MiB on S3).
# Needs a release build (cargo build -p server --release) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
T=${CARGO_TARGET_DIR:-target}/release
RUNS=${RUNS:-5}
CLIENTS=${CLIENTS:-8}
S3S_FS=${S3S_FS:-$(command -v s3s-fs || echo "$HOME/.cargo/bin/s3s-fs")}
data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { until curl -sf "$1" >/dev/null 2>&1; do sleep 0.05; done; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mib_s() { awk '{printf "%.0f MiB/s", $1/1048576}'; }
status_kib() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }

# A file that sniffs as a zip: random bytes behind the zip signature.
make_file() { { printf 'PK\003\004'; head -c $(($2 * 1048576 - 4)) /dev/urandom; } >"$1"; }
make_file "$data/20.zip" 20
make_file "$data/2.zip" 2
make_file "$data/100.zip" 100

# Starts a fresh sayr with the extra environment; sets pid, base and key.
start_sayr() {
  local dir=$data/sayr-$RANDOM port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  (exec env "$@" "$T/sayr" serve --addr "127.0.0.1:$port" --data-dir "$dir" --log warn) &
  pid=$!
  pids+=("$pid")
  wait_up "$base/healthz"
  curl -sf -c "$dir.jar" -H 'content-type: application/json' \
    -d '{"email":"bench@example.test","password":"benchmark-password","name":"Bench"}' "$base/api/auth/signup" >/dev/null
  curl -sf -b "$dir.jar" -H 'content-type: application/json' \
    -d '{"name":"Bench","slug":"bench","shortId":"BEN"}' "$base/api/v1/orgs" >/dev/null
  key=$(curl -sf -b "$dir.jar" -H 'content-type: application/json' -d '{"name":"bench"}' \
    "$base/api/v1/me/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
}

stop_sayr() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

upload() { # file; prints curl's upload speed (bytes/s), leaves the answer in $data/up.json
  curl -sf -o "$data/up.json" -w '%{speed_upload}\n' -H 'expect:' -H "authorization: Bearer $key" \
    -F "file=@$1;filename=bench.zip" "$base/api/v1/orgs/bench/files"
}

throughput() { # label, env...
  local label=$1 up down url
  shift
  start_sayr "$@"
  upload "$data/20.zip" >/dev/null # warm-up
  up=$(for _ in $(seq "$RUNS"); do upload "$data/20.zip"; done | median | mib_s)
  url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$data/up.json")
  down=$(for _ in $(seq "$RUNS"); do
    curl -sf -o /dev/null -w '%{speed_download}\n' -H "authorization: Bearer $key" "$base$url"
  done | median | mib_s)
  echo "| $label | $up | $down |"
  stop_sayr
}

memory() { # label, env...
  local label=$1 row idle
  shift
  row="| $label"
  for size in 2 20 100; do
    start_sayr "$@" SAYR_MAX_FILE_SIZE=128MiB
    idle=$(status_kib "$pid" VmRSS)
    local jobs=()
    for _ in $(seq "$CLIENTS"); do
      upload "$data/$size.zip" >/dev/null &
      jobs+=($!)
    done
    for j in "${jobs[@]}"; do wait "$j"; done
    if [ "$size" = 2 ]; then row+=" | $((idle / 1024)) MiB"; fi
    row+=" | $(($(status_kib "$pid" VmHWM) / 1024)) MiB"
    stop_sayr
  done
  echo "$row |"
}

s3_env=()
if [ -x "$S3S_FS" ]; then
  s3port=$(free_port)
  mkdir -p "$data/s3/bench"
  ("$S3S_FS" --host 127.0.0.1 --port "$s3port" --access-key testkey --secret-key testsecret "$data/s3" >/dev/null 2>&1) &
  pids+=($!)
  until (exec 3<>"/dev/tcp/127.0.0.1/$s3port") 2>/dev/null; do sleep 0.05; done
  s3_env=(SAYR_STORAGE_URL=s3://bench SAYR_S3_ENDPOINT="http://127.0.0.1:$s3port" SAYR_S3_PATH_STYLE=true
    SAYR_S3_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=testkey AWS_SECRET_ACCESS_KEY=testsecret)
else
  echo "SKIPPED s3 (s3s-fs not installed)" >&2
fi

echo "| store | upload 20 MiB (median of $RUNS) | download 20 MiB (median of $RUNS) |"
echo "|---|---|---|"
throughput "local directory" -u SAYR_STORAGE_URL
if [ ${#s3_env[@]} -gt 0 ]; then throughput "S3 (s3s-fs)" "${s3_env[@]}"; fi
echo
echo "| store | idle RSS | peak RSS, $CLIENTS × 2 MiB at once | $CLIENTS × 20 MiB | $CLIENTS × 100 MiB |"
echo "|---|---|---|---|---|"
memory "local directory" -u SAYR_STORAGE_URL
if [ ${#s3_env[@]} -gt 0 ]; then memory "S3 (s3s-fs)" "${s3_env[@]}"; fi
