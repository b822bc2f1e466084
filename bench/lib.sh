# shellcheck shell=bash
# Shared by the benchmark scripts in bench/: sourced, not run.
#
# Every measurement goes through measure, which runs a command under GNU time
# and appends one line to a results file, its fields separated by tabs:
#
#	label wall_seconds cpu_seconds max_rss_kib exit_code
#
# so that each script only says what to run, and summarize turns the lines
# into the rows of a markdown table.

# die prints its arguments on stderr and exits.
die() {
	echo "bench: $*" >&2
	exit 1
}

# say reports progress on stderr; stdout is for the results.
say() {
	echo "bench: $*" >&2
}

# need_tool NAME PACKAGE makes sure NAME is on PATH, installing the Debian
# PACKAGE when this is root on a machine with apt-get. It returns 1 when the
# tool is still missing, so that optional tools can be skipped.
need_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing $2 for $1"
		if ! apt-get install -y -qq "$2" >/dev/null 2>&1; then
			apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1
		fi
	fi
	command -v "$1" >/dev/null 2>&1
}

# gnu_time is the path of GNU time, which reports peak memory; the shell's
# time keyword does not.
gnu_time() {
	if [ -x /usr/bin/time ] && /usr/bin/time -f '' true 2>/dev/null; then
		echo /usr/bin/time
		return
	fi
	need_tool time time >/dev/null || die "GNU time is needed for peak memory: apt-get install -y time"
	[ -x /usr/bin/time ] || die "GNU time is not at /usr/bin/time"
	echo /usr/bin/time
}

# measure RESULTS LABEL COMMAND... runs COMMAND under GNU time (time -v) and
# appends its figures to RESULTS. The command's own output goes to
# $BENCH_LOG. It returns the command's exit code.
measure() {
	local results=$1 label=$2
	shift 2
	local tv
	tv=$(mktemp)
	local rc=0
	"$GNU_TIME" -v -o "$tv" "$@" >>"$BENCH_LOG" 2>&1 || rc=$?
	awk -v label="$label" -v rc="$rc" '
		# "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23"
		/Elapsed \(wall clock\)/ {
			n = split($NF, p, ":"); wall = 0
			for (i = 1; i <= n; i++) wall = wall * 60 + p[i]
		}
		/User time \(seconds\)/ { cpu += $NF }
		/System time \(seconds\)/ { cpu += $NF }
		/Maximum resident set size/ { rss = $NF }
		END { printf "%s\t%.3f\t%.2f\t%d\t%d\n", label, wall, cpu, rss, rc }
	' "$tv" >>"$results"
	rm -f "$tv"
	return "$rc"
}

# summarize RESULTS LABEL ROWS prints one markdown table row for the runs of
# LABEL: runs, median wall time with its range, rows per second at the
# median, median CPU time and the highest peak RSS.
summarize() {
	awk -F'\t' -v label="$2" -v rows="$3" '
		$1 == label && $5 == 0 { n++; wall[n] = $2; cpu[n] = $3; if ($4 > rss) rss = $4 }
		$1 == label && $5 != 0 { failed++ }
		function median(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
			return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
		}
		END {
			if (n == 0) { printf "| %s | 0 runs%s | | | | |\n", label, failed ? " (" failed " failed)" : ""; exit }
			m = median(wall, n); lo = wall[1]; hi = wall[n]
			printf "| %s | %d | %.2f s (%.2f–%.2f) | %d | %.2f s | %.0f MB |\n",
				label, n, m, lo, hi, rows / m, median(cpu, n), rss / 1024
		}
	' "$1"
}

# median_wall RESULTS LABEL prints the median wall time of LABEL's runs.
median_wall() {
	awk -F'\t' -v label="$2" '
		$1 == label && $5 == 0 { n++; w[n] = $2 }
		END {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && w[j-1] > w[j]; j--) { t = w[j]; w[j] = w[j-1]; w[j-1] = t }
			if (n) print (n % 2 ? w[(n+1)/2] : (w[n/2] + w[n/2+1]) / 2)
		}
	' "$1"
}

