#!/bin/sh
# Regenerates every figure of BENCHMARKS.md:
#
#   1. the in-process Go benchmarks of scan/ (cyclonedx-go decode floor,
#      full read + attribution, and its two parts) and catalog/ (fresh load
#      of the embedded catalogue), ROUNDS rounds of -count 1 each, so that
#      the floor and the attribution of one round run back to back in the
#      same process and noise spreads over all of them; medians, and the
#      median of the round-by-round ratios (bench/benchratio);
#   2. bench/memory.sh: peak RSS of `embargo scan` against cdxdecode.
#
#   bench/run.sh            (ROUNDS=10 by default; OUT keeps the raw output)
#
# The SBOM is the deterministic 100,000-component one of bench/gen; the
# benchmarks generate it in memory, memory.sh writes it under OUT.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-10}
OUT=${OUT:-$(mktemp -d /tmp/embargo-bench.XXXXXX)}
mkdir -p "$OUT"
echo "# bench/run.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# raw output in $OUT"

go build -o "$OUT/benchratio" ./bench/benchratio
go test -c -o "$OUT/scan.test" ./scan/
go test -c -o "$OUT/catalog.test" ./catalog/
go run ./bench/sbomgen -n 100000 -o "$OUT/host-100k.cdx.json"

: > "$OUT/scan.txt"
: > "$OUT/catalog.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	"$OUT/scan.test" -test.run '^$' -test.bench 'CycloneDX' -test.benchmem -test.count 1 >> "$OUT/scan.txt"
	"$OUT/catalog.test" -test.run '^$' -test.bench 'LoadCatalog' -test.benchmem -test.count 1 >> "$OUT/catalog.txt"
	i=$((i + 1))
done

echo
echo "## scan: $ROUNDS rounds"
"$OUT/benchratio" "$OUT/scan.txt" AttributeCycloneDX:DecodeCycloneDXGo ReadCycloneDX:DecodeCycloneDXGo AttributeItemsCycloneDX:DecodeCycloneDXGo
"$OUT/benchratio" -unit B/op "$OUT/scan.txt" AttributeCycloneDX:DecodeCycloneDXGo | tail -1
echo
echo "## catalog: $ROUNDS rounds"
"$OUT/benchratio" "$OUT/catalog.txt"
echo
echo "## memory"
OUT=$OUT bench/memory.sh "$OUT/host-100k.cdx.json" | sed -n '/^$/,$p'
echo
echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
