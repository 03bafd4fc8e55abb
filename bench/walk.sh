#!/bin/sh
# The host-walk benchmark of BENCHMARKS.md ("Host walk"):
#
#   Scanning a tree of 200,000 small files takes at most 2x the time of
#   `find TREE -type f` on the same tree, in the same run.
#
# bench/treegen writes the deterministic tree (200,000 files of 0-2 KiB,
# depth 3-6, fan-out 6-14, plus the files collectors want: a dpkg database
# of 1,000 packages, systemd units, a browser extension, a macOS bundle,
# a launchd plist, a program under Program Files). Then:
#
#   A: find TREE -type f > /dev/null
#   B: embargo scan TREE -o json --quiet > /dev/null
#
# Caches are not dropped (the machine is shared): one untimed run of each
# warms the page cache and the dentry cache, so both run from memory.
# Then ROUNDS rounds of A B; wall time by date +%s%N around each command,
# CPU and peak RSS by GNU time; medians and the median of the
# round-by-round ratios B/A (bench/benchratio).
#
#   bench/walk.sh            (ROUNDS=11, N=200000; OUT keeps the tree and raw output)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-11}
N=${N:-200000}
OUT=${OUT:-$(mktemp -d /tmp/embargo-walk.XXXXXX)}
mkdir -p "$OUT"
TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "walk.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 2
fi
go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/benchratio" ./bench/benchratio
TREE=$OUT/tree-$N
[ -d "$TREE" ] || go run ./bench/treegen -n "$N" -o "$TREE"
echo "# walk.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# tree $TREE: $(find "$TREE" -type f | wc -l) files, $(find "$TREE" -type d | wc -l) folders, $(du -sh "$TREE" | cut -f1); $ROUNDS rounds"

# measure NAME CMD...: one line in go test -bench format.
measure() {
	name=$1
	shift
	start=$(date +%s%N)
	set +e
	"$TIME" -f '%M %U %S' -o "$OUT/time.txt" "$@" > /dev/null 2> "$OUT/stderr.txt"
	rc=$?
	set -e
	end=$(date +%s%N)
	# embargo exits 1 when it finds restricted software (kesl is planted).
	case "$name:$rc" in
	*:0 | embargo*:1) ;;
	*)
		echo "walk.sh: $name exited $rc" >&2
		cat "$OUT/stderr.txt" >&2
		exit 1
		;;
	esac
	awk -v n="$name" -v ns=$((end - start)) 'END { printf "BenchmarkWalk/%s 1 %d ns/op %.2f cpu-s %d maxrss-KiB\n", n, ns, $2 + $3, $1 }' "$OUT/time.txt"
}

a() { measure find find "$TREE" -type f; }
b() { measure embargo-scan "$OUT/embargo" scan "$TREE" -o json --quiet; }

a > /dev/null
b > /dev/null
: > "$OUT/walk.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	a | tee -a "$OUT/walk.txt"
	b | tee -a "$OUT/walk.txt"
	i=$((i + 1))
done
echo
"$OUT/benchratio" -unit ns/op "$OUT/walk.txt" Walk/embargo-scan:Walk/find
"$OUT/benchratio" -unit cpu-s "$OUT/walk.txt" Walk/embargo-scan:Walk/find | tail -1
echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
