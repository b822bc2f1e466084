#!/usr/bin/env bash
# bench/means.sh measures the issued-means commands at scale, through the
# real CLI on the embedded SQLite backend, and prints markdown:
#
#	bench/means.sh [-n RUNS] [-r ROWS] [-o FILE] [-k]
#
#	-n RUNS   repetitions of each timed command (default 3)
#	-r ROWS   issued means of the organisation (default 100000)
#	-o FILE   also write the markdown to FILE
#	-k        keep the work directory (printed on stderr)
#
# The organisation's users are imported with `reconi users import` (the same
# generated file as bench/import.sh), then the application is marked
# submitted and every user issued, with a means each, in SQL: taking ROWS
# users through the user's steps one at a time is not what is measured.
# Then, each under GNU time (wall, CPU, peak RSS):
#
#  1. reconi means list --org KVK -o json   (every means, a page at a time)
#  2. reconi means list --org KVK --expiring-within 60d   (nothing ends: no output)
#  3. reconi plan -f manifest.yaml --prune   (a manifest naming all but 1% of them)
#  4. reconi apply -f manifest.yaml --prune --agree-terms   (withdraws that 1%, on a
#     copy of the database each run)
set -euo pipefail

runs=3 rows=100000 out="" keep=0
while getopts "n:r:o:kh" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rows=$OPTARG ;;
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
need_tool sqlite3 sqlite3 || die "sqlite3 is needed to mark the users issued: apt-get install -y sqlite3"
GNU_TIME=$(gnu_time)

work=$(mktemp -d "${TMPDIR:-/tmp}/reconi-means.XXXXXX")
if [ "$keep" = 1 ]; then
	say "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi
export BENCH_LOG=$work/commands.log
results=$work/results.txt
: >"$results"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

say "building reconi and the CSV generator"
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$work/reconi" . && go build -o "$work/gen" ./bench/gen)
kvk=12345678
db=$work/reconi.db
# reconi_on DB sets RECONI to run reconi on database DB, with a configuration of
# its own, whatever RECONI_* variables or config file the caller has.
reconi_on() {
	RECONI=(env -i PATH="$PATH" HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
		XDG_STATE_HOME="$work/state" RECONI_DB="$1" NO_COLOR=1 CI=true "$work/reconi")
}
reconi_on "$db"

say "seeding $rows issued means"
"$work/gen" -rows "$rows" -o "$work/users.csv"
"${RECONI[@]}" org register --kvk "$kvk" --name "Bench BV" >>"$BENCH_LOG" 2>&1
"${RECONI[@]}" org select "$kvk" --level EH3 >>"$BENCH_LOG" 2>&1
"${RECONI[@]}" users import "$work/users.csv" >>"$BENCH_LOG" 2>&1
now=$(($(date +%s) * 1000000))
sqlite3 "$db" <<SQL
BEGIN;
UPDATE applications SET state = 'submitted', validity_years = 3, submitted_at = $now,
	permissions = '{"direct":true,"scope":"all_services"}';
UPDATE users SET state = 'issued', updated_at = $now;
INSERT INTO means (user_id, application_id, kvk, email_key, level, state, issued_at, expires_at)
	SELECT u.id, u.application_id, a.kvk, u.email_key, a.level, 'active', $now, $now + 94608000000000
	FROM users u JOIN applications a ON a.id = u.application_id ORDER BY u.id;
INSERT INTO means_permissions (means_id, scope, expires_at) SELECT id, 'all_services', expires_at FROM means;
COMMIT;
SQL

# The manifest names every user but the last 1% (the leavers).
keep_rows=$((rows - rows / 100))
head -n $((keep_rows + 1)) "$work/users.csv" >"$work/hr.csv"
cat >"$work/hr.yaml" <<YAML
organization: "$kvk"
level: EH3
users_file: hr.csv
permissions: {all_services: true}
validity: 3y
YAML

for i in $(seq "$runs"); do
	say "run $i of $runs"
	measure "$results" "means list --org -o json" sh -c "$(printf '%q ' "${RECONI[@]}") means list --org $kvk -o json >/dev/null"
	measure "$results" "means list --expiring-within 60d" "${RECONI[@]}" means list --org "$kvk" --expiring-within 60d
	measure "$results" "plan -f --prune" sh -c "$(printf '%q ' "${RECONI[@]}") plan -f $work/hr.yaml --prune -o json >/dev/null; test \$? = 2"
	cp "$db" "$work/copy.db"
	reconi_on "$work/copy.db"
	measure "$results" "apply -f --prune" "${RECONI[@]}" apply -f "$work/hr.yaml" --prune --agree-terms
	reconi_on "$db"
	withdrawn=$(sqlite3 "$work/copy.db" "SELECT COUNT(*) FROM means WHERE state = 'withdrawn'")
	[ "$withdrawn" = $((rows / 100)) ] || die "apply -f --prune withdrew $withdrawn means, want $((rows / 100))"
	rm -f "$work/copy.db"*
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

report() {
	echo "## Issued means at scale, $(date -u +%Y-%m-%d)"
	echo
	machine | sed "s|^- load average at start: .*|- load average (1, 5, 15 min) at start: $load_start; at the end: $load_end|"
	echo "- $rows issued means of one organisation; the manifest names all but $((rows / 100)); $runs runs each"
	echo
	echo "| command | runs | wall time, median (range) | means/s | CPU time (user+sys), median | peak RSS |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for label in "means list --org -o json" "means list --expiring-within 60d" "plan -f --prune" "apply -f --prune"; do
		summarize "$results" "$label" "$rows"
	done
}
if [ -n "$out" ]; then
	report | tee "$out"
else
	report
fi
