#!/usr/bin/env bash
# pg-cluster.sh - a throwaway PostgreSQL cluster for the tests: initdb in a
# temporary directory, listening on a free loopback port, run as a non-root
# user because PostgreSQL refuses root.
#   eval "$(scripts/pg-cluster.sh start)"   # exports AH_TEST_PG, PGCLUSTER_DIR
#   scripts/pg-cluster.sh stop              # stops it and removes the directory
# For outage tests, the SAME cluster (same data directory, same port) can be
# taken down and brought back without losing anything; all use PGCLUSTER_DIR:
#   scripts/pg-cluster.sh stop-server       # pg_ctl stop -m fast, keeps the directory
#   scripts/pg-cluster.sh start-server      # starts it again on its port (waits)
#   scripts/pg-cluster.sh restart           # stop-server then start-server
#   scripts/pg-cluster.sh status            # exit 0 when it is running
# PGCLUSTER_SETTINGS="shared_buffers=2GB ..." at start adds settings to its postgresql.conf.
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
    echo "$port" >"$dir/port" # for start-server: the same cluster comes back on the same port
    as_user "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # PGCLUSTER_SETTINGS: "name=value ..." for this cluster's postgresql.conf (the benchmark's
    # memory); kept across stop-server / start-server
    local kv
    for kv in ${PGCLUSTER_SETTINGS:-}; do
        echo "${kv%%=*} = '${kv#*=}'" >>"$dir/data/postgresql.conf"
    done
    server_start "$dir" "$port" || exit 1
    echo "export AH_TEST_PG=postgresql://postgres@127.0.0.1:$port"
    echo "export PGCLUSTER_DIR=$dir"
}

# server_start DIR PORT - pg_ctl start of DIR/data on PORT, waiting until it
# accepts connections; prints the server log on failure.
server_start() {
    local dir=$1 port=$2
    as_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" start >/dev/null \
        || { tail -n 50 "$dir/server.log" >&2; return 1; }
}

cluster_dir() {
    local dir=${PGCLUSTER_DIR:?PGCLUSTER_DIR is not set}
    [ -d "$dir/data" ] || { echo "pg-cluster: no cluster in $dir" >&2; exit 1; }
    echo "$dir"
}

# The port the cluster in DIR was made with: DIR/port, or for a cluster made
# before that file existed, the -p of its last start (data/postmaster.opts).
cluster_port() {
    local dir=$1 port=""
    [ -f "$dir/port" ] && port=$(cat "$dir/port")
    if [ -z "$port" ] && [ -f "$dir/data/postmaster.opts" ]; then
        port=$(sed -n 's/.*"-p" "\([0-9]*\)".*/\1/p' "$dir/data/postmaster.opts")
    fi
    [ -n "$port" ] || { echo "pg-cluster: cannot tell the port of the cluster in $dir" >&2; exit 1; }
    echo "$port"
}

# Stops the server of the cluster (fast: open transactions are rolled back and
# clients disconnected) and keeps its directory; nothing to do if it is down.
stop_server() {
    local dir
    dir=$(cluster_dir)
    if as_user "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_user "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null \
            || { tail -n 50 "$dir/server.log" >&2; exit 1; }
    fi
}

# Starts the same cluster again (same data directory, same port); nothing to
# do if it is running.
start_server() {
    local dir port
    dir=$(cluster_dir)
    port=$(cluster_port "$dir")
    if ! as_user "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        server_start "$dir" "$port" || exit 1
    fi
}

status() {
    local dir
    dir=$(cluster_dir)
    as_user "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

stop() {
    local dir=${PGCLUSTER_DIR:?PGCLUSTER_DIR is not set}
    [ -d "$dir/data" ] && as_user "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
stop-server) stop_server ;;
start-server) start_server ;;
restart) stop_server && start_server ;;
status) status ;;
*) echo "usage: pg-cluster.sh start|stop|stop-server|start-server|restart|status" >&2; exit 2 ;;
esac
