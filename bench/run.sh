#!/usr/bin/env bash
# bench/run.sh prints the ratios issue 15 asks for, each against a baseline
# measured in the same run on the same machine, as markdown:
#
#  1. import: `reconi users import` of ROWS generated rows (embedded SQLite)
#     against `sqlite3 .import` of the same file into
#     bench/sqlite-baseline.sql's table (target: within 3×);
#  2. serve: requests per second and p99 of `reconi serve` for GET
#     /v1/applications (a list) and GET /v1/applications/{id}, against
#     bench/baseline, a bare net/http handler answering the same bytes, with
#     wrk -t2 -c32 (target: at least 20 %);
#  3. start-up: `reconi version` and `reconi --help` against a cobra
#     hello-world (bench/hello), hyperfine medians (target: at most 4×);
#  4. status at scale: `reconi status` on a database whose one application
#     has BIG_ROWS users (target: under 0.5 s at 1M), and the peak memory
#     of `reconi status ID -o json` (with -j; target: under 100 MB).
#
#	bench/run.sh [-n RUNS] [-r ROWS] [-b BIG_ROWS] [-d SECONDS] [-c CONNS] [-j] [-o FILE] [-k]
#
#	-n RUNS      repetitions of each timed command (default 3)
#	-r ROWS      rows of the import file (default 100000)
#	-b BIG_ROWS  users of the status-at-scale application (default 1000000;
#	             0 skips it)
#	-d SECONDS   length of each wrk run (default 10)
#	-c CONNS     connections wrk keeps open over 2 threads (default 32)
#	-j           also time `reconi status ID -o json` of the big application
#	             (about 15 s at 1M users)
#	-o FILE      also write the markdown to FILE
#	-k           keep the work directory (printed on stderr)
#
# It needs Go, GNU time, sqlite3, wrk, hyperfine and curl; as root with
# apt-get it installs the Debian packages time, sqlite3, wrk, hyperfine and
# curl itself. About 4 minutes with the defaults on two cores. Everything
# runs on 127.0.0.1 in a work directory of its own; docs/benchmarks.md
# explains the figures and records the last run. Other work on the machine
# moves every figure: the report prints the load average.
set -euo pipefail

runs=3 rows=100000 big=1000000 secs=10 conns=32 json=0 out="" keep=0
while getopts "n:r:b:d:c:jo:kh" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rows=$OPTARG ;;
	b) big=$OPTARG ;;
	d) secs=$OPTARG ;;
	c) conns=$OPTARG ;;
	j) json=1 ;;
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
GNU_TIME=$(gnu_time)
need_tool sqlite3 sqlite3 || die "sqlite3 is needed for the import baseline: apt-get install -y sqlite3"
need_tool wrk wrk || die "wrk is needed for requests per second: apt-get install -y wrk"
need_tool hyperfine hyperfine || die "hyperfine is needed for start-up: apt-get install -y hyperfine"
need_tool curl curl || die "curl is needed: apt-get install -y curl"

work=$(mktemp -d "${TMPDIR:-/tmp}/reconi-run.XXXXXX")
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
results=$work/results.txt rps=$work/rps.txt
: >"$results"
: >"$rps"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
started=$(date +%s)

say "building reconi (CGO_ENABLED=0), the generator, the seeder, the baseline server and the hello-world"
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -o "$work/reconi" . &&
	go build -o "$work/gen" ./bench/gen && go build -o "$work/seed" ./bench/seed &&
	go build -o "$work/baseline" ./bench/baseline && CGO_ENABLED=0 go build -trimpath -o "$work/hello" ./bench/hello)
reconi=$work/reconi

