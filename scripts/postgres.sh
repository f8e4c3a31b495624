# Shared PostgreSQL provisioning for test.sh and scripts/cluster.sh (sourced, not run).
#
# Finds Debian's PostgreSQL server binaries (installing the postgresql package with apt-get when none are found),
# runs initdb and postgres as the postgres user when called as root, and starts a server on a free local port with
# the settings the tests use (no fsync: these databases are throwaway or local).
#
#   pg_init              sets pg_bin and run_pg (installs PostgreSQL if missing)
#   pg_start ROOT        initdb ROOT/data if needed, start on a free port; sets pg_port, writes ROOT/port
#   pg_stop ROOT         stops the server whose data is ROOT/data (immediate)
#   pg_running ROOT      true when that server runs

pg_log_prefix="${pg_log_prefix:-postgres.sh}"
pg_say() { echo "$pg_log_prefix: $*" >&2; }

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

pg_init() {
  pg_bin="$(find_pg_bin || true)"
  if [ -z "$pg_bin" ]; then
    pg_say "no PostgreSQL server found under /usr/lib/postgresql; installing Debian's postgresql package"
    apt_install postgresql
    pg_bin="$(find_pg_bin)" || { pg_say "postgresql was installed but initdb/pg_ctl are still missing"; return 1; }
  fi

  # initdb and postgres refuse to run as root: as root, run them as the postgres user.
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { pg_say "running as root but there is no 'postgres' user to run PostgreSQL as"; return 1; }
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
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_running() {
  [ -f "$1/data/postmaster.pid" ] && run_pg "$pg_bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

pg_start() {
  local root="$1" candidate
  mkdir -p "$root/data" "$root/sock"
  chmod 700 "$root/data"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$root"
  fi

  if [ ! -f "$root/data/PG_VERSION" ]; then
    run_pg "$pg_bin/initdb" -D "$root/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
      || run_pg "$pg_bin/initdb" -D "$root/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$root/initdb.log" 2>&1 \
      || { cat "$root/initdb.log" >&2; pg_say "initdb failed"; return 1; }
  fi

  pg_port=""
  for _ in $(seq 1 20); do
    candidate=$(( 20000 + RANDOM % 40000 ))
    if port_in_use "$candidate"; then
      continue
    fi
    if run_pg "$pg_bin/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -p $candidate -c unix_socket_directories=$root/sock -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null 2>&1; then
      pg_port="$candidate"
      echo "$pg_port" >"$root/port"
      return 0
    fi
    run_pg "$pg_bin/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  cat "$root/postgres.log" >&2 2>/dev/null || true
  pg_say "could not start PostgreSQL on a free port"
  return 1
}

pg_stop() {
  run_pg "$pg_bin/pg_ctl" -D "$1/data" -m "${2:-immediate}" -w stop >/dev/null 2>&1 || true
}
