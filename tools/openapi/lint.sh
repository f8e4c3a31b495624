#!/usr/bin/env bash
# Lints GridGov's OpenAPI document with Redocly (recommended ruleset, redocly.yaml) and Spectral (spectral:oas,
# .spectral.yaml). Exits non-zero when either linter reports an error; warnings are printed but do not fail.
#
#   tools/openapi/lint.sh                     # lints <repo>/artifacts/openapi/v1.json
#   tools/openapi/lint.sh path/to/v1.json
#
# The default document is written by the test GridGov.Tests.Api.OpenApiDocumentTests:
#   dotnet test tests/GridGov.Tests --filter "FullyQualifiedName~OpenApiDocumentTests"
# or fetch it from a running API: curl -o v1.json http://127.0.0.1:PORT/openapi/v1.json
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"

document="${1:-$repo_root/artifacts/openapi/v1.json}"
if [ ! -f "$document" ]; then
  echo "lint.sh: no OpenAPI document at $document" >&2
  echo "lint.sh: write it with: dotnet test tests/GridGov.Tests --filter \"FullyQualifiedName~OpenApiDocumentTests\"" >&2
  exit 2
fi
document="$(cd "$(dirname "$document")" && pwd)/$(basename "$document")"

# No telemetry, update checks or install-time analytics: only the npm registry is reachable from CI.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export SCARF_ANALYTICS=false
export DO_NOT_TRACK=1
export NO_UPDATE_NOTIFIER=1

cd "$here"
if [ ! -x node_modules/.bin/redocly ] || [ ! -x node_modules/.bin/spectral ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "lint.sh: installing the linters (npm ci)" >&2
  npm ci --no-audit --no-fund --ignore-scripts --prefer-offline
fi

status=0

echo "== Redocly (recommended) on $document"
node_modules/.bin/redocly lint --config redocly.yaml --format stylish "$document" || status=1

echo "== Spectral (spectral:oas) on $document"
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity error "$document" || status=1

if [ "$status" -ne 0 ]; then
  echo "lint.sh: the OpenAPI document has lint errors" >&2
else
  echo "lint.sh: no lint errors"
fi
exit "$status"
