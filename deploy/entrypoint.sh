#!/bin/sh
# The image's entry: the first argument picks the process; the rest goes to it (e.g. --GridGov:SiloPort=11112).
set -e
role="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$role" in
  api) exec dotnet /app/api/GridGov.Api.dll "$@" ;;
  silo) exec dotnet /app/silo/GridGov.Silo.dll "$@" ;;
  migrate) exec dotnet /app/silo/GridGov.Silo.dll migrate "$@" ;;
  *)
    echo "usage: (api | silo | migrate) [--GridGov:<Key>=<value> ...]" >&2
    exit 64
    ;;
esac
