#!/usr/bin/env bash
# A real GridGov cluster on this machine: a local PostgreSQL, N headless silo processes and one API process (a cluster
# client), each on its own ports, all in Cluster mode. Everything lives under .cluster/ (ignored by git): the
# database's files, logs/, pids/, the generated secrets and the build output.
#
#   scripts/cluster.sh up 3          # build once, start PostgreSQL, migrate, 3 silos and the API (http://127.0.0.1:5100)
#   scripts/cluster.sh status        # the silos as the cluster sees them (GET /api/v1/cluster) and the processes
#   scripts/cluster.sh add           # one more silo
#   scripts/cluster.sh stop 2        # silo 2 leaves gracefully (SIGTERM)
#   scripts/cluster.sh kill 2        # silo 2 dies (SIGKILL)
#   scripts/cluster.sh down          # stop every process it started (by pid file) and PostgreSQL; data is kept
#   scripts/cluster.sh purge         # down, then delete .cluster/
#
# Settings (environment): CLUSTER_DIR (.cluster), CLUSTER_API_PORT (5100), CLUSTER_PORT_BASE (21100: silo i listens on
# BASE+i, its gateway on BASE+100+i), CLUSTER_CONFIGURATION (Release), CLUSTER_NO_BUILD=1 to run the last build.
# Any GridGov__… variable you export reaches every process (e.g. GridGov__Membership__ProbeTimeout).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

dir="${CLUSTER_DIR:-$repo_root/.cluster}"
api_port="${CLUSTER_API_PORT:-5100}"
port_base="${CLUSTER_PORT_BASE:-21100}"
configuration="${CLUSTER_CONFIGURATION:-Release}"
bin="$dir/bin"
logs="$dir/logs"
pids="$dir/pids"

log() { echo "cluster.sh: $*" >&2; }
pg_log_prefix="cluster.sh"
# shellcheck source=scripts/postgres.sh
. "$repo_root/scripts/postgres.sh"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

connection_string() { echo "Host=127.0.0.1;Port=$(cat "$dir/pg/port");Username=postgres;Database=postgres"; }

secrets() {
  mkdir -p "$dir"
  [ -f "$dir/cluster-secret" ] || head -c 32 /dev/urandom | base64 >"$dir/cluster-secret"
  [ -f "$dir/bootstrap-api-key" ] || echo "gg_local_$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" >"$dir/bootstrap-api-key"
  chmod 600 "$dir/cluster-secret" "$dir/bootstrap-api-key"
}

# The environment every process of the cluster shares.
cluster_env() {
  export GridGov__Mode=Cluster
  export GridGov__ConnectionString="$(connection_string)"
  export GridGov__AdvertisedAddress=127.0.0.1
  export GridGov__Auth__ClusterSecret="$(cat "$dir/cluster-secret")"
  export GridGov__Auth__BootstrapApiKey="$(cat "$dir/bootstrap-api-key")"
  export DOTNET_gcServer=0
}

build() {
  if [ "${CLUSTER_NO_BUILD:-0}" = 1 ] && [ -f "$bin/silo/GridGov.Silo.dll" ] && [ -f "$bin/api/GridGov.Api.dll" ]; then
    return
  fi
  log "building the silo and the API ($configuration) into $bin"
  dotnet build src/Silo/GridGov.Silo.csproj -c "$configuration" -o "$bin/silo" -v quiet -nologo >"$dir/build.log" 2>&1 \
    || { tail -30 "$dir/build.log" >&2; exit 1; }
  dotnet build src/Api/GridGov.Api.csproj -c "$configuration" -o "$bin/api" -v quiet -nologo >>"$dir/build.log" 2>&1 \
    || { tail -30 "$dir/build.log" >&2; exit 1; }
}

alive() { [ -f "$pids/$1.pid" ] && kill -0 "$(cat "$pids/$1.pid")" 2>/dev/null; }

start_postgres() {
  pg_init
  if pg_running "$dir/pg"; then
    return
  fi
  pg_start "$dir/pg"
  log "PostgreSQL listening on 127.0.0.1:$pg_port (data in $dir/pg/data)"
}

# Starts silo number $1 (its ports follow from the number).
start_silo() {
  local n="$1" name="silo-$1"
  if alive "$name"; then
    log "$name already runs (pid $(cat "$pids/$name.pid"))"
    return
  fi
  local silo_port=$(( port_base + n )) gateway_port=$(( port_base + 100 + n ))
  if port_in_use "$silo_port" || port_in_use "$gateway_port"; then
    log "port $silo_port or $gateway_port is taken: set CLUSTER_PORT_BASE"
    exit 1
  fi
  (
    cluster_env
    export GridGov__SiloPort="$silo_port" GridGov__GatewayPort="$gateway_port"
    cd "$bin/silo"
    exec dotnet GridGov.Silo.dll >>"$logs/$name.log" 2>&1
  ) &
  echo $! >"$pids/$name.pid"
  log "$name: pid $!, silo port $silo_port, gateway port $gateway_port, log $logs/$name.log"
}

