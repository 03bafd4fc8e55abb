#!/usr/bin/env bash
# The fleet benchmarks of BENCHMARKS.md ("Fleet"), issue 6:
#
#   Ingest of 10,000 systems x 2,000 items from simulated agents: uploads
#   per second and p95 latency, on SQLite and on PostgreSQL; the overview
#   page and the department report at 50,000 systems with p95 under 200 ms.
#
# For each store (SQLite in a data folder; PostgreSQL in a private cluster
# this script starts on loopback):
#   1. `embargo serve` on 127.0.0.1, an admin and 10 departments'
#      enrolment tokens made with `embargo admin`;
#   2. HOSTS simulated agents (bench/fleetload upload) enrol and upload a
#      real scan report of ITEMS dpkg packages (3 of a restricted
#      supplier, so each upload is judged into findings), C at a time;
#   3. more agents with small reports (SMALL items) until the estate
#      holds PAGEHOSTS hosts, then the overview page and one department's
#      report fetched N times, 4 at a time (bench/fleetload pages).
#
#   bench/fleet.sh      (HOSTS=10000 ITEMS=2000 PAGEHOSTS=50000 STORES="sqlite postgres")
#   PAGES_ONLY=1 OUT=/tmp/embargo-fleet.XXXXXX bench/fleet.sh
#                       measures the pages again over the stores an earlier run
#                       left in OUT (with the binary built now), without uploading
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-10000}
ITEMS=${ITEMS:-2000}
SMALL=${SMALL:-20}
PAGEHOSTS=${PAGEHOSTS:-50000}
C=${C:-8}
N=${N:-200}
STORES=${STORES:-sqlite postgres}
OUT=${OUT:-$(mktemp -d /tmp/embargo-fleet.XXXXXX)}
mkdir -p "$OUT"
chmod 755 "$OUT"
go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/fleetload" ./bench/fleetload
echo "# fleet.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"

"$OUT/fleetload" status -items "$ITEMS" > "$OUT/status"
"$OUT/embargo" scan --format dpkg "$OUT/status" -o json --quiet > "$OUT/report.json" || [ $? -eq 1 ]
"$OUT/fleetload" status -items "$SMALL" > "$OUT/status-small"
"$OUT/embargo" scan --format dpkg "$OUT/status-small" -o json --quiet > "$OUT/report-small.json" || [ $? -eq 1 ]
echo "# report: $ITEMS items, $(wc -c < "$OUT/report.json") bytes of JSON; small report: $SMALL items"

pg_start() {
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
	PG_BIN=$bin
	mkdir -p "$OUT/pg"
	chown postgres "$OUT/pg"
	[ -d "$OUT/pg/data" ] || runuser -u postgres -- "$bin/initdb" -D "$OUT/pg/data" -A trust -U embargo >/dev/null
	runuser -u postgres -- "$bin/pg_ctl" -D "$OUT/pg/data" -l "$OUT/pg/log" -w \
		-o "-h 127.0.0.1 -p 55432 -k $OUT/pg -c fsync=on -c shared_buffers=512MB" start >/dev/null
	runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p 55432 -U embargo embargo 2>/dev/null || [ -n "${PAGES_ONLY:-}" ]
}

pg_stop() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$OUT/pg/data" -m fast stop >/dev/null || true
}

for store in $STORES; do
	data="$OUT/$store-data"
	mkdir -p "$data"
	case $store in
	sqlite) db=(--data "$data") ;;
	postgres) pg_start; db=(--data "$data" --db "postgres://embargo@127.0.0.1:55432/embargo?sslmode=disable") ;;
	esac
	echo "bench-password-$RANDOM$RANDOM" > "$OUT/password"
	admin=admin-$RANDOM$RANDOM
	"$OUT/embargo" admin create-user "${db[@]}" --username "$admin" --role admin --password-stdin < "$OUT/password"
	: > "$OUT/tokens"
	for d in $(seq 0 9); do
		"$OUT/embargo" admin create-enrollment-token "${db[@]}" --department "DEPT$d" --uses 100000 --expires 24h >> "$OUT/tokens"
	done
	"$OUT/embargo" serve "${db[@]}" --listen 127.0.0.1:18080 --enroll-rate 1000000 2> "$OUT/$store-serve.log" &
	serve=$!
	for _ in $(seq 600); do curl -fs http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.2; done

	if [ -z "${PAGES_ONLY:-}" ]; then
	echo "# $store: $HOSTS hosts x $ITEMS items, $C at a time"
	"$OUT/fleetload" upload -server http://127.0.0.1:18080 -tokens "$OUT/tokens" -report "$OUT/report.json" \
		-hosts "$HOSTS" -c "$C" | sed "s/^BenchmarkUpload/BenchmarkUpload\/$store/"
	if [ "$PAGEHOSTS" -gt "$HOSTS" ]; then
		"$OUT/fleetload" upload -server http://127.0.0.1:18080 -tokens "$OUT/tokens" -report "$OUT/report-small.json" \
			-hosts $((PAGEHOSTS - HOSTS)) -first "$HOSTS" -c "$C" > "$OUT/$store-fill.txt"
	fi
	fi
	echo "# $store: pages at $PAGEHOSTS hosts, $N fetches, 4 at a time"
	"$OUT/fleetload" pages -server http://127.0.0.1:18080 -user "$admin" -password-file "$OUT/password" -n "$N" -c 4 \
		/ /reports/DEPT3 /departments/DEPT3 | sed "s/^BenchmarkPage/BenchmarkPage\/$store/"
	echo "# $store: store size $(du -sh "$data" | cut -f1)$( [ "$store" = postgres ] && echo ", cluster $(du -sh "$OUT/pg/data" | cut -f1)")"
	kill "$serve"
	wait "$serve" || true
	[ "$store" = postgres ] && pg_stop
done
