#!/usr/bin/env bash
# bench/complete.sh: how long dynamic shell completion takes on a database
# of APPS applications (issue 13, item 8: under 200 ms on 10,000).
#
#	bench/complete.sh            # 10,000 applications, 15 runs of each completion
#	bench/complete.sh -a 2000 -n 5
#
# It builds reconi and bench/seed, seeds APPS applications of one
# organisation (two users each, every tenth submitted) through a reconi
# serve on loopback, then times `reconi __complete ...` (what the shell runs
# on TAB) as whole processes, embedded and against the server, and prints a
# markdown table of median and slowest wall times. Everything runs in a work
# directory of its own (env -i: no RECONI_* or config of the caller).
set -euo pipefail
bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench_dir")
# shellcheck source=bench/lib.sh
. "$bench_dir/lib.sh"

apps=10000 runs=15
while getopts "a:n:h" opt; do
	case $opt in
	a) apps=$OPTARG ;;
	n) runs=$OPTARG ;;
	*) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done

work=$(mktemp -d)
BENCH_LOG=$work/bench.log
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

say "building reconi and the seeder"
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$work/reconi" . && go build -o "$work/seed" ./bench/seed)
dir=$work/home
mkdir -p "$dir"
R=(env -i PATH="$PATH" HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data"
	XDG_STATE_HOME="$dir/state" RECONI_DB="$dir/reconi.db" NO_COLOR=1 "$work/reconi")
kvk=12345678
"${R[@]}" org register --kvk "$kvk" --name "Bench A BV" >>"$BENCH_LOG" 2>&1
token=$("${R[@]}" tokens create --role manager --org "$kvk" --name bench -o json --jq .token 2>>"$BENCH_LOG")
"${R[@]}" serve --addr 127.0.0.1:0 --log-format json >/dev/null 2>"$dir/serve.log" &
pids+=("$!")
addr=""
for _ in $(seq 300); do
	addr=$(sed -n 's/.*"msg":"serving","addr":"\([^"]*\)".*/\1/p' "$dir/serve.log" | head -1)
	[ -z "$addr" ] || break
	sleep 0.1
done
case $addr in 127.0.0.1:*) ;; *) die "reconi serve did not start on loopback: $(tail -3 "$dir/serve.log")" ;; esac
url=http://$addr

say "seeding $apps applications"
"$work/seed" -server "$url" -token "$token" -kvk "$kvk" -apps "$apps" -users 2 -submit-every 10 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"
# The current draft, for the emails of users remove.
"${R[@]}" org select "$kvk" --level EH3 >>"$BENCH_LOG" 2>&1
"${R[@]}" users add --first-name Anna --last-name Vries --email anna@example.nl --phone 0623456789 --employed=true >>"$BENCH_LOG" 2>&1
last=$("${R[@]}" status --all -o json --jq '.[-1].id' 2>>"$BENCH_LOG" || echo "$apps")

# time_ms CMD...: the wall time of one run in milliseconds.
time_ms() {
	local s e
	s=$(date +%s%N)
	"$@" >"$work/out" 2>/dev/null
	e=$(date +%s%N)
	echo $(((e - s) / 1000000))
}

# bench LABEL ARGS...: RUNS runs of reconi __complete ARGS, embedded and
# remote; one row each.
bench() {
	local label=$1 mode args t i
	shift
	for mode in embedded remote; do
		args=()
		[ "$mode" = remote ] && args=(--server "$url" --token "$token")
		time_ms "${R[@]}" "${args[@]}" __complete "$@" >/dev/null # warm
		local n
		n=$(grep -vc '^:' "$work/out" || true)
		local ts=()
		for i in $(seq "$runs"); do ts+=("$(time_ms "${R[@]}" "${args[@]}" __complete "$@")"); done
		printf '%s\n' "${ts[@]}" | sort -n | awk -v l="$label" -v m="$mode" -v n="$n" '
			{ v[NR] = $1 } END { printf "| %s | %s | %d | %d ms | %d ms |\n", l, m, n, v[int((NR + 1) / 2)], v[NR] }'
	done
}

say "timing completions ($runs runs each); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| completion | backend | suggestions | median | slowest |"
echo "| --- | --- | --- | --- | --- |"
bench 'status TAB (first 100 IDs)' status ''
bench "status ${last:0:2}TAB (IDs from ${last:0:2})" status "${last:0:2}"
bench "status ${last}TAB" status "$last"
bench 'users add --draft TAB (drafts)' users add --draft ''
bench 'org select TAB (KvK)' org select ''
bench 'invite resend 10 --email TAB' invite resend 10 --email ''
bench 'users remove TAB (current draft)' users remove ''
bench 'permissions set --service TAB' permissions set --service ''
bench 'baseline: outbox list --state TAB (fixed, no database)' outbox list --state ''
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
