#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks: its own folder under /tmp,
# its own port, its own socket. Sourced by dev.sh; usable on its own:
#
#   scripts/pg-cluster.sh start [--durable]   # prints the URL, the folder on stderr
#   scripts/pg-cluster.sh pause|resume DIR    # stop / start its server (outage tests)
#   scripts/pg-cluster.sh stop DIR            # stop it and delete the folder
#
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user
# (Debian's postgresql package creates it). pg_ctl always gets a log file, or the
# server would hold the caller's stdout open. Test clusters skip fsync (nothing in
# them needs to survive a crash); --durable keeps PostgreSQL's defaults (benchmarks).

pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 \
    && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_as_owner() {  # run a PostgreSQL binary as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_cluster_start [--durable]: sets PG_CLUSTER_DIR and PG_CLUSTER_URL; returns non-zero
# (having said why on stderr) when PostgreSQL is not installed or does not start.
pg_cluster_start() {
  local bindir port dir
  bindir=$(pg_bindir) || { echo "pg-cluster: PostgreSQL is not installed" >&2; return 1; }
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg-cluster: running as root and there is no 'postgres' user to own the cluster" >&2
    return 1
  fi
  dir=$(mktemp -d /tmp/gatewatch-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port=${GATEWATCH_PG_PORT:-$(pg_free_port)}
  if ! pg_as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
    echo "pg-cluster: initdb failed:" >&2; cat "$dir/initdb.log" >&2
    rm -rf "$dir"; return 1
  fi
  # In the cluster's own configuration, so a stopped cluster starts again as it was.
  {
    echo "port = $port"
    echo "unix_socket_directories = '$dir'"
    echo "listen_addresses = '127.0.0.1'"
    echo "max_connections = 200"
    if [ "${1:-}" != "--durable" ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$dir/data/postgresql.conf"
  if ! pg_cluster_resume "$dir"; then
    echo "pg-cluster: the server did not start:" >&2; tail -20 "$dir/server.log" >&2
    rm -rf "$dir"; return 1
  fi
  PG_CLUSTER_DIR=$dir
  PG_CLUSTER_URL="postgresql://postgres@127.0.0.1:$port/postgres"
}

pg_cluster_pause() {  # pg_cluster_pause DIR: stop the server, keep the cluster
  pg_as_owner "$(pg_bindir)/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
}

pg_cluster_resume() {  # pg_cluster_resume DIR: start the server of a (paused) cluster
  pg_as_owner "$(pg_bindir)/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null
}

pg_cluster_stop() {  # pg_cluster_stop DIR
  local dir="$1" bindir
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  bindir=$(pg_bindir) || return 0
  pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start) shift; pg_cluster_start "$@"; echo "$PG_CLUSTER_DIR" >&2; echo "$PG_CLUSTER_URL" ;;
    pause)  pg_cluster_pause "${2:?usage: pg-cluster.sh pause DIR}" ;;
    resume) pg_cluster_resume "${2:?usage: pg-cluster.sh resume DIR}" ;;
    stop)   pg_cluster_stop "${2:?usage: pg-cluster.sh stop DIR}" ;;
    *) echo "usage: scripts/pg-cluster.sh start [--durable] | pause|resume|stop DIR" >&2
       exit 2 ;;
  esac
fi
