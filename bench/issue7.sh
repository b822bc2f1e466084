#!/usr/bin/env bash
# bench/issue7.sh is the one reproducible benchmark run of issue 7: every
# figure next to a baseline measured in the same run, printed as markdown.
#
#	bench/issue7.sh [-n RUNS] [-r ROWS] [-b BIG_ROWS] [-a APPS] [-d SECONDS] [-c CONNS] [-o FILE] [-k]
#
#	-n RUNS      repetitions of each timed command (default 3)
#	-r ROWS      rows of the import file (default 100000)
#	-b BIG_ROWS  rows of the big import file, one run each (default 1000000; 0 skips it)
#	-a APPS      applications `reconi status` lists (default 10000)
#	-d SECONDS   length of each requests-per-second run (default 10)
#	-c CONNS     connections wrk keeps open (default 8)
#	-o FILE      also write the markdown to FILE
#	-k           keep the work directory (printed on stderr)
#
# What it measures, all on 127.0.0.1 and in a work directory of its own:
#
#  1. import of ROWS and BIG_ROWS generated rows (bench/gen): `reconi users
#     import` embedded (SQLite), the same through `reconi serve` with a
#     token (remote), and `sqlite3 .import` of the same CSV (baseline);
#  2. `reconi status` listing APPS applications (seeded through the API by
#     bench/seed): embedded table and JSON, remote JSON, and the sqlite3
#     shell running the same two queries as JSON (baseline);
#  3. requests per second of reconi serve (wrk): GET /v1/applications, GET
#     /v1/applications/{id} and GET /healthz, next to bench/baseline, a bare
#     net/http server answering GET /v1/applications with the same JSON.
#
# It needs Go, GNU time, sqlite3, wrk and curl; as root with apt-get it
# installs the last four (Debian packages time, sqlite3, wrk, curl). It
# takes about four minutes with the defaults on two cores. docs/benchmarks.md
# explains the figures and records the last run.
set -euo pipefail

runs=3 rows=100000 big=1000000 apps=10000 secs=10 conns=8 out="" keep=0
while getopts "n:r:b:a:d:c:o:kh" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rows=$OPTARG ;;
	b) big=$OPTARG ;;
	a) apps=$OPTARG ;;
	d) secs=$OPTARG ;;
	c) conns=$OPTARG ;;
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
need_tool sqlite3 sqlite3 || die "sqlite3 is needed for the baselines: apt-get install -y sqlite3"
need_tool wrk wrk || die "wrk is needed for requests per second: apt-get install -y wrk"
need_tool curl curl || die "curl is needed to fetch the JSON the baseline serves: apt-get install -y curl"

work=$(mktemp -d "${TMPDIR:-/tmp}/reconi-run.XXXXXX")
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ "$keep" = 1 ]; then
		say "work directory: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
export BENCH_LOG=$work/commands.log
results=$work/results.txt
rps=$work/rps.txt
notes=$work/notes.txt
: >"$results"
: >"$rps"
: >"$notes"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
started=$(date +%s)

say "building reconi, the generator, the seeder and the baseline server"
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$work/reconi" . &&
	go build -o "$work/gen" ./bench/gen && go build -o "$work/seed" ./bench/seed &&
	go build -o "$work/baseline" ./bench/baseline)
reconi=$work/reconi

# reconi_in DIR sets RECONI to the command line that runs reconi with a
# configuration and database of its own in DIR, as bench/import.sh does.
reconi_in() {
	local dir=$1
	RECONI=(env -i PATH="$PATH" HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data"
		XDG_STATE_HOME="$dir/state" RECONI_DB="$dir/reconi.db" NO_COLOR=1 CI=true "$reconi")
}

# fresh DIR makes DIR a new, empty reconi home with organisations A and B
# registered, and sets RECONI for it.
kvk_a=12345678 kvk_b=87654321
fresh() {
	rm -rf "$1"
	mkdir -p "$1"
	reconi_in "$1"
	"${RECONI[@]}" org register --kvk "$kvk_a" --name "Bench A BV" >>"$BENCH_LOG" 2>&1
	"${RECONI[@]}" org register --kvk "$kvk_b" --name "Bench B BV" >>"$BENCH_LOG" 2>&1
}

