#!/usr/bin/env bash
# GridGov's one test command.
#
# Starts a throwaway PostgreSQL cluster (installing Debian's postgresql package when no server binaries are
# found), installs Debian's chromium for the command-centre browser tests and Debian's prometheus (prometheus and
# promtool, for the metrics test) when they are missing, exports GRIDGOV_TEST_POSTGRES and GRIDGOV_TEST_PROMETHEUS
# for the tests, runs `dotnet test orleans.sln "$@"`, and always stops and deletes the
# cluster afterwards. Exits with dotnet test's exit code.
#
#   ./test.sh
#   ./test.sh --filter "FullyQualifiedName~GridGov.Tests.Storage"
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$repo_root"

log() { echo "test.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

pg_bin="$(find_pg_bin || true)"
if [ -z "$pg_bin" ]; then
  log "no PostgreSQL server found under /usr/lib/postgresql; installing Debian's postgresql package"
  apt_install postgresql
  pg_bin="$(find_pg_bin)" || { log "postgresql was installed but initdb/pg_ctl are still missing"; exit 1; }
fi

# The command-centre browser tests drive Debian's Chromium through Playwright (never a browser Playwright downloads),
# and its screenshot needs a Chinese font for the page's Chinese labels.
if [ ! -x /usr/bin/chromium ]; then
  log "no /usr/bin/chromium; installing Debian's chromium package"
  apt_install chromium
fi
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  log "no Chinese font; installing Debian's fonts-wqy-microhei"
  apt_install fonts-wqy-microhei || log "fonts-wqy-microhei could not be installed: Chinese labels show as boxes in screenshots"
fi

# The metrics test lints /metrics with promtool and scrapes a running GridGov with a real Prometheus server. Without
# recommends: the package would pull in node-exporter, and the test starts its own server (Debian's service is
# never started by this script).
find_prometheus_bin() {
  local dir
  for dir in /usr/bin /usr/local/bin; do
    if [ -x "$dir/prometheus" ] && [ -x "$dir/promtool" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}
prometheus_bin="$(find_prometheus_bin || true)"
if [ -z "$prometheus_bin" ]; then
  log "no prometheus/promtool found; installing Debian's prometheus package"
  apt_install --no-install-recommends prometheus
  prometheus_bin="$(find_prometheus_bin)" || { log "prometheus was installed but prometheus/promtool are still missing"; exit 1; }
fi
export GRIDGOV_TEST_PROMETHEUS="$prometheus_bin"

# initdb and postgres refuse to run as root: as root, run them as the postgres user.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { log "running as root but there is no 'postgres' user to run PostgreSQL as"; exit 1; }
  run_pg() {
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
    fi
  }
else
  run_pg() { "$@"; }
fi

pg_root="$(mktemp -d "${TMPDIR:-/tmp}/gridgov-pg.XXXXXX")"
pg_data="$pg_root/data"
pg_sock="$pg_root/sock"
pg_log="$pg_root/postgres.log"
pg_started=0

cleanup() {
  if [ "$pg_started" -eq 1 ]; then
    run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pg_root" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$pg_data" "$pg_sock"
chmod 700 "$pg_data"
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres "$pg_root"
fi

run_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$pg_root/initdb.log" 2>&1 \
  || run_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$pg_root/initdb.log" 2>&1 \
  || { cat "$pg_root/initdb.log" >&2; log "initdb failed"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_port=""
for _ in $(seq 1 20); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if port_in_use "$candidate"; then
    continue
  fi
  if run_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $candidate -c unix_socket_directories=$pg_sock -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null 2>&1; then
    pg_port="$candidate"
    pg_started=1
    break
  fi
  run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
done
if [ -z "$pg_port" ]; then
  cat "$pg_log" >&2 2>/dev/null || true
  log "could not start PostgreSQL on a free port"
  exit 1
fi
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$pg_port (data in $pg_data)"

export GRIDGOV_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

set +e
dotnet test orleans.sln "$@"
status=$?
set -e

# The OpenAPI contract must lint clean (Redocly recommended, Spectral spectral:oas). The tests wrote the live
# document to artifacts/openapi/v1.json; a filtered run may not have, and then there is nothing to lint.
if [ "$status" -eq 0 ] && [ -f artifacts/openapi/v1.json ]; then
  if [ "$#" -eq 0 ] || [ artifacts/openapi/v1.json -nt "$pg_data" ]; then
    tools/openapi/lint.sh artifacts/openapi/v1.json || status=$?
  fi
fi
exit "$status"
