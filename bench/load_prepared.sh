#!/usr/bin/env bash
# The load test against a prepared PostgreSQL data directory (docs/performance.md).
#   bench/load_prepared.sh DATA_DIR [bench/load.py options: --users 50 --run-time 120 ...]
#   bench/load_prepared.sh DATA_DIR --run bench/hot_pages.py [its options]
# Copies DATA_DIR (left untouched, so every run starts from the same data), starts PostgreSQL 15
# on the copy on a free loopback port, applies any migration the directory predates (new
# indexes), runs bench/load.py --existing (or the script after --run) against it, then stops
# the server and removes the copy.
set -euo pipefail
SOURCE=${1:?usage: bench/load_prepared.sh DATA_DIR [load.py options]}
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
TMP=$(mktemp -d /tmp/safeguard-load.XXXXXX)
AS=()
if [ "$(id -u)" = "0" ]; then AS=(runuser -u postgres --); fi
cp -a "$SOURCE" "$TMP/data"
mkdir -p "$TMP/sock"
rm -f "$TMP/data/postmaster.pid"
if [ "$(id -u)" = "0" ]; then chown -R postgres:postgres "$TMP"; fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
"${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w \
  -o "-p $PORT -k $TMP/sock -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/safeguard" PYTHONPATH="$ROOT/src"
began=$(date +%s)
SAFEGUARD_ENV= "$PYTHON" -m safeguard.cli migrate --noinput -v 0
echo "migrations applied to the copy in $(( $(date +%s) - began )) s" >&2
if [ "${1:-}" = "--run" ]; then
  shift
  SCRIPT=$1
  shift
  "$PYTHON" "$SCRIPT" "$@"
else
  "$PYTHON" "$ROOT/bench/load.py" --existing "$@"
fi
