# Source me: start a throwaway PostgreSQL server on loopback for the tests and export
# FITGAP_TEST_POSTGRES_URL (stopped and removed when the sourcing shell exits).
# Installs the Debian packages first, but only when running as root and they are missing.

_fitgap_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ -z "$(_fitgap_pg_bin)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
_FITGAP_PG_BIN="$(_fitgap_pg_bin)"
if [ -z "$_FITGAP_PG_BIN" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql) — cannot run the PostgreSQL tests" >&2
  return 1
fi

_FITGAP_PG_DIR="$(mktemp -d /tmp/fitgap-ci-pg.XXXXXX)"
_FITGAP_PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
_fitgap_pg_as() {  # the server refuses to run as root: use the postgres account then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres: "$_FITGAP_PG_DIR"
_fitgap_pg_as "$_FITGAP_PG_BIN/initdb" -D "$_FITGAP_PG_DIR/data" -U fitgap --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
_fitgap_pg_as "$_FITGAP_PG_BIN/pg_ctl" -D "$_FITGAP_PG_DIR/data" -l "$_FITGAP_PG_DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $_FITGAP_PG_PORT -k $_FITGAP_PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
trap '_fitgap_pg_as "$_FITGAP_PG_BIN/pg_ctl" -D "$_FITGAP_PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$_FITGAP_PG_DIR"' EXIT
export FITGAP_TEST_POSTGRES_URL="postgresql+psycopg://fitgap@127.0.0.1:$_FITGAP_PG_PORT/postgres"
echo "PostgreSQL $("$_FITGAP_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$_FITGAP_PG_PORT"
