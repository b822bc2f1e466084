#!/usr/bin/env bash
# A complete onboarding on the embedded SQLite backend, from the shipped
# example data: register an organisation, select it, import users, set
# permissions, agree and submit, then look at "Applications in progress".
#
# Everything goes into a fresh temporary directory unless RECONI_DB is set.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
export RECONI_DB="${RECONI_DB:-$work/reconi.db}"
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
go build -o "$work/reconi" .
reconi() { echo "\$ reconi $*" >&2; "$work/reconi" "$@"; }

reconi org register --kvk 69599084 --name "Test EMZ Dagobert" --branch 000037178598
reconi org select 69599084 --level EH3
reconi users import docs/examples/users.csv
reconi users add --first-name Eva --last-name Visser --email eva.visser@example.nl \
  --phone "06 21234567" --employed=true
reconi permissions set --all-services --validity 3y
reconi apply --agree-terms --max-price 2000
reconi status
echo >&2
echo "Database: $RECONI_DB (try: RECONI_DB=$RECONI_DB $work/reconi status 1)" >&2
