#!/usr/bin/env bash
# `make run-stack`: the production topology on this machine. PostgreSQL and Redis from Debian's
# packages (installed with apt-get when missing), their data under var/stack/; then migrations,
# the catalog and the demo workspace; then gunicorn, a worker per queue and beat under honcho
# (deploy/Procfile.stack). Ctrl-C stops all of them, PostgreSQL and Redis included.
#
# Settings: WEB_PORT (8000), STACK_PG_PORT (54329), STACK_REDIS_PORT (63799), STACK_DIR
# (var/stack), WEB_CONCURRENCY (2), SYNC_WORKER_CONCURRENCY (2), and any CONNECTOR_HUB_* setting.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
export STACK_DIR=${STACK_DIR:-$ROOT/var/stack}
PG_PORT=${STACK_PG_PORT:-54329}
REDIS_PORT=${STACK_REDIS_PORT:-63799}

missing=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "Please install ${missing[*]} (apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PG_DIR=$STACK_DIR/postgres
REDIS_DIR=$STACK_DIR/redis
mkdir -p "$STACK_DIR" "$REDIS_DIR"
chmod 755 "$STACK_DIR"
if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
  echo "Creating the PostgreSQL cluster in $PG_DIR ..."
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 >/dev/null
fi
if [ ! -s "$STACK_DIR/db-password" ]; then
  (umask 077 && "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(24))" >"$STACK_DIR/db-password")
fi
DB_PASSWORD=$(cat "$STACK_DIR/db-password")

stop_services() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
}
trap stop_services EXIT

# A cluster left running by an interrupted run is stopped and started again on our port.
stop_services
# setsid: Ctrl-C reaches honcho and its processes, which stop first; then the trap stops these.
as_postgres setsid -w "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
  "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --appendonly yes \
  --save '' --daemonize yes --logfile "$REDIS_DIR/redis.log" --pidfile "$REDIS_DIR/redis.pid"
for _ in $(seq 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

psql_admin() { as_postgres "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -qAt "$@"; }
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'hub'")" ]; then
  psql_admin -c "CREATE ROLE hub LOGIN PASSWORD '$DB_PASSWORD'"
  psql_admin -c "CREATE DATABASE hub OWNER hub"
fi

export DATABASE_URL="postgres://hub:$DB_PASSWORD@127.0.0.1:$PG_PORT/hub"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CONNECTOR_HUB_CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"
export GUNICORN_BIND="127.0.0.1:${WEB_PORT:-8000}"
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export PATH="$BIN:$PATH"

python manage.py migrate --noinput
python manage.py load_catalog
python manage.py bootstrap_demo
echo "Serving http://$GUNICORN_BIND/ (PostgreSQL on $PG_PORT, Redis on $REDIS_PORT). Ctrl-C stops all."
honcho start -f deploy/Procfile.stack -d "$ROOT"
