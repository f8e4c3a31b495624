#!/usr/bin/env bash
# GridGov's one test command.
#
# Starts a throwaway PostgreSQL cluster (installing Debian's postgresql package when no server binaries are
# found), installs Debian's chromium for the command-centre browser tests and Debian's prometheus (prometheus and
# promtool, for the metrics test) when they are missing, exports GRIDGOV_TEST_POSTGRES and GRIDGOV_TEST_PROMETHEUS
# for the tests, runs `dotnet test orleans.sln "$@"`, then lints the OpenAPI document the tests wrote and type-checks
# a TypeScript client generated from it, and always stops and deletes the cluster afterwards. Exits non-zero when any
# of these fails.
#
#   ./test.sh
#   ./test.sh --filter "FullyQualifiedName~GridGov.Tests.Storage"
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$repo_root"

log() { echo "test.sh: $*" >&2; }

pg_log_prefix="test.sh"
# shellcheck source=scripts/postgres.sh
. "$repo_root/scripts/postgres.sh"
pg_init || exit 1

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

pg_root="$(mktemp -d "${TMPDIR:-/tmp}/gridgov-pg.XXXXXX")"
pg_data="$pg_root/data"
pg_started=0

cleanup() {
  if [ "$pg_started" -eq 1 ]; then
    pg_stop "$pg_root"
  fi
  rm -rf "$pg_root" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_start "$pg_root" || exit 1
pg_started=1
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$pg_port (data in $pg_data)"

export GRIDGOV_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

set +e
dotnet test orleans.sln "$@"
status=$?
set -e

# The OpenAPI contract must lint clean (Redocly recommended, Spectral spectral:oas), and a TypeScript client generated
# from it must type-check a program making the main calls (tools/openapi/client). The tests wrote the live document
# to artifacts/openapi/v1.json; a filtered run may not have, and then there is nothing to check.
if [ "$status" -eq 0 ] && [ -f artifacts/openapi/v1.json ]; then
  if [ "$#" -eq 0 ] || [ artifacts/openapi/v1.json -nt "$pg_data" ]; then
    tools/openapi/lint.sh artifacts/openapi/v1.json || status=$?
    tools/openapi/client/check.sh artifacts/openapi/v1.json || status=$?
  fi
fi
exit "$status"
