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
