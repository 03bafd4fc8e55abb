#!/bin/sh
# The Zeek benchmark of BENCHMARKS.md ("Flows"):
#
#   Zeek TSV conn.log: at least 2 million lines per second per core,
#   attribution and aggregation included, and within 8x of `wc -l` over
#   the same file in the same run.
#
# bench/conngen writes a conn.log of LINES lines (clients in 10.0.0.0/16,
# DESTS distinct destinations over the IPv4 space, one line in a thousand
# IPv6, destinations drawn Zipf). Rounds alternate
#
#   wc -l conn.log
#   embargo flows conn.log -o json --quiet   on one core (taskset -c 0,
#                                            GOMAXPROCS=1): "embargo-1core"
#   the same on every core                   "embargo"
#
#   bench/connfloor conn.log                 on every core: "floor", the
#                                            least a Go program does to add
#                                            the log up per destination
#                                            (split at tabs, sum two counts
#                                            in a map; nothing checked,
#                                            parsed, attributed or judged)
#
# (embedded IP data: every destination looked up; its table cache warmed
# by the first, unmeasured run), measured by GNU time; bench/benchratio
# prints the medians and the medians of the round-by-round ratios to wc
# of wall time. Lines per second is LINES /
# wall; the whole process is timed, start-up (catalogue, IP data) and the
# JSON report included.
#
#   bench/flows.sh            (ROUNDS=5 LINES=3000000 DESTS=200000)
#
# BASE=REV also builds the embargo of git revision REV and runs it in every
# round ("embargo-base", every core), for a same-run ratio of this tree's
# embargo to it: what a change did to the speed, free of the machine's
# drift between sessions.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
LINES=${LINES:-3000000}
DESTS=${DESTS:-200000}
OUT=${OUT:-$(mktemp -d /tmp/embargo-flows.XXXXXX)}
mkdir -p "$OUT"
TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "flows.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 2
fi
go build -o "$OUT/embargo" ./cmd/embargo
if [ -n "${BASE:-}" ]; then
	git worktree add --detach -f "$OUT/base-tree" "$BASE" > /dev/null 2>&1
	(cd "$OUT/base-tree" && go build -o "$OUT/embargo-base" ./cmd/embargo)
	git worktree remove --force "$OUT/base-tree"
fi
go build -o "$OUT/benchratio" ./bench/benchratio
go build -o "$OUT/connfloor" ./bench/connfloor
go run ./bench/conngen -n "$LINES" -dests "$DESTS" > "$OUT/conn.log"
echo "# flows.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# conn.log: $LINES lines, $(du -m "$OUT/conn.log" | cut -f1) MB, $DESTS destinations"

measure() {
	name=$1
	shift
	set +e
	case $name in
	*1core) GOMAXPROCS=1 "$TIME" -f '%M %e %U %S' -o "$OUT/time.txt" taskset -c 0 "$@" > "$OUT/$name.out" 2> "$OUT/stderr.txt" ;;
	*) "$TIME" -f '%M %e %U %S' -o "$OUT/time.txt" "$@" > "$OUT/$name.out" 2> "$OUT/stderr.txt" ;;
	esac
	rc=$?
	set -e
	case $rc in
	0 | 1 | 3) ;;
	*)
		echo "flows.sh: $name exited $rc" >&2
		cat "$OUT/stderr.txt" >&2
		exit 1
		;;
	esac
	awk -v n="$name" -v l="$LINES" 'END { printf "BenchmarkConnLog/%s 1 %.3f wall-s %.3f cpu-s %d maxrss-KiB %.0f lines/s\n", n, $2, $3 + $4, $1, l / $2 }' "$OUT/time.txt"
}

measure wc wc -l "$OUT/conn.log" > /dev/null
measure embargo "$OUT/embargo" flows "$OUT/conn.log" -o json --quiet > /dev/null
: > "$OUT/flows.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	measure wc wc -l "$OUT/conn.log" | tee -a "$OUT/flows.txt"
	measure embargo-1core "$OUT/embargo" flows "$OUT/conn.log" -o json --quiet | tee -a "$OUT/flows.txt"
	measure embargo "$OUT/embargo" flows "$OUT/conn.log" -o json --quiet | tee -a "$OUT/flows.txt"
	measure floor "$OUT/connfloor" "$OUT/conn.log" | tee -a "$OUT/flows.txt"
	if [ -n "${BASE:-}" ]; then
		measure embargo-base "$OUT/embargo-base" flows "$OUT/conn.log" -o json --quiet | tee -a "$OUT/flows.txt"
	fi
	i=$((i + 1))
done
echo
ratios="ConnLog/embargo-1core:ConnLog/wc ConnLog/embargo:ConnLog/wc ConnLog/floor:ConnLog/wc ConnLog/embargo:ConnLog/floor"
if [ -n "${BASE:-}" ]; then
	ratios="$ratios ConnLog/embargo:ConnLog/embargo-base"
fi
# shellcheck disable=SC2086 # the pairs are words
"$OUT/benchratio" -unit wall-s "$OUT/flows.txt" $ratios
echo "# report: $(grep -o '"flows": *[0-9]*' "$OUT/embargo.out" | head -1); aggregates: $(grep -c '"destination":' "$OUT/embargo.out")"
echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
