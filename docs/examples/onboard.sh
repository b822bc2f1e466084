#!/usr/bin/env bash
# A complete onboarding on the embedded SQLite backend, from the shipped
# example data. The authorization manager registers the organisation,
# selects it, imports users, sets permissions, agrees and submits. Then two
# users take their steps from the invitation email, as `reconi invite` does
# them in a terminal: Jan (employed) confirms his details, enters the code
# from the SMS and orders, and is issued at once; Sanne (not employed)
# orders, is identified by the broker's partner and passes the final check.
# It ends with `reconi status`: two users issued, the others invited.
#
# With nothing configured, reconi's outbox is the delivery: the invitation
# emails, SMS codes and identification requests are read from it here.
#
# Everything happens in a fresh temporary directory, removed at the end.
# Nothing of the caller's reconi setup is used: every RECONI_* variable is
# ignored and the configuration, state and data directories are the
# temporary ones, so your own database, profiles and server are never
# touched. KEEP=1 keeps the directory to look around afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

# None of the caller's settings: RECONI_DB, RECONI_SERVER, RECONI_TOKEN,
# RECONI_PROFILE, RECONI_CONFIG and every other RECONI_* variable, nor CI
# (which turns prompts into errors; this script never prompts anyway).
for v in $(compgen -e); do
  case $v in RECONI_*) unset "$v" ;; esac
done
unset CI

work=$(mktemp -d "${TMPDIR:-/tmp}/reconi-onboard.XXXXXX")
cleanup() {
  if [ "${KEEP:-}" = 1 ]; then
    echo "Kept $work (RECONI_DB=$work/reconi.db XDG_CONFIG_HOME=$work/config $work/reconi status)" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# It starts no background process: an interrupted go build or reconi stops
# with the script, and the EXIT trap still removes the directory.
trap 'exit 130' INT TERM

export RECONI_DB="$work/reconi.db"
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data"

echo "Building reconi into $work (the first build downloads and compiles its modules: a minute or two)..." >&2
go build -o "$work/reconi" .

# HOME too is the temporary one for reconi itself (go build above keeps the
# caller's, for its cache).
reconi() { echo "\$ reconi $*" >&2; HOME="$work/home" "$work/reconi" "$@"; }
say() { printf '\n## %s\n' "$*" >&2; }
# quiet runs reconi without echoing the command: for reading the outbox.
quiet() { HOME="$work/home" "$work/reconi" "$@"; }

say "The authorization manager: organisation, users, permissions, agreement"
reconi org register --kvk 69599084 --name "Test EMZ Dagobert" --branch 000037178598
reconi org select 69599084 --level EH3
reconi users import docs/examples/users.csv
reconi users add --first-name Eva --last-name Visser --email eva.visser@example.nl \
  --phone "06 21234567" --employed=true
reconi permissions set --all-services --validity 3y
reconi apply --agree-terms --max-price 2000
app=$(quiet status -o json --jq '.[0].id')

say "Every user gets an invitation email; with no SMTP server configured it stays in the outbox"
reconi outbox list --channel email --limit 3
jan=jan.jansen@example.nl
id=$(quiet outbox list --to "$jan" --channel email -o json --jq '.[-1].id')
reconi outbox show "$id"
# The link is the user's key: it goes to reconi on standard input ("-").
link() { quiet outbox list --to "$1" --channel email -o json --jq '.[-1].body' | grep -Eo 'https?://[^[:space:]]+/invite/[A-Za-z0-9_-]+'; }
code() { quiet outbox list --to "$1" --channel sms -o json --jq '.[-1].body' | grep -Eo '\b[0-9]{6}\b' | head -n 1; }

say "Jan (employed) follows his link: checks, confirms, enters the SMS code, orders"
link "$jan" >"$work/jan.link"
reconi invite show - <"$work/jan.link"
reconi invite confirm - <"$work/jan.link"
reconi outbox list --to "+31612345678" --channel sms
reconi invite verify - --code "$(code +31612345678)" <"$work/jan.link"
reconi invite order - <"$work/jan.link"

say "Sanne (not employed) does the same, then identifies with the broker's partner"
sanne=sanne.devries@example.nl
link "$sanne" >"$work/sanne.link"
reconi invite confirm - <"$work/sanne.link"
reconi invite verify - --code "$(code +31623456789)" <"$work/sanne.link"
reconi invite order - <"$work/sanne.link"
reconi outbox list --channel identification
user=$(quiet status "$app" --email "$sanne" -o json --jq '.users[0].id')

say "The broker's operators record the identification and approve the final check"
reconi identification complete "$user" --result passed
reconi review list
reconi review approve "$user"

say "Application $app: each user's state and the history of every change"
reconi status "$app"

say "Applications in progress"
reconi status