# 1. Import against sqlite3 .import, alternating, each on a new database.
csv=$work/users-$rows.csv
say "generating $rows rows"
"$work/gen" -rows "$rows" -o "$csv"
import_once() {
	local label=$1 file=$2 n=$3 dir=$work/import
	serve_home "$dir" "$reconi"
	"${RECONI[@]}" org select "$KVK_A" --level EH3 >>"$BENCH_LOG" 2>&1
	: >"$work/last.log"
	BENCH_LOG=$work/last.log measure "$results" "$label" "${RECONI[@]}" users import "$file" ||
		die "reconi users import failed: $(tail -5 "$work/last.log")"
	grep -q "Added $n users" "$work/last.log" || die "reconi did not add $n users: $(tail -5 "$work/last.log")"
}
baseline_once() {
	local db=$work/baseline.db
	rm -f "$db" "$db-wal" "$db-shm"
	: >"$work/last.log"
	BENCH_LOG=$work/last.log measure "$results" "sqlite3 .import" \
		sqlite3 "$db" ".read \"$bench_dir/sqlite-baseline.sql\"" ".import --csv --skip 1 \"$csv\" users" ||
		die "sqlite3 .import failed: $(tail -5 "$work/last.log")"
	[ ! -s "$work/last.log" ] || die "sqlite3 .import complained: $(head -5 "$work/last.log")"
}
say "import: one warm-up, then $runs runs each"
import_once warmup "$csv" "$rows"
baseline_once
sed -i '/^sqlite3 .import\t/d' "$results"
for i in $(seq "$runs"); do
	import_once "reconi users import" "$csv" "$rows"
	baseline_once
done

# 2. Serve against the bare handler.
say "serve: seeding 1000 + 20 applications through the API"
sdir=$work/serve
serve_home "$sdir" "$reconi"
serve_start "$sdir"
pids+=("$SERVE_PID")
"$work/seed" -server "$SERVE_URL" -token "$TOKEN" -kvk "$KVK_A" -apps 1000 -users 2 -submit-every 10 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"
"$work/seed" -server "$SERVE_URL" -token "$TOKEN" -kvk "$KVK_B" -apps 20 -users 5 -submit-every 4 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"
serve_vs_baseline "$work" "$rps" "$secs" "$conns"
kill -TERM "$SERVE_PID" 2>/dev/null || true

# 3. Start-up against a cobra hello-world, in one hyperfine run.
say "start-up: hyperfine"
(
	cd "$work"
	export HOME=$work/startup XDG_CONFIG_HOME=$work/startup/config NO_COLOR=1
	unset RECONI_SERVER RECONI_DB RECONI_PROFILE RECONI_CONFIG
	hyperfine -N --warmup 20 --runs 200 --style basic --export-json "$work/startup.json" \
		-n "hello-world version" "$work/hello version" -n "reconi version" "$reconi version" \
		-n "reconi --help" "$reconi --help" >>"$BENCH_LOG" 2>&1
) || die "hyperfine failed: $(tail -5 "$BENCH_LOG")"

# 4. Status with one application of BIG_ROWS users.
if [ "$big" -gt 0 ]; then
	say "status at scale: importing $big users into one draft"
	"$work/gen" -rows "$big" -o "$work/big.csv"
	import_once "reconi users import ($big rows)" "$work/big.csv" "$big"
	rm -f "$work/big.csv"
	app=$("${RECONI[@]}" status --all -o json --jq '.[0].id // .applications[0].id' 2>>"$BENCH_LOG")
	for i in $(seq "$runs"); do
		measure "$results" "reconi status" "${RECONI[@]}" status --all || die "reconi status failed"
	done
	if [ "$json" = 1 ]; then
		measure "$results" "reconi status ID -o json" "${RECONI[@]}" status "$app" -o json || die "reconi status ID failed"
	fi
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
took=$(($(date +%s) - started))

# hf_median NAME prints the hyperfine median of NAME in milliseconds.
hf_median() {
	python3 -c 'import json,sys; r={x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}; print("%.2f" % (r[sys.argv[2]]["median"] * 1000))' \
		"$work/startup.json" "$1"
}

