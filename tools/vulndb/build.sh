#!/usr/bin/env bash
# Builds a Go vulnerability database locally and runs govulncheck against it:
# no network but the Go module proxy, which serves the data as the module
# golang.org/x/vulndb (its data/osv/*.json) and the tool as golang.org/x/vuln.
#
#   tools/vulndb/build.sh            # build, then govulncheck ./...
#   VULNDB_SRC=/mirror/osv tools/vulndb/build.sh   # entries from a mirror instead
#   VULNDB_OUT=/srv/vulndb tools/vulndb/build.sh -show verbose
#
# Environment: VULNDB_VERSION (default latest) and GOVULNCHECK_VERSION
# (default v1.9.0) pin what is fetched; VULNDB_SRC is a folder of OSV
# entries to use instead of the module; VULNDB_OUT is where the database
# goes (default a temporary folder). Arguments go to govulncheck. The exit
# status is govulncheck's: 3 when the code calls a vulnerable symbol.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
vulndb_version=${VULNDB_VERSION:-latest}
govulncheck_version=${GOVULNCHECK_VERSION:-v1.9.0}
out=${VULNDB_OUT:-$(mktemp -d)/vulndb}

src=${VULNDB_SRC:-}
modified=()
if [ -z "$src" ]; then
  # Outside the module, so that go.mod is left alone.
  info=$(cd "$(mktemp -d)" && go mod download -json "golang.org/x/vulndb@$vulndb_version")
  dir=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  version=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Version": "\(.*\)",$/\1/p')
  src=$dir/data/osv
  # The entries leave "modified" to the deployed database: use the
  # module's commit time, the date of the data.
  stamp=${version#v0.0.0-}; stamp=${stamp%%-*}
  if [[ $stamp =~ ^[0-9]{14}$ ]]; then
    modified=(-modified "${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:8:2}:${stamp:10:2}:${stamp:12:2}Z")
  fi
  echo "vulnerability data: golang.org/x/vulndb@$version" >&2
fi

go run ./tools/vulndb -src "$src" -out "$out" "${modified[@]}"
echo "database: $out" >&2
# Installed, not run with go run, so that its exit status comes through.
bin=$(mktemp -d)
GOBIN=$bin go install "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version"
exec "$bin/govulncheck" -db "file://$out" "$@" ./...