# busy_percent prints how busy the CPUs were over the last second, 0 to 100,
# from /proc/stat (empty where there is none).
busy_percent() {
	[ -r /proc/stat ] || return 0
	local a b
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	echo "$a $b" | awk '{
		# cpu user nice system idle iowait irq softirq steal ...: fields 2-9, then 13-20
		for (i = 2; i <= 9; i++) { t1 += $i; t2 += $(i + 11) }
		idle1 = $5 + $6; idle2 = $16 + $17
		dt = t2 - t1
		printf "%d\n", (dt > 0) ? 100 * (dt - (idle2 - idle1)) / dt : 0
	}'
}

# wait_idle SECONDS waits, at most SECONDS, until the CPUs are less than 10 %
# busy, so that a run on a shared machine does not measure someone else's
# work. It says so when it gives up.
wait_idle() {
	local limit=$1 waited=0 busy
	[ "$limit" -gt 0 ] || return 0
	while busy=$(busy_percent) && [ -n "$busy" ] && [ "$busy" -ge 10 ]; do
		if [ "$waited" -ge "$limit" ]; then
			say "the machine is still $busy % busy after ${limit}s; measuring anyway"
			return 0
		fi
		sleep 4
		waited=$((waited + 5))
	done
}

# machine prints what the figures were measured on, as a markdown list.
machine() {
	local cpu cores mem
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	cores=$(nproc 2>/dev/null)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	echo "- CPU: ${cpu:-unknown}, ${cores:-?} cores; RAM: ${mem:-unknown}"
	echo "- OS: $(uname -sr)"
	echo "- $(go version)"
	if command -v sqlite3 >/dev/null 2>&1; then
		echo "- sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
	fi
	if command -v hyperfine >/dev/null 2>&1; then
		echo "- $(hyperfine --version)"
	fi
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (other work on the machine slows every figure)"
}

# --- reconi serve -----------------------------------------------------------
# Shared by bench/serve.sh and bench/run.sh.

KVK_A=12345678 KVK_B=87654321

# serve_home DIR RECONI makes DIR a new reconi home (configuration and
# database in DIR, whatever RECONI_* variables the caller has) with
# organisations A and B registered, and sets RECONI to the command line that
# runs the binary RECONI there.
serve_home() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	RECONI=(env -i PATH="$PATH" HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data"
		XDG_STATE_HOME="$dir/state" RECONI_DB="$dir/reconi.db" NO_COLOR=1 CI=true "$2")
	"${RECONI[@]}" org register --kvk "$KVK_A" --name "Bench A BV" >>"$BENCH_LOG" 2>&1
	"${RECONI[@]}" org register --kvk "$KVK_B" --name "Bench B BV" >>"$BENCH_LOG" 2>&1
}