report() {
	echo "## bench/run.sh (issue 15), $(date -u +%Y-%m-%d)"
	echo
	machine | sed "s|^- load average at start: .*|- load average (1, 5, 15 min) at start: $load_start; at the end: $load_end|"
	echo "- command: \`bench/run.sh -n $runs -r $rows -b $big -d $secs -c $conns$([ "$json" = 1 ] && echo " -j")\`; $took s in all"
	echo
	echo "### Ratios"
	echo
	echo "| what | reconi | baseline | ratio | target |"
	echo "| --- | --- | --- | --- | --- |"
	awk -v r="$(median_wall "$results" "reconi users import")" -v s="$(median_wall "$results" "sqlite3 .import")" -v n="$rows" \
		'BEGIN { printf "| import, %d rows, median wall | %.2f s | %.2f s (sqlite3 .import) | **%.1f×** | ≤ 3× |\n", n, r, s, (s > 0 ? r / s : 0) }'
	awk -F'\t' '
		$1 ~ /^baseline / { k = substr($1, 10); b[k] += $2; nb[k]++ }
		$1 ~ /^reconi / { k = substr($1, 8); r[k] = $2; p[k] = $4 }
		END {
			for (k in r) if (nb[k]) printf "| serve, GET %s, req/s (p99) | %d (%.1f ms) | %d (bare net/http) | **%.0f %%** | ≥ 20 %% |\n",
				(k == "list" ? "/v1/applications" : "/v1/applications/{id}"), r[k], p[k], b[k] / nb[k], 100 * r[k] / (b[k] / nb[k])
		}
	' "$rps" | sort
	local h v hp
	h=$(hf_median "hello-world version") v=$(hf_median "reconi version") hp=$(hf_median "reconi --help")
	awk -v h="$h" -v v="$v" -v hp="$hp" 'BEGIN {
		printf "| start-up, `reconi version`, median | %.1f ms | %.1f ms (cobra hello-world) | **%.1f×** | ≤ 4× |\n", v, h, v / h
		printf "| start-up, `reconi --help`, median | %.1f ms | %.1f ms (cobra hello-world) | **%.1f×** | ≤ 4× |\n", hp, h, hp / h
	}'
	if [ "$big" -gt 0 ]; then
		awk -v s="$(median_wall "$results" "reconi status")" -v n="$big" \
			'BEGIN { printf "| `reconi status`, one application of %d users, median wall | %.2f s | | | < 0.5 s |\n", n, s }'
		if [ "$json" = 1 ]; then
			awk -F'\t' '$1 == "reconi status ID -o json" { printf "| `reconi status ID -o json` of it | %.1f s, %.0f MB peak RSS | | | < 100 MB |\n", $2, $4 / 1024 }' "$results"
		fi
	fi
	echo
	echo "### Import"
	echo
	echo "| command | runs | wall time, median (range) | rows/s | CPU time (user+sys), median | peak RSS |"
	echo "| --- | --- | --- | --- | --- | --- |"
	summarize "$results" "reconi users import" "$rows"
	summarize "$results" "sqlite3 .import" "$rows"
	[ "$big" -gt 0 ] && summarize "$results" "reconi users import ($big rows)" "$big"
	echo
	echo "### Serve"
	echo
	rps_table "$rps" "$secs" "$conns"
	echo
	echo "### Start-up (hyperfine -N, 200 runs after 20 warm-up runs)"
	echo
	python3 -c 'import json,sys
print("| command | median | mean ± σ | user | system |")
print("| --- | --- | --- | --- | --- |")
for x in json.load(open(sys.argv[1]))["results"]:
    print("| %s | %.2f ms | %.2f ± %.2f ms | %.2f ms | %.2f ms |" % (x["command"], x["median"]*1e3, x["mean"]*1e3, x["stddev"]*1e3, x["user"]*1e3, x["system"]*1e3))' "$work/startup.json"
}

if [ -n "$out" ]; then report | tee "$out"; else report; fi
