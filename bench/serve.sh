#!/usr/bin/env bash
# bench/serve.sh measures requests per second and latency of `reconi serve`
# next to bench/baseline, a bare net/http server answering the same bytes,
# in one run, and prints the figures as markdown (issue 15, item 2).
#
#	bench/serve.sh [-d SECONDS] [-c CONNS] [-a APPS] [-B REV] [-r ROUNDS] [-o FILE] [-k]
#
#	-d SECONDS   length of each wrk run (default 10)
#	-c CONNS     connections wrk keeps open, over 2 threads (default 32)
#	-a APPS      applications of a first organisation seeded around the
#	             measured ones, so the tables are not tiny (default 1000)
#	-B REV       also measure reconi as of git revision REV (built from
#	             `git archive REV`), on a copy of the same database,
#	             interleaved with the current tree: before and after in one run
#	-r ROUNDS    rounds of runs with -B (default 2)
#	-o FILE      also write the markdown to FILE
#	-k           keep the work directory (printed on stderr)
#
# It builds reconi and bench/baseline, seeds a database through the API of
# `reconi serve` (bench/seed: APPS applications of organisation A, and 20
# applications of five users of organisation B), and runs wrk -t2 -cCONNS
# --latency against GET /v1/applications?kvk=B (the list) and GET
# /v1/applications/{id} (one of B's applications) with a manager token,
# and against the baseline serving the bytes reconi answered (checked with
# cmp). The baseline runs before and after reconi, so a change of load shows.
set -euo pipefail

secs=10 conns=32 apps=1000 out="" keep=0 before="" rounds=2
while getopts "d:c:a:B:r:o:kh" opt; do
	case $opt in
	B) before=$OPTARG ;;
	r) rounds=$OPTARG ;;
	d) secs=$OPTARG ;;
	c) conns=$OPTARG ;;
	a) apps=$OPTARG ;;
	o) out=$OPTARG ;;
	k) keep=1 ;;
	h) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$bench_dir/.." && pwd)
# shellcheck source=bench/lib.sh
. "$bench_dir/lib.sh"

command -v go >/dev/null || die "go is not on PATH"
need_tool wrk wrk || die "wrk is needed: apt-get install -y wrk"
need_tool curl curl || die "curl is needed: apt-get install -y curl"

work=$(mktemp -d "${TMPDIR:-/tmp}/reconi-serve.XXXXXX")
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ "$keep" = 1 ]; then say "work directory: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export BENCH_LOG=$work/commands.log
rps=$work/rps.txt
: >"$rps"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

say "building reconi, the seeder and the baseline server"
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$work/reconi" . &&
	go build -o "$work/seed" ./bench/seed && go build -o "$work/baseline" ./bench/baseline)
reconi=$work/reconi
dir=$work/home
serve_home "$dir" "$reconi"
serve_start "$dir"
pids+=("$SERVE_PID")

say "seeding $apps + 20 applications through the API"
"$work/seed" -server "$SERVE_URL" -token "$TOKEN" -kvk "$KVK_A" -apps "$apps" -users 2 -submit-every 10 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"
"$work/seed" -server "$SERVE_URL" -token "$TOKEN" -kvk "$KVK_B" -apps 20 -users 5 -submit-every 4 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"

if [ -z "$before" ]; then
	serve_vs_baseline "$work" "$rps" "$secs" "$conns"
else
	say "building reconi as of $before"
	mkdir -p "$work/src-before"
	(cd "$repo" && git archive "$before") | tar -x -C "$work/src-before"
	(cd "$work/src-before" && CGO_ENABLED=0 go build -trimpath -o "$work/reconi-before" .)
	after_url=$SERVE_URL after_token=$TOKEN
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID" 2>/dev/null || true
	cp -r "$dir" "$work/home-before"
	serve_start "$dir"
	pids+=("$SERVE_PID")
	after_url=$SERVE_URL after_token=$TOKEN
	bdir=$work/home-before
	RECONI=(env -i PATH="$PATH" HOME="$bdir" XDG_CONFIG_HOME="$bdir/config" XDG_DATA_HOME="$bdir/data"
		XDG_STATE_HOME="$bdir/state" RECONI_DB="$bdir/reconi.db" NO_COLOR=1 CI=true "$work/reconi-before")
	serve_start "$bdir"
	pids+=("$SERVE_PID")
	before_url=$SERVE_URL before_token=$TOKEN
	auth_a="Authorization: Bearer $after_token" auth_b="Authorization: Bearer $before_token"
	curl -fsS -H "$auth_a" "$after_url/v1/applications?kvk=$KVK_B" >"$work/list.json"
	one=$(first_draft "$work/list.json" || true)
	curl -fsS -H "$auth_a" "$after_url/v1/applications/$one" >"$work/one.json"
	cmp -s <(curl -fsS -H "$auth_b" "$before_url/v1/applications?kvk=$KVK_B") "$work/list.json" ||
		say "note: $before answers the list with other bytes"
	cmp -s <(curl -fsS -H "$auth_b" "$before_url/v1/applications/$one") "$work/one.json" ||
		say "note: $before answers the application with other bytes"
	LIST_BYTES=$(wc -c <"$work/list.json") ONE_BYTES=$(wc -c <"$work/one.json")
	"$work/baseline" -json "$work/list.json" -one "$work/one.json" -addr 127.0.0.1:0 >"$work/baseline.addr" 2>>"$BENCH_LOG" &
	pids+=("$!")
	for i in $(seq 100); do
		[ -s "$work/baseline.addr" ] && break
		sleep 0.1
	done
	base=http://$(head -1 "$work/baseline.addr")
	say "requests per second: wrk -t2 -c$conns -d${secs}s, $rounds rounds of six runs"
	for i in $(seq "$rounds"); do
		wrk_run "$rps" "baseline list" "$base/v1/applications" "$secs" "$conns"
		wrk_run "$rps" "before list" "$before_url/v1/applications?kvk=$KVK_B" "$secs" "$conns" "$auth_b"
		wrk_run "$rps" "reconi list" "$after_url/v1/applications?kvk=$KVK_B" "$secs" "$conns" "$auth_a"
		wrk_run "$rps" "baseline one" "$base/v1/applications/$one" "$secs" "$conns"
		wrk_run "$rps" "before one" "$before_url/v1/applications/$one" "$secs" "$conns" "$auth_b"
		wrk_run "$rps" "reconi one" "$after_url/v1/applications/$one" "$secs" "$conns" "$auth_a"
	done
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

report() {
	echo "## reconi serve against a bare net/http handler, $(date -u +%Y-%m-%d)"
	echo
	machine | sed "s|^- load average at start: .*|- load average (1, 5, 15 min) at start: $load_start; at the end: $load_end|"
	echo "- command: \`bench/serve.sh -d $secs -c $conns -a $apps${before:+ -B $before -r $rounds}\`"
	[ -z "$before" ] || echo "- before: $before ($(cd "$repo" && git log -1 --format='%h %s' "$before" | cut -c1-70)); reconi: the working tree"
	echo
	rps_table "$rps" "$secs" "$conns"
	echo
	rps_ratios "$rps"
}
if [ -n "$out" ]; then report | tee "$out"; else report; fi