# serve_start DIR starts reconi serve on DIR's database on a loopback port
# the kernel picks, with a manager token for A and B: it sets SERVE_PID,
# SERVE_URL and TOKEN. The request log goes to DIR/serve.log.
serve_start() {
	local dir=$1 addr="" i
	reconi_in "$dir"
	TOKEN=$("${RECONI[@]}" tokens create --role manager --org "$kvk_a" --org "$kvk_b" --name bench -o json --jq .token 2>>"$BENCH_LOG")
	"${RECONI[@]}" serve --addr 127.0.0.1:0 --log-format json >/dev/null 2>"$dir/serve.log" &
	SERVE_PID=$!
	pids+=("$SERVE_PID")
	for i in $(seq 300); do
		addr=$(sed -n 's/.*"msg":"serving","addr":"\([^"]*\)".*/\1/p' "$dir/serve.log" | head -1)
		[ -z "$addr" ] || break
		kill -0 "$SERVE_PID" 2>/dev/null || die "reconi serve exited: $(tail -3 "$dir/serve.log")"
		sleep 0.1
	done
	[ -n "$addr" ] || die "reconi serve did not start within 30 s: $(tail -3 "$dir/serve.log")"
	case $addr in 127.0.0.1:*) ;; *) die "reconi serve listens on $addr, not loopback" ;; esac
	SERVE_URL=http://$addr
}

# serve_stop stops the server with SIGTERM and waits for it, 60 s at most.
serve_stop() {
	local i
	kill -TERM "$SERVE_PID" 2>/dev/null || return 0
	for i in $(seq 600); do
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SERVE_PID" 2>/dev/null && { kill -KILL "$SERVE_PID"; die "reconi serve did not stop within 60 s"; }
	wait "$SERVE_PID" 2>/dev/null || true
}

