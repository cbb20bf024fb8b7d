#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: its own data directory in a temp dir, loopback only,
# trust auth, stopped and removed afterwards.
#
#   scripts/test-postgres.sh install         install Debian's postgresql if its binaries are missing (root)
#   scripts/test-postgres.sh start DIR       start a server in the empty dir DIR; prints its database URL
#   scripts/test-postgres.sh stop DIR        stop that server and remove DIR
#   scripts/test-postgres.sh run CMD...      start one, run CMD with PAPERBOT_TEST_DATABASE_URL set, stop it
#
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root); otherwise as you.
# Exit status 3 means there are no PostgreSQL binaries.
set -euo pipefail

die() {
  echo "test-postgres: $*" >&2
  exit 1
}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$d" || ! -x "$d/initdb" || ! -x "$d/pg_ctl" ]]; then
    echo "test-postgres: no PostgreSQL binaries under /usr/lib/postgresql/*/bin (install them: sudo apt-get install -y postgresql)" >&2
    exit 3
  fi
  echo "$d"
}

# Runs a command as the server's owner.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

install() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return 0; fi
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root: sudo apt-get install -y postgresql"
  echo "test-postgres: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
  # The package starts a cluster of its own on port 5432; the tests do not use it.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h | awk '$4 == "online" { print $1, $2 }' | while read -r v c; do pg_ctlcluster "$v" "$c" stop || true; done
  fi
}

start() {
  local dir=$1 bin port url
  [[ -d "$dir" ]] || die "start: $dir is not a directory"
  bin=$(pg_bin)
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "there is no postgres user to run the server as (PostgreSQL refuses to run as root)"
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  as_owner mkdir -p "$dir/socket"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed:$(printf '\n'; tail -n 20 "$dir/initdb.log")"
  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
  # Another process can take the port between free_port and the server's bind: try a few.
  local tries
  for tries in 1 2 3; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port" start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      break
    fi
    [[ $tries -lt 3 ]] || die "the server did not start:$(printf '\n'; tail -n 20 "$dir/server.log" 2>/dev/null)"
  done
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres paperbot_test || die "createdb failed"
  url="postgres://postgres@127.0.0.1:$port/paperbot_test"
  echo "$url"
}

stop() {
  local dir=$1 bin
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    bin=$(pg_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || echo "test-postgres: pg_ctl stop failed" >&2
  fi
  rm -rf "$dir"
}

# Restarts the server in DIR on its port, the hard way (-m immediate: as after a crash), and waits until it accepts.
restart() {
  local dir=$1 bin
  bin=$(pg_bin)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 60 restart >/dev/null 2>&1 ||
    die "the server did not restart:$(printf '\n'; tail -n 20 "$dir/server.log" 2>/dev/null)"
}

run() {
  [[ $# -gt 0 ]] || die "run: give a command"
  local url
  # Global, not local: the EXIT trap runs after this function has returned.
  run_dir=$(mktemp -d "${TMPDIR:-/tmp}/paperbot-pg.XXXXXX")
  trap 'stop "$run_dir"' EXIT
  url=$(start "$run_dir")
  echo "test-postgres: PostgreSQL at $url" >&2
  PAPERBOT_TEST_DATABASE_URL=$url "$@"
}

cmd=${1:-}
shift || true
case "$cmd" in
  install) install ;;
  start) start "${1:?start DIR}" ;;
  stop) stop "${1:?stop DIR}" ;;
  restart) restart "${1:?restart DIR}" ;;
  run) run "$@" ;;
  *) die "usage: $0 install | start DIR | stop DIR | restart DIR | run CMD..." ;;
esac
