#!/usr/bin/env bash
# bench/import.sh measures `reconi users import` end to end, through the real
# CLI on the embedded SQLite backend, next to the sqlite3 shell's .import of
# the same file in the same run, and prints the figures as markdown.
#
#	bench/import.sh [-n RUNS] [-r ROWS] [-b BIG_ROWS] [-w SECONDS] [-c REV] [-g] [-o FILE] [-k]
#
#	-n RUNS      repetitions of each timed command (default 5)
#	-r ROWS      rows of the main file (default 100000)
#	-b BIG_ROWS  rows of the memory run, one import (default 1000000; 0 skips it)
#	-w SECONDS   before each timed run, wait up to SECONDS for the CPUs to be
#	             less than 10 % busy (default 0: do not wait); for shared machines
#	-c REV       also time reconi built from git revision REV (a commit, a
#	             branch), alternating with the others: before and after a change
#	             in one run
#	-g           also run the Go benchmarks (BenchmarkImport100k and
#	             BenchmarkSQLiteImportBaseline) and include their output
#	-o FILE      also write the markdown to FILE
#	-k           keep the work directory (printed on stderr)
#
# Each run starts from a new database: `reconi org register`, `reconi org
# select`, then the timed `reconi users import FILE` under GNU time (wall
# time, user+system CPU time, peak RSS). reconi and sqlite3 runs alternate, so
# that both see the same machine. With hyperfine installed its statistics are
# added. docs/benchmarks.md explains the figures.
set -euo pipefail

runs=5 rows=100000 big=1000000 idle=0 gobench=0 out="" keep=0 compare=""
while getopts "n:r:b:w:c:go:kh" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rows=$OPTARG ;;
	b) big=$OPTARG ;;
	w) idle=$OPTARG ;;
	c) compare=$OPTARG ;;
	g) gobench=1 ;;
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
have_sqlite3=1
need_tool sqlite3 sqlite3 || { have_sqlite3=0; say "sqlite3 is not installed (apt-get install -y sqlite3): no baseline"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/reconi-bench.XXXXXX")
if [ "$keep" = 1 ]; then
	say "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi
export BENCH_LOG=$work/commands.log
results=$work/results.txt
: >"$results"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
# Validation runs on every core, so anything else running slows the import
# at once; the report shows the load, and this says so up front.
if awk -v l="${load_start%% *}" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }' 2>/dev/null; then
	say "warning: load average $load_start on $(nproc) cores: other work will inflate the figures"
fi

