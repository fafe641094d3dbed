# Throwaway PostgreSQL clusters for the demo, the tests and the benchmark. Source this file.
#   pg_start NAME PORT   starts (creating if needed) a cluster and exports PGHOST/PGPORT/PGUSER
#   pg_stop NAME         stops it
# The cluster lives under var/pg-NAME when the postgres user can reach that folder, else under
# /tmp. It listens on 127.0.0.1 only, trusts local connections (a throwaway, never a real bank
# database) and is started as the postgres user, because initdb and postgres refuse root.

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_ROOT="${PG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

_pg_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_dir() {
  local name=$1 dir="$PG_ROOT/var/pg-$1"
  mkdir -p "$PG_ROOT/var"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$PG_ROOT/var"; then
    dir="/tmp/amlyze-etl-pg-$name"
  fi
  echo "$dir"
}

pg_start() {
  local name=$1 port=$2 dir
  dir=$(pg_dir "$name")
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    _pg_as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  fi
  if ! _pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    _pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off" \
      start >/dev/null || { cat "$dir/server.log"; return 1; }
  fi
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
}

pg_stop() {
  local dir
  dir=$(pg_dir "$1")
  if [ -f "$dir/data/PG_VERSION" ]; then
    _pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

pg_destroy() {
  pg_stop "$1"
  rm -rf "$(pg_dir "$1")"
}
