#!/bin/sh
# The policy overhead benchmark of BENCHMARKS.md ("Policy evaluation"):
#
#   policy evaluation adds at most 25% to a full scan of this machine.
#
# Rounds alternate, after one untimed run of each to warm the caches,
#
#   embargo scan / -o json --quiet                                    (plain)
#   embargo scan / -o json --quiet --policy all --no-state            (policy)
#
# measured by GNU time; bench/benchratio prints the medians and the median
# of the round-by-round ratios policy/plain of wall and CPU time. Every
# built-in pack judges every item of the host as a one-off OFFICIAL
# system.
#
#   bench/policy.sh            (ROUNDS=7; OUT keeps the raw output)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}
OUT=${OUT:-$(mktemp -d /tmp/embargo-policy.XXXXXX)}
mkdir -p "$OUT"
TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "policy.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 2
fi
go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/benchratio" ./bench/benchratio
echo "# policy.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME ARGS...: one run, one benchmark line.
measure() {
	name=$1
	shift
	set +e
	"$TIME" -f '%M %e %U %S' -o "$OUT/time.txt" "$OUT/embargo" scan / -o json --quiet "$@" > "$OUT/$name.json" 2> "$OUT/stderr.txt"
	rc=$?
	set -e
	# 0 clean, 1 restricted software found, 3 incomplete (unreadable files).
	case $rc in
	0 | 1 | 3) ;;
	*)
		echo "policy.sh: embargo exited $rc" >&2
		cat "$OUT/stderr.txt" >&2
		exit 1
		;;
	esac
	awk -v n="$name" 'END { printf "BenchmarkScanRoot/%s 1 %.3f wall-s %.3f cpu-s %d maxrss-KiB\n", n, $2, $3 + $4, $1 }' "$OUT/time.txt"
}

measure plain > /dev/null
measure policy --policy all --no-state > /dev/null
: > "$OUT/policy.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	measure plain | tee -a "$OUT/policy.txt"
	measure policy --policy all --no-state | tee -a "$OUT/policy.txt"
	i=$((i + 1))
done
echo
"$OUT/benchratio" -unit wall-s "$OUT/policy.txt" ScanRoot/policy:ScanRoot/plain
"$OUT/benchratio" -unit cpu-s "$OUT/policy.txt" ScanRoot/policy:ScanRoot/plain | grep -i ratio || true
echo "# items judged: $(grep -o '"items": *[0-9]*' "$OUT/policy.json" | head -1); packs: $(grep -c '"instrument":' "$OUT/policy.json" || true) instrument mentions; findings summary: $(tr -d ' \n' < "$OUT/policy.json" | grep -o '"findings":{"open[^}]*}' | head -1)"
echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
