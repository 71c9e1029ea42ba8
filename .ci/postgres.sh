#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the journal tests: initdb in a temporary directory,
# listening on a loopback port only, and prints `export KYC_TEST_POSTGRES_URL=...` and
# `export KYC_TEST_POSTGRES_DIR=...` for the caller to eval. Stop it with
# `.ci/postgres.sh stop "$KYC_TEST_POSTGRES_DIR"`.
# Installs Debian's postgresql package when the server binaries are missing. As root, the
# server runs as the unprivileged user `postgres` (PostgreSQL refuses to run as root).
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir="${2:?usage: postgres.sh stop DIR}"
  bin="$(find_bin)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if ! bin="$(find_bin)"; then
  echo "installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin="$(find_bin)"
fi

dir="$(mktemp -d /tmp/kyc-pg.XXXXXX)"
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
  chown postgres "$dir"
fi
port="${KYC_TEST_POSTGRES_PORT:-}"
while [ -z "$port" ]; do
  candidate=$((20000 + RANDOM % 40000))
  # A port nobody answers on (bash's /dev/tcp connects; failure means free).
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; fi
done
as_owner "$bin/initdb" -D "$dir/data" -U kyc --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
# fsync stays on (the tests check durability claims against a real server); a small server.
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c shared_buffers=64MB" \
  start >&2
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U kyc kyc_test
echo "export KYC_TEST_POSTGRES_URL=postgres://kyc@127.0.0.1:$port/kyc_test"
echo "export KYC_TEST_POSTGRES_DIR=$dir"