start_api() {
  if alive api; then
    return
  fi
  if port_in_use "$api_port"; then
    log "port $api_port is taken: set CLUSTER_API_PORT"
    exit 1
  fi
  (
    cluster_env
    export GridGov__HostSilo=false
    cd "$bin/api"
    exec dotnet GridGov.Api.dll --urls "http://127.0.0.1:$api_port" >>"$logs/api.log" 2>&1
  ) &
  echo $! >"$pids/api.pid"
  log "api: pid $!, http://127.0.0.1:$api_port, log $logs/api.log"
}

wait_ready() {
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$api_port/health/ready" >/dev/null 2>&1; then
      return 0
    fi
    alive api || { tail -20 "$logs/api.log" >&2; log "the API exited"; exit 1; }
    sleep 1
  done
  log "the API was not ready within 120 s (see $logs/api.log)"
  exit 1
}

silo_numbers() { ls "$pids" 2>/dev/null | sed -n 's/^silo-\([0-9]*\)\.pid$/\1/p' | sort -n; }

up() {
  local n="${1:-3}"
  mkdir -p "$logs" "$pids"
  secrets
  build
  start_postgres
  (cluster_env; cd "$bin/silo"; dotnet GridGov.Silo.dll migrate) >>"$logs/migrate.log" 2>&1 \
    || { tail -20 "$logs/migrate.log" >&2; log "migrate failed"; exit 1; }
  log "schema migrated"
  for i in $(seq 1 "$n"); do
    start_silo "$i"
  done
  start_api
  wait_ready
  log "ready: KEY=\$(cat $dir/bootstrap-api-key); curl -H \"X-Api-Key: \$KEY\" http://127.0.0.1:$api_port/api/v1/cluster"
}

status() {
  local key
  key="$(cat "$dir/bootstrap-api-key" 2>/dev/null || true)"
  for f in "$pids"/*.pid; do
    [ -e "$f" ] || continue
    local name
    name="$(basename "$f" .pid)"
    if alive "$name"; then echo "$name: pid $(cat "$f") running"; else echo "$name: pid $(cat "$f") not running"; fi
  done
  if ! curl -sf -H "X-Api-Key: $key" "http://127.0.0.1:$api_port/api/v1/cluster" -o "$dir/cluster.json"; then
    log "the API does not answer; the membership table says:"
    pg_init
    "$pg_bin/psql" -h 127.0.0.1 -p "$(cat "$dir/pg/port")" -U postgres -d postgres -c \
      "SELECT address, port, generation, silo_name, status, start_time, i_am_alive_time FROM orleans_membership ORDER BY start_time" || true
    return 1
  fi
  jq -r '"active silos: \(.activeSilos)",
    (.silos[] | "\(.address)  \(.status)  started \(.startedAt)  activations \(.activationCount)  " +
      ([.activations[] | select(.grainType | startswith("GridGov.")) |
        "\(.grainType | sub("^GridGov\\.Grains\\.[A-Za-z]+\\."; "") | sub(",.*$"; ""))=\(.count)"] | join(" "))),
    "gateways (\(.gateways.mode)): connected \(.gateways.connected // "-"), known \(.gateways.known | join(" "))"' "$dir/cluster.json"
}

stop_process() {
  local name="$1" signal="${2:-TERM}"
  if alive "$name"; then
    kill "-$signal" "$(cat "$pids/$name.pid")"
    if [ "$signal" = TERM ]; then
      for _ in $(seq 1 60); do alive "$name" || break; sleep 1; done
      alive "$name" && { log "$name did not stop within 60 s; killing it"; kill -KILL "$(cat "$pids/$name.pid")"; }
    fi
    log "$name stopped ($signal)"
  fi
  rm -f "$pids/$name.pid"
}

down() {
  stop_process api
  for n in $(silo_numbers); do
    stop_process "silo-$n"
  done
  if [ -f "$dir/pg/port" ]; then
    pg_init
    pg_stop "$dir/pg" fast
    log "PostgreSQL stopped (data kept in $dir/pg)"
  fi
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  status) status ;;
  add)
    mkdir -p "$logs" "$pids"
    last="$(silo_numbers | tail -1)"
    start_silo $(( ${last:-0} + 1 ))
    ;;
  stop) [ -n "${2:-}" ] || usage; stop_process "silo-$2" TERM ;;
  kill) [ -n "${2:-}" ] || usage; stop_process "silo-$2" KILL ;;
  down) down ;;
  purge) down; rm -rf "$dir"; log "deleted $dir" ;;
  *) usage ;;
esac
