#!/usr/bin/env bash
# pg-cluster.sh - a throwaway PostgreSQL cluster for the tests: initdb in a
# temporary directory, listening on a free loopback port, run as a non-root
# user because PostgreSQL refuses root.
#   eval "$(scripts/pg-cluster.sh start)"   # exports AH_TEST_PG, PGCLUSTER_DIR
#   scripts/pg-cluster.sh stop              # stops it and removes the directory
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "pg-cluster: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
RUNAS=${PGCLUSTER_USER:-allhands-pgtest}

as_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$RUNAS" -- "$@"
    else
        "$@"
    fi
}

start() {
    if [ "$(id -u)" -eq 0 ] && ! id "$RUNAS" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS"
    fi
    local dir port
    dir=$(mktemp -d /tmp/allhands-pg.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown "$RUNAS" "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_user "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "export AH_TEST_PG=postgresql://postgres@127.0.0.1:$port"
    echo "export PGCLUSTER_DIR=$dir"
}

stop() {
    local dir=${PGCLUSTER_DIR:?PGCLUSTER_DIR is not set}
    [ -d "$dir/data" ] && as_user "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: pg-cluster.sh start|stop" >&2; exit 2 ;;
esac
