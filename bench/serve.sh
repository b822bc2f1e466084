#!/usr/bin/env bash
# bench/serve.sh measures requests per second and latency of `reconi serve`
# next to bench/baseline, a bare net/http server answering the same bytes,
# in one run, and prints the figures as markdown (issue 15, item 2).
#
#	bench/serve.sh [-d SECONDS] [-c CONNS] [-a APPS] [-o FILE] [-k]
#
#	-d SECONDS   length of each wrk run (default 10)
#	-c CONNS     connections wrk keeps open, over 2 threads (default 32)
#	-a APPS      applications of a first organisation seeded around the
#	             measured ones, so the tables are not tiny (default 1000)
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

secs=10 conns=32 apps=1000 out="" keep=0
while getopts "d:c:a:o:kh" opt; do
	case $opt in
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

serve_vs_baseline "$work" "$rps" "$secs" "$conns"
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

report() {
	echo "## reconi serve against a bare net/http handler, $(date -u +%Y-%m-%d)"
	echo
	machine | sed "s|^- load average at start: .*|- load average (1, 5, 15 min) at start: $load_start; at the end: $load_end|"
	echo "- command: \`bench/serve.sh -d $secs -c $conns -a $apps\`"
	echo
	rps_table "$rps" "$secs" "$conns"
	echo
	rps_ratios "$rps"
}
if [ -n "$out" ]; then report | tee "$out"; else report; fi
