#!/bin/sh
# The whole-host benchmark of BENCHMARKS.md ("Host walk"):
#
#   `embargo scan /` of a Debian machine with ~1,000 packages: under 5 s
#   wall and under 200 MB peak memory.
#
# One untimed run warms the caches (the machine is shared: caches are not
# dropped), then ROUNDS runs of
#
#   embargo scan / -o json --quiet > /dev/null
#
# measured by GNU time (wall, CPU, maximum resident set size); medians by
# bench/benchratio. It prints this machine's package count (dpkg-query)
# and the number of files the scan walks (find on the root file system
# without /proc, /sys, /dev, as the scan skips them), and the report's
# own count of files, items and unknowns.
#
#   bench/host.sh            (ROUNDS=7; OUT keeps the raw output)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}
OUT=${OUT:-$(mktemp -d /tmp/embargo-host.XXXXXX)}
mkdir -p "$OUT"
TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "host.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 2
fi
go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/benchratio" ./bench/benchratio
echo "# host.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(. /etc/os-release && echo "$PRETTY_NAME"); packages installed (dpkg-query): $(dpkg-query -W -f '${db:Status-Abbrev}\n' | grep -c '^ii')"
echo "# files on the root file system (find / -xdev -type f, less /proc /sys /dev): $(find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o -type f -print 2>/dev/null | wc -l)"

measure() {
	set +e
	"$TIME" -f '%M %e %U %S' -o "$OUT/time.txt" "$OUT/embargo" scan / -o json --quiet > "$OUT/report.json" 2> "$OUT/stderr.txt"
	rc=$?
	set -e
	# 0 clean, 1 restricted software found, 3 incomplete (unreadable files).
	case $rc in
	0 | 1 | 3) ;;
	*)
		echo "host.sh: embargo exited $rc" >&2
		cat "$OUT/stderr.txt" >&2
		exit 1
		;;
	esac
	awk 'END { printf "BenchmarkHost/embargo-scan-root 1 %d maxrss-KiB %.2f wall-s %.2f cpu-s\n", $1, $2, $3 + $4 }' "$OUT/time.txt"
}

measure > /dev/null
: > "$OUT/host.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	measure | tee -a "$OUT/host.txt"
	i=$((i + 1))
done
echo
"$OUT/benchratio" "$OUT/host.txt"
echo "# report: $(grep -o '"format": *"[^"]*"' "$OUT/report.json" | head -1); $(grep -o '"items": *[0-9]*' "$OUT/report.json" | head -1); $(grep -o '"unknown": *[0-9]*' "$OUT/report.json" | head -1)"
echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
