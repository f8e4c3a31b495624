#!/usr/bin/env bash
# Generates a TypeScript client from GridGov's OpenAPI document (openapi-typescript for the types, openapi-fetch for
# the calls) and type-checks main.ts, a program making the main calls with only the fields each needs, with
# `tsc --strict`. Fails when the document misleads a typed client: a member the server treats as optional shown as
# required, a number typed `number | string`, or a main operation missing or renamed.
#
#   tools/openapi/client/check.sh                     # checks <repo>/artifacts/openapi/v1.json
#   tools/openapi/client/check.sh path/to/v1.json
#
# The default document is written by the test GridGov.Tests.Api.OpenApiDocumentTests (./test.sh runs this script
# after the OpenAPI lint).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"

document="${1:-$repo_root/artifacts/openapi/v1.json}"
if [ ! -f "$document" ]; then
  echo "check.sh: no OpenAPI document at $document" >&2
  echo "check.sh: write it with: dotnet test tests/GridGov.Tests --filter \"FullyQualifiedName~OpenApiDocumentTests\"" >&2
  exit 2
fi
document="$(cd "$(dirname "$document")" && pwd)/$(basename "$document")"

export DO_NOT_TRACK=1
export NO_UPDATE_NOTIFIER=1

cd "$here"
if [ ! -x node_modules/.bin/openapi-typescript ] || [ ! -x node_modules/.bin/tsc ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "check.sh: installing openapi-typescript, openapi-fetch and typescript (npm ci)" >&2
  npm ci --no-audit --no-fund --ignore-scripts --prefer-offline
fi

echo "== openapi-typescript on $document"
mkdir -p generated
node_modules/.bin/openapi-typescript "$document" --output generated/v1.d.ts

echo "== tsc --strict on main.ts"
if ! node_modules/.bin/tsc --strict --noEmit -p tsconfig.json; then
  echo "check.sh: a typed client generated from the OpenAPI document cannot make GridGov's main calls (above)" >&2
  exit 1
fi
echo "check.sh: the generated client type-checks"