# serve_start DIR starts "${RECONI[@]}" serve on a loopback port the kernel
# picks, with a manager token for A and B: it sets SERVE_PID, SERVE_URL and
# TOKEN. The request log goes to DIR/serve.log. Extra arguments go to serve.
serve_start() {
	local dir=$1 addr="" i
	shift
	TOKEN=$("${RECONI[@]}" tokens create --role manager --org "$KVK_A" --org "$KVK_B" --name bench -o json --jq .token 2>>"$BENCH_LOG")
	"${RECONI[@]}" serve --addr 127.0.0.1:0 --log-format json "$@" >/dev/null 2>"$dir/serve.log" &
	SERVE_PID=$!
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

# wrk_run RPS LABEL URL SECONDS CONNS [HEADER]: one wrk -t2 run; appends
# "label rps p50 p99 non2xx sockets" (milliseconds) to RPS.
wrk_run() {
	local rps=$1 label=$2 url=$3 secs=$4 conns=$5 hdr=${6:-} o
	o=$(mktemp)
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
	rm -f "$o"
}

# first_draft FILE prints the ID of the first draft in a list of
# applications (the JSON of GET /v1/applications): the seeder works four at
# a time, so which application comes first, a draft or a submitted one,
# differs between runs; a draft is measured every time.
first_draft() {
	grep -oE '"id":[0-9]+,("kind":"[a-z]+",)?"organization":\{[^}]*\},"level":"[^"]*","branch":"[^"]*","state":"draft"' "$1" |
		head -1 | sed 's/^"id":\([0-9]*\),.*/\1/'
}

# serve_vs_baseline WORK RPS SECONDS CONNS measures the running server
# (SERVE_URL, TOKEN) against WORK/baseline serving the same bytes: the list
# of B's applications and one of them, each reconi run between two baseline
# runs. Labels: "baseline list", "reconi list", "baseline one", "reconi one".
serve_vs_baseline() {
	local work=$1 rps=$2 secs=$3 conns=$4 auth one i
	auth="Authorization: Bearer $TOKEN"
	curl -fsS -H "$auth" "$SERVE_URL/v1/applications?kvk=$KVK_B" >"$work/list.json" || die "GET /v1/applications failed"
	one=$(first_draft "$work/list.json" || true)
	[ -n "$one" ] || die "no draft of B in $(head -c 200 "$work/list.json")"
	curl -fsS -H "$auth" "$SERVE_URL/v1/applications/$one" >"$work/one.json" || die "GET /v1/applications/$one failed"
	: >"$work/baseline.addr"
	"$work/baseline" -json "$work/list.json" -one "$work/one.json" -addr 127.0.0.1:0 >"$work/baseline.addr" 2>>"$BENCH_LOG" &
	BASELINE_PID=$!
	pids+=("$BASELINE_PID")
	for i in $(seq 100); do
		[ -s "$work/baseline.addr" ] && break
		sleep 0.1
	done
	local base=http://$(head -1 "$work/baseline.addr")
	cmp -s <(curl -fsS "$base/v1/applications") "$work/list.json" || die "the baseline does not answer the same list"
	cmp -s <(curl -fsS "$base/v1/applications/$one") "$work/one.json" || die "the baseline does not answer the same application"
	LIST_BYTES=$(wc -c <"$work/list.json") ONE_BYTES=$(wc -c <"$work/one.json")
	say "requests per second: wrk -t2 -c$conns -d${secs}s, six runs"
	wrk_run "$rps" "baseline list" "$base/v1/applications" "$secs" "$conns"
	wrk_run "$rps" "reconi list" "$SERVE_URL/v1/applications?kvk=$KVK_B" "$secs" "$conns" "$auth"
	wrk_run "$rps" "baseline one" "$base/v1/applications/$one" "$secs" "$conns"
	wrk_run "$rps" "reconi one" "$SERVE_URL/v1/applications/$one" "$secs" "$conns" "$auth"
	wrk_run "$rps" "baseline list" "$base/v1/applications" "$secs" "$conns"
	wrk_run "$rps" "baseline one" "$base/v1/applications/$one" "$secs" "$conns"
	kill "$BASELINE_PID" 2>/dev/null || true
}

# rps_table RPS SECONDS CONNS prints the wrk runs as a markdown table.
rps_table() {
	echo "wrk -t2 -c$3 -d$2s --latency, loopback; list: GET /v1/applications?kvk=… (20 applications,"
	echo "$LIST_BYTES bytes), one: GET /v1/applications/{id} (5 users, $ONE_BYTES bytes); reconi with a manager token."
	echo
	echo "| server: request | requests/s | p50 | p99 | non-2xx |"
	echo "| --- | --- | --- | --- | --- |"
	awk -F'\t' '{ printf "| %s | %d | %.2f ms | %.2f ms | %d%s |\n", $1, $2, $3, $4, $5, $6 != "" ? " (" $6 ")" : "" }' "$1"
}

# rps_ratios RPS prints reconi's requests per second (and those of a
# "before" build, when measured) as a share of the baseline's, each the mean
# of its runs of the same request, with the worst p99 of its runs.
rps_ratios() {
	awk -F'\t' '
		{ split($1, w, " "); who = w[1]; k = w[2]; n[who, k]++; sum[who, k] += $2; if ($4 > p[who, k]) p[who, k] = $4; keys[k] = 1 }
		END {
			for (k in keys) {
				if (!n["baseline", k]) continue
				b = sum["baseline", k] / n["baseline", k]
				if (n["before", k]) printf "- %s, before: %d req/s = %.0f %% of the bare handler (%d req/s); p99 up to %.2f ms\n",
					k, sum["before", k] / n["before", k], 100 * sum["before", k] / n["before", k] / b, b, p["before", k]
				if (n["reconi", k]) printf "- %s: reconi %d req/s = **%.0f %%** of the bare handler (%d req/s, mean of %d runs); p99 up to %.2f ms\n",
					k, sum["reconi", k] / n["reconi", k], 100 * sum["reconi", k] / n["reconi", k] / b, b, n["baseline", k], p["reconi", k]
			}
		}
	' "$1" | sort
}
