#!/usr/bin/env bash
# Run a command against a real PostgreSQL 15 server.
# Uses DATABASE_URL if it already points at PostgreSQL; otherwise starts a throw-away
# cluster on a free loopback port in a temporary directory and stops it afterwards.
set -euo pipefail
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  exec "$@"
fi
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL 15 is not installed: run 'make system-deps'." >&2
  exit 1
fi
TMP=$(mktemp -d /tmp/safeguard-pg.XXXXXX)
DATA="$TMP/data"; SOCK="$TMP/sock"
mkdir -p "$DATA" "$SOCK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
AS=()
if [ "$(id -u)" = "0" ]; then
  chown -R postgres:postgres "$TMP"
  AS=(runuser -u postgres --)
fi
cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$TMP/server.log" -w \
  -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" start >/dev/null
echo "PostgreSQL 15 running on 127.0.0.1:$PORT for this run"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
"$@"