# peak_rss PID prints the peak resident memory of a running process in MB.
peak_rss() {
	awk '/^VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

# new_draft prints the ID of a new draft for A, made with "${RECONI[@]}"
# plus any flags given (--server URL --token T for a remote draft).
new_draft() {
	"${RECONI[@]}" "$@" org select "$kvk_a" --level EH3 -o json --jq .id 2>>"$BENCH_LOG"
}

# import_embedded LABEL FILE N: a new database, then the timed import.
import_embedded() {
	local label=$1 file=$2 n=$3 dir=$work/embedded draft
	fresh "$dir"
	draft=$(new_draft)
	: >"$work/last.log"
	BENCH_LOG=$work/last.log measure "$results" "$label" "${RECONI[@]}" users import "$file" --draft "$draft" ||
		die "reconi users import failed: $(tail -5 "$work/last.log")"
	grep -q "Added $n users" "$work/last.log" || die "reconi did not add $n users: $(tail -5 "$work/last.log")"
	cat "$work/last.log" >>"$BENCH_LOG"
}

# import_remote LABEL FILE N: a new database served on loopback, then the
# timed import by a client process.
import_remote() {
	local label=$1 file=$2 n=$3 dir=$work/remote draft
	fresh "$dir"
	serve_start "$dir"
	draft=$(new_draft --server "$SERVE_URL" --token "$TOKEN")
	: >"$work/last.log"
	BENCH_LOG=$work/last.log measure "$results" "$label" \
		"${RECONI[@]}" --server "$SERVE_URL" --token "$TOKEN" users import "$file" --draft "$draft" ||
		die "remote reconi users import failed: $(tail -5 "$work/last.log")"
	grep -q "Added $n users" "$work/last.log" || die "the server did not add $n users: $(tail -5 "$work/last.log")"
	echo "$label: reconi serve peak RSS $(peak_rss "$SERVE_PID")" >>"$notes"
	cat "$work/last.log" >>"$BENCH_LOG"
	serve_stop
}

# import_baseline LABEL FILE: sqlite3 .import into a new file, as
# bench/import.sh does.
import_baseline() {
	local label=$1 file=$2 db=$work/baseline.db
	rm -f "$db" "$db-wal" "$db-shm"
	: >"$work/last.log"
	BENCH_LOG=$work/last.log measure "$results" "$label" \
		sqlite3 "$db" ".read \"$bench_dir/sqlite-baseline.sql\"" ".import --csv --skip 1 \"$file\" users" ||
		die "sqlite3 .import failed: $(tail -5 "$work/last.log")"
	[ ! -s "$work/last.log" ] || die "sqlite3 .import complained: $(head -5 "$work/last.log")"
}

# imports SIZE RUNS measures the three imports of a SIZE-row file, RUNS
# times each, alternating.
imports() {
	local n=$1 times=$2 csv=$work/users-$1.csv i
	say "generating $n rows"
	"$work/gen" -rows "$n" -o "$csv"
	for i in $(seq "$times"); do
		say "import of $n rows, run $i of $times"
		import_embedded "reconi users import, embedded ($n rows)" "$csv" "$n"
		import_remote "reconi users import, remote ($n rows)" "$csv" "$n"
		import_baseline "sqlite3 .import ($n rows)" "$csv"
	done
	rm -f "$csv"
}

say "warming up (file cache, first runs)"
"$work/gen" -rows 1000 -o "$work/warm.csv"
import_embedded warmup "$work/warm.csv" 1000
import_remote warmup "$work/warm.csv" 1000
imports "$rows" "$runs"
[ "$big" -gt 0 ] && imports "$big" 1

# status and requests per second share one database: APPS applications of
# A (two users each, every tenth submitted) and 20 of B (five users each),
# whose list is what the requests-per-second runs fetch.
say "seeding $apps applications through the API"
sdir=$work/status
fresh "$sdir"
serve_start "$sdir"
seed_start=$(date +%s.%N)
"$work/seed" -server "$SERVE_URL" -token "$TOKEN" -kvk "$kvk_a" -apps "$apps" -users 2 -submit-every 10 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"
"$work/seed" -server "$SERVE_URL" -token "$TOKEN" -kvk "$kvk_b" -apps 20 -users 5 -submit-every 4 2>>"$BENCH_LOG" ||
	die "seeding failed: $(tail -3 "$BENCH_LOG")"
awk -v s="$seed_start" -v e="$(date +%s.%N)" -v n="$apps" \
	'BEGIN { printf "seeding %d + 20 applications through the API: %.1f s\n", n, e - s }' >>"$notes"
total_apps=$((apps + 20))

# wrk_run LABEL URL [HEADER]: one wrk run; appends "label rps p50 p99
# non2xx" (milliseconds) to $rps.
wrk_run() {
	local label=$1 url=$2 hdr=${3:-} o=$work/wrk.out
	local args=(-t2 "-c$conns" "-d${secs}s" --latency)
	[ -z "$hdr" ] || args+=(-H "$hdr")
	wrk "${args[@]}" "$url" >"$o" 2>&1 || die "wrk failed: $(cat "$o")"
	cat "$o" >>"$BENCH_LOG"
	awk -v label="$label" '
		function ms(s) {
			if (s ~ /us$/) return substr(s, 1, length(s) - 2) / 1000
			if (s ~ /ms$/) return substr(s, 1, length(s) - 2) + 0
			if (s ~ /s$/) return substr(s, 1, length(s) - 1) * 1000
			return s
		}
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/^Requests\/sec:/ { r = $2 }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		/Socket errors:/ { sock = $0 }
		END { printf "%s\t%.0f\t%.2f\t%.2f\t%d\t%s\n", label, r, p50, p99, bad + 0, sock }
	' "$o" >>"$rps"
}

auth="Authorization: Bearer $TOKEN"
list_b="$SERVE_URL/v1/applications?kvk=$kvk_b"
curl -fsS -H "$auth" "$list_b" >"$work/list-b.json" || die "GET /v1/applications failed"
one_b=$(grep -o '"id":[0-9]*' "$work/list-b.json" | head -1 | cut -d: -f2)
[ -n "$one_b" ] || die "no application of B in $(head -c 200 "$work/list-b.json")"
"$work/baseline" -json "$work/list-b.json" -addr 127.0.0.1:0 >"$work/baseline.addr" 2>>"$BENCH_LOG" &
baseline_pid=$!
pids+=("$baseline_pid")
for i in $(seq 100); do
	[ -s "$work/baseline.addr" ] && break
	sleep 0.1
done
baseline_url=http://$(head -1 "$work/baseline.addr")
cmp -s <(curl -fsS "$baseline_url/v1/applications") "$work/list-b.json" ||
	die "the baseline server does not answer the same JSON as reconi"

say "requests per second, $secs s per run, $conns connections"
wrk_run "bench/baseline: GET /v1/applications (the same JSON, no token, no database, no log)" "$baseline_url/v1/applications"
wrk_run "reconi serve: GET /v1/applications?kvk=… (20 applications, $(wc -c <"$work/list-b.json") bytes)" "$list_b" "$auth"
wrk_run "reconi serve: GET /v1/applications/{id} (5 users)" "$SERVE_URL/v1/applications/$one_b" "$auth"
wrk_run "reconi serve: GET /healthz (no token, no database)" "$SERVE_URL/healthz"
wrk_run "bench/baseline: GET /v1/applications, again" "$baseline_url/v1/applications"
kill "$baseline_pid" 2>/dev/null || true
echo "reconi serve peak RSS after the requests-per-second runs: $(peak_rss "$SERVE_PID")" >>"$notes"

# --all: the seeded applications are mostly drafts, which status leaves
# out by default; the benchmark lists them all.
say "status on $total_apps applications, $runs runs each"
reconi_in "$sdir"
for i in $(seq "$runs"); do
	measure "$results" "reconi --server status -o json (remote)" \
		"${RECONI[@]}" --server "$SERVE_URL" --token "$TOKEN" status --all -o json || die "remote status failed"
done
serve_stop
for i in $(seq "$runs"); do
	measure "$results" "reconi status (embedded, table)" "${RECONI[@]}" status --all || die "status failed"
	measure "$results" "reconi status -o json (embedded)" "${RECONI[@]}" status --all -o json || die "status failed"
	measure "$results" "sqlite3 -json, the same two queries" sqlite3 -readonly -json "$sdir/reconi.db" \
		".read \"$bench_dir/status-baseline.sql\"" || die "sqlite3 failed"
done
listed=$("${RECONI[@]}" status --all -o json --jq length 2>>"$BENCH_LOG")
[ "$listed" = "$total_apps" ] || die "reconi status listed $listed applications, want $total_apps"
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
took=$(($(date +%s) - started))

# row RESULTS LABEL N is summarize's table row, or, when the median is
# below GNU time's 10 ms resolution (where summarize would divide by zero),
# a row that says so.
row() {
	local m
	m=$(median_wall "$1" "$2")
	if awk -v m="${m:-0}" 'BEGIN { exit !(m > 0) }'; then
		summarize "$@"
	else
		awk -F'\t' -v label="$2" '$1 == label && $5 == 0 { n++; if ($4 > rss) rss = $4 }
			END { printf "| %s | %d | < 0.01 s | | | %.0f MB |\n", label, n, rss / 1024 }' "$1"
	fi
}

report() {
	echo "## bench/issue7.sh, $(date -u +%Y-%m-%d)"
	echo
	machine | sed "s|^- load average at start: .*|- load average (1, 5, 15 min) at start: $load_start; at the end: $load_end|"
	echo "- command: \`bench/issue7.sh -n $runs -r $rows -b $big -a $apps -d $secs -c $conns\`; $took s in all"
	echo
	echo "### Import: embedded, remote and the sqlite3 baseline"
	echo
	echo "Wall time of the \`reconi\` process (for remote: the client, the server doing the work), CPU time and"
	echo "peak RSS of that process."
	echo
	echo "| command | runs | wall time, median (range) | rows/s | CPU time (user+sys), median | peak RSS |"
	echo "| --- | --- | --- | --- | --- | --- |"
	local n
	for n in "$rows" $([ "$big" -gt 0 ] && echo "$big"); do
		row "$results" "reconi users import, embedded ($n rows)" "$n"
		row "$results" "reconi users import, remote ($n rows)" "$n"
		row "$results" "sqlite3 .import ($n rows)" "$n"
	done
	echo
	for n in "$rows" $([ "$big" -gt 0 ] && echo "$big"); do
		awk -v e="$(median_wall "$results" "reconi users import, embedded ($n rows)")" \
			-v r="$(median_wall "$results" "reconi users import, remote ($n rows)")" \
			-v s="$(median_wall "$results" "sqlite3 .import ($n rows)")" -v n="$n" \
			'BEGIN { if (s > 0) printf "- %d rows: embedded %.1f×, remote %.1f× the sqlite3 .import wall time\n", n, e / s, r / s }'
	done
	grep '^reconi users import, remote' "$notes" | sed 's/^/- /' | sort -u
	echo
	echo "### \`reconi status\` on $total_apps applications"
	echo
	echo "| command | runs | wall time, median (range) | applications/s | CPU time (user+sys), median | peak RSS |"
	echo "| --- | --- | --- | --- | --- | --- |"
	row "$results" "reconi status (embedded, table)" "$total_apps"
	row "$results" "reconi status -o json (embedded)" "$total_apps"
	row "$results" "reconi --server status -o json (remote)" "$total_apps"
	row "$results" "sqlite3 -json, the same two queries" "$total_apps"
	echo
	grep '^seeding' "$notes" | sed 's/^/- /'
	echo
	echo "### Server requests per second (wrk -t2 -c$conns -d${secs}s, loopback)"
	echo
	echo "| server: request | requests/s | p50 | p99 | non-2xx |"
	echo "| --- | --- | --- | --- | --- |"
	awk -F'\t' '{ printf "| %s | %d | %.2f ms | %.2f ms | %d%s |\n", $1, $2, $3, $4, $5, $6 != "" ? " (" $6 ")" : "" }' "$rps"
	echo
	grep '^reconi serve peak RSS' "$notes" | sed 's/^/- /'
}

if [ -n "$out" ]; then
	report | tee "$out"
else
	report
fi
