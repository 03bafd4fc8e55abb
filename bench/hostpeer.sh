#!/bin/sh
# The whole-host comparison with osv-scalibr of BENCHMARKS.md ("Host scan
# against osv-scalibr"): `embargo scan /` must take under half of
# scalibr's wall time and no more memory on the same root.
#
# Rounds run A B C A B C ... so that each ratio compares runs made at
# nearly the same moment (the machine is shared): embargo with every
# default collector (dpkg and the other OS databases, Python, npm, Go
# programs, Java archives, .NET, models, services, trust stores, ...),
# scalibr with its default extractors, and scalibr with the
# installed-software set of shared/reference/scalibr-eval.md (its
# language and OS extractors without the declared-dependency ones).
# GNU time gives wall time and maximum resident set size; bench/benchratio
# gives medians and the paired ratios. Both skip /proc, /sys, /dev, /run
# and /tmp; embargo also stays on the root file system.
#
#   SCALIBR=/path/to/scalibr bench/hostpeer.sh     (ROUNDS=5)
#
# Without SCALIBR, scalibr v0.5.3 is installed from the Go module proxy
# into the output folder (minutes, once).
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
OUT=${OUT:-$(mktemp -d /tmp/embargo-hostpeer.XXXXXX)}
mkdir -p "$OUT"
TIME=/usr/bin/time
if ! "$TIME" -f %M true >/dev/null 2>&1; then
	echo "hostpeer.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 2
fi
if [ -z "${SCALIBR:-}" ]; then
	GOBIN="$OUT/bin" GOFLAGS= go install github.com/google/osv-scalibr/binary/scalibr@v0.5.3
	SCALIBR="$OUT/bin/scalibr"
fi
go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/benchratio" ./bench/benchratio
SKIP=/proc,/sys,/dev,/run,/tmp
INSTALLED=os,javascript/packagejson,javascript/electronasar,javascript/vsix,python/wheelegg,python/condameta,go/binary,java/archive,dotnet/pe,rust/cargoauditable,ruby/gem,vscode/extensions,chrome/extensions,wordpress/plugins,sbom/cdx,sbom/spdx
echo "# hostpeer.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"

# run NAME CMD...: one measured run, as a benchmark line.
run() {
	name=$1
	shift
	set +e
	"$TIME" -f '%M %e %U %S' -o "$OUT/time.txt" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
	set -e
	awk -v n="$name" 'END { printf "BenchmarkHost/%s 1 %.0f ms %d maxrss-KiB\n", n, $2 * 1000, $1 }' "$OUT/time.txt"
}
embargo() { run embargo "$OUT/embargo" scan / -o json --quiet; }
scalibr_default() { run scalibr-default "$SCALIBR" --root=/ --skip-dirs=$SKIP --result="$OUT/default.textproto"; }
scalibr_installed() { run scalibr-installed "$SCALIBR" --root=/ --skip-dirs=$SKIP --plugins=$INSTALLED --result="$OUT/installed.textproto"; }

embargo > /dev/null
scalibr_default > /dev/null
scalibr_installed > /dev/null
: > "$OUT/host.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	{ embargo; scalibr_default; scalibr_installed; } | tee -a "$OUT/host.txt"
	i=$((i + 1))
done
echo
"$OUT/benchratio" -unit ms "$OUT/host.txt" Host/embargo:Host/scalibr-default Host/embargo:Host/scalibr-installed
"$OUT/benchratio" -unit maxrss-KiB "$OUT/host.txt" Host/embargo:Host/scalibr-default Host/embargo:Host/scalibr-installed
echo "# embargo: $(grep -o '"items": [0-9]*' "$OUT/embargo.out" | head -1) (report $OUT/embargo.out)"
