#!/bin/sh
# Peak memory (and CPU) of attributing a CycloneDX SBOM, whole process,
# against the decoded-SBOM floor, as /usr/bin/time -v reports them (the
# kernel's accounting of the reaped child: maximum resident set size):
#
#   A: bench/cdxdecode FILE        cyclonedx-go decodes FILE and keeps the BOM
#   B: embargo scan FILE -o table --quiet > /dev/null
#
# One unmeasured warm-up each, then ROUNDS rounds of A B, medians and the
# median of the round-by-round ratios B/A (bench/benchratio).
#
#   bench/memory.sh [FILE]     (default: the 100,000-component bench/sbomgen SBOM)
#
# Environment: ROUNDS (default 9), OUT (work folder, default a new temporary
# one). Needs GNU time (Debian package "time").
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-9}
OUT=${OUT:-$(mktemp -d /tmp/embargo-bench.XXXXXX)}
mkdir -p "$OUT"
TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "memory.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 2
fi

go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/cdxdecode" ./bench/cdxdecode
go build -o "$OUT/benchratio" ./bench/benchratio
if [ $# -ge 1 ]; then
	FILE=$1
else
	FILE=$OUT/host-100k.cdx.json
	[ -s "$FILE" ] || go run ./bench/sbomgen -n 100000 -o "$FILE"
fi
echo "# memory.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(go version)"
echo "# file $FILE, $(wc -c < "$FILE") bytes; $ROUNDS rounds"

# measure NAME CMD...: one line in go test -bench format.
measure() {
	name=$1
	shift
	set +e
	"$TIME" -f '%M %e %U %S' -o "$OUT/time.txt" "$@" > /dev/null 2> "$OUT/stderr.txt"
	rc=$?
	set -e
	# embargo exits 1 when it finds restricted software, 3 when incomplete.
	case "$name:$rc" in
	*:0 | embargo*:1 | embargo*:3) ;;
	*)
		echo "memory.sh: $name exited $rc" >&2
		cat "$OUT/stderr.txt" >&2
		exit 1
		;;
	esac
	awk -v n="$name" 'END { printf "BenchmarkMaxRSS/%s 1 %d maxrss-KiB %.2f wall-s %.2f cpu-s\n", n, $1, $2, $3 + $4 }' "$OUT/time.txt"
}

a() { measure cdxdecode "$OUT/cdxdecode" "$FILE"; }
b() { measure embargo-scan "$OUT/embargo" scan "$FILE" -o table --quiet; }

a > /dev/null
b > /dev/null
: > "$OUT/memory.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	a | tee -a "$OUT/memory.txt"
	b | tee -a "$OUT/memory.txt"
	i=$((i + 1))
done
echo
"$OUT/benchratio" -unit maxrss-KiB "$OUT/memory.txt" MaxRSS/embargo-scan:MaxRSS/cdxdecode
"$OUT/benchratio" -unit cpu-s "$OUT/memory.txt" MaxRSS/embargo-scan:MaxRSS/cdxdecode | tail -1
"$OUT/benchratio" -unit wall-s "$OUT/memory.txt" MaxRSS/embargo-scan:MaxRSS/cdxdecode | tail -1