say "building reconi and the CSV generator"
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$work/reconi" . && go build -o "$work/gen" ./bench/gen)
reconi=$work/reconi
if [ -n "$compare" ]; then
	say "building reconi at $compare, to compare"
	mkdir -p "$work/src-compare"
	(cd "$repo" && git archive "$compare") | tar -x -C "$work/src-compare"
	(cd "$work/src-compare" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$work/reconi-compare" .)
fi

csv=$work/users-$rows.csv
say "generating $rows rows"
"$work/gen" -rows "$rows" -o "$csv"

# reconi_in DIR sets the command line prefix that runs reconi with a
# configuration and database of its own in DIR, whatever RECONI_* variables
# or config file the caller has: "${RECONI[@]}" users import FILE.
reconi_in() {
	local dir=$1
	RECONI=(env -i PATH="$PATH" HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data"
		XDG_STATE_HOME="$dir/state" RECONI_DB="$dir/reconi.db" NO_COLOR=1 CI=true "$reconi")
}

# new_draft DIR makes a new database in DIR with an organisation and a draft,
# which becomes the current draft of DIR's configuration.
new_draft() {
	rm -rf "$1"
	mkdir -p "$1"
	reconi_in "$1"
	"${RECONI[@]}" org register --kvk 12345678 --name "Bench BV" >>"$BENCH_LOG" 2>&1
	"${RECONI[@]}" org select 12345678 --level EH3 >>"$BENCH_LOG" 2>&1
}

# import_once LABEL FILE N imports FILE (N rows) into a new draft and checks
# that every row was added.
import_once() {
	local label=$1 file=$2 n=$3 dir=$work/run
	new_draft "$dir"
	: >"$work/last.log"
	wait_idle "$idle"
	BENCH_LOG=$work/last.log measure "$results" "$label" "${RECONI[@]}" users import "$file" ||
		die "reconi users import failed: $(tail -5 "$work/last.log")"
	grep -q "Added $n users" "$work/last.log" || die "reconi did not add $n users: $(tail -5 "$work/last.log")"
	cat "$work/last.log" >>"$BENCH_LOG"
}

# baseline_once LABEL FILE loads FILE with the sqlite3 shell into a new file.
baseline_once() {
	local label=$1 file=$2 db=$work/baseline.db
	rm -f "$db" "$db-wal" "$db-shm"
	: >"$work/last.log"
	wait_idle "$idle"
	BENCH_LOG=$work/last.log measure "$results" "$label" \
		sqlite3 "$db" ".read \"$bench_dir/sqlite-baseline.sql\"" ".import --csv --skip 1 \"$file\" users" ||
		die "sqlite3 .import failed: $(tail -5 "$work/last.log")"
	# The shell reports bad rows on stderr and carries on.
	[ ! -s "$work/last.log" ] || die "sqlite3 .import complained: $(head -5 "$work/last.log")"
}

label_reconi="reconi users import"
label_sqlite="sqlite3 .import"
label_compare="reconi users import ($compare)"
# compare_once runs import_once with the reconi built from $compare.
compare_once() { [ -z "$compare" ] || (reconi=$work/reconi-compare && import_once "$@"); }
say "warming up (file cache, first run)"
import_once warmup "$csv" "$rows"
compare_once warmup "$csv" "$rows"
[ "$have_sqlite3" = 0 ] || baseline_once warmup "$csv"
for i in $(seq "$runs"); do
	say "run $i of $runs"
	import_once "$label_reconi" "$csv" "$rows"
	compare_once "$label_compare" "$csv" "$rows"
	[ "$have_sqlite3" = 0 ] || baseline_once "$label_sqlite" "$csv"
done

hyperfine_md=""
if command -v hyperfine >/dev/null 2>&1; then
	say "hyperfine, $runs runs each"
	cat >"$work/prepare.sh" <<EOF
#!/usr/bin/env bash
set -e
$(declare -f reconi_in new_draft)
reconi=$reconi BENCH_LOG=$BENCH_LOG
new_draft "$work/hf"
rm -f "$work/hf-baseline.db" "$work/hf-baseline.db-wal" "$work/hf-baseline.db-shm"
EOF
	chmod +x "$work/prepare.sh"
	hf_sqlite=()
	[ "$have_sqlite3" = 0 ] || hf_sqlite=(-n "$label_sqlite" "$(printf 'sqlite3 %q %q %q' "$work/hf-baseline.db" \
		".read \"$bench_dir/sqlite-baseline.sql\"" ".import --csv --skip 1 \"$csv\" users")")
	(
		export PATH HOME="$work/hf" XDG_CONFIG_HOME="$work/hf/config" XDG_DATA_HOME="$work/hf/data" \
			XDG_STATE_HOME="$work/hf/state" RECONI_DB="$work/hf/reconi.db" NO_COLOR=1 CI=true
		unset RECONI_SERVER RECONI_DRAFT RECONI_PROFILE RECONI_CONFIG
		hyperfine --style basic --runs "$runs" --prepare "$work/prepare.sh" \
			--export-markdown "$work/hyperfine.md" \
			-n "$label_reconi" "$(printf '%q users import %q' "$reconi" "$csv")" "${hf_sqlite[@]}" >>"$BENCH_LOG" 2>&1
	) || die "hyperfine failed: $(tail -5 "$BENCH_LOG")"
	hyperfine_md=$(cat "$work/hyperfine.md")
fi

if [ "$big" -gt 0 ]; then
	say "memory run: generating and importing $big rows"
	big_csv=$work/users-$big.csv
	"$work/gen" -rows "$big" -o "$big_csv"
	import_once "reconi users import ($big rows)" "$big_csv" "$big"
	[ "$have_sqlite3" = 0 ] || baseline_once "sqlite3 .import ($big rows)" "$big_csv"
	rm -f "$big_csv"
fi

gobench_out=""
if [ "$gobench" = 1 ]; then
	say "Go benchmarks"
	gobench_out=$(cd "$repo" && go test -run '^$' -bench 'BenchmarkImport100k|BenchmarkSQLiteImportBaseline' \
		-benchtime "${runs}x" ./internal/service/ 2>&1 | grep -E '^(goos|goarch|pkg|cpu|Benchmark|ok|FAIL|---)') ||
		say "the Go benchmarks failed; their output is in the report"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

report() {
	echo "## Import benchmark, $(date -u +%Y-%m-%d)"
	echo
	machine | sed "s|^- load average at start: .*|- load average (1, 5, 15 min) at start: $load_start; at the end: $load_end|"
	echo "- input: $rows generated rows ($(du -k "$csv" | cut -f1) KiB), $runs runs each after one warm-up run"
	echo
	echo "| command | runs | wall time, median (range) | rows/s | CPU time (user+sys), median | peak RSS |"
	echo "| --- | --- | --- | --- | --- | --- |"
	summarize "$results" "$label_reconi" "$rows"
	[ -z "$compare" ] || summarize "$results" "$label_compare" "$rows"
	[ "$have_sqlite3" = 0 ] || summarize "$results" "$label_sqlite" "$rows"
	if [ "$big" -gt 0 ]; then
		summarize "$results" "reconi users import ($big rows)" "$big"
		[ "$have_sqlite3" = 0 ] || summarize "$results" "sqlite3 .import ($big rows)" "$big"
	fi
	if [ "$have_sqlite3" = 1 ]; then
		echo
		awk -v r="$(median_wall "$results" "$label_reconi")" -v s="$(median_wall "$results" "$label_sqlite")" \
			'BEGIN { if (s > 0) printf "reconi / sqlite3 .import, median wall time: %.1f×\n", r / s }'
		[ -z "$compare" ] || awk -v r="$(median_wall "$results" "$label_compare")" -v s="$(median_wall "$results" "$label_sqlite")" \
			-v rev="$compare" 'BEGIN { if (s > 0) printf "reconi at %s / sqlite3 .import, median wall time: %.1f×\n", rev, r / s }'
	fi
	if [ -n "$hyperfine_md" ]; then
		echo
		echo "hyperfine (mean ± σ):"
		echo
		echo "$hyperfine_md"
	fi
	if [ -n "$gobench_out" ]; then
		echo
		echo '```'
		echo "$gobench_out"
		echo '```'
	fi
}

if [ -n "$out" ]; then
	report | tee "$out"
else
	report
fi
