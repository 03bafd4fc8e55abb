#!/usr/bin/env bash
# Re-judging the estate after a data feed change (BENCHMARKS.md, "Issue
# 16"): HOSTS hosts of ITEMS items each on PostgreSQL, REPLICAS servers
# on the one database sharing the work, pages fetched while they do it.
#
#   1. a private PostgreSQL cluster on loopback, REPLICAS `embargo serve`
#      on it trusting a feed repository made here (embargo feed init);
#   2. HOSTS simulated agents upload a real scan report of ITEMS dpkg
#      packages (bench/fleetload: each host has one package of its own and
#      three of restricted suppliers, so every host has findings);
#   3. two feeds installed with `embargo admin install-feed`, each timed
#      from the install until /api/v1/policy/status says done:
#        same  — the catalogue with one more comment line (new data, the
#                same findings: every host judged again, none written);
#        drop  — the packs without uk-ncsc-2017-russia-av... every host's
#                findings change (the worst case: every host written);
#      while the overview and a department page are fetched, 2 at a time.
#
#   Before the feeds, the same pages are fetched N times with nothing
#   under way: the floor the pages during re-judging are compared with.
#
#   bench/rejudge.sh        (HOSTS=50000 ITEMS=2000 REPLICAS=2 N=200;
#                            WORKERS=n passes --rejudge-workers n to each server)
#   RERUN=1 OUT=/tmp/embargo-rejudge.XXXXXX bench/rejudge.sh
#                           measures again over the estate an earlier run left in
#                           OUT, with the binary built now: two more feeds, the
#                           same facts again, then the pack dropped or brought
#                           back (every host's findings change)
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-50000}
ITEMS=${ITEMS:-2000}
REPLICAS=${REPLICAS:-2}
C=${C:-8}
N=${N:-200}
WORKERS=${WORKERS:-}
OUT=${OUT:-$(mktemp -d /tmp/embargo-rejudge.XXXXXX)}
mkdir -p "$OUT"
chmod 755 "$OUT"
go build -o "$OUT/embargo" ./cmd/embargo
go build -o "$OUT/fleetload" ./bench/fleetload
echo "# rejudge.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(go version); load $(cut -d' ' -f1-3 /proc/loadavg)"

E="$OUT/embargo"
ROOT="$OUT/repo/metadata/1.root.json"
publish() { # version catalogue-dir packs-dir → bundle
	"$E" feed publish --repo "$OUT/repo" --version "$1" --catalog "$2" --packs "$3" --targets-key "$OUT/targets.key" \
		--snapshot-key "$OUT/snapshot.key" --timestamp-key "$OUT/timestamp.key" 2> /dev/null
	"$E" feed bundle --repo "$OUT/repo" --out "$OUT/feed-$1.tar" 2> /dev/null
}
if [ -z "${RERUN:-}" ]; then
	"$OUT/fleetload" status -items "$ITEMS" > "$OUT/status"
	"$E" scan --format dpkg "$OUT/status" -o json --quiet > "$OUT/report.json" || [ $? -eq 1 ]
	# The feed repository and its keys; the catalogue with one more
	# comment line; the packs without one that fires on every host.
	for k in root targets snapshot timestamp; do "$E" feed keygen --out "$OUT/$k.key" > /dev/null; done
	"$E" feed init --repo "$OUT/repo" --root-key "$OUT/root.key" --targets-key "$OUT/targets.key" \
		--snapshot-key "$OUT/snapshot.key" --timestamp-key "$OUT/timestamp.key" 2> /dev/null
	mkdir -p "$OUT/cat-same" "$OUT/packs-drop"
	cp catalog/data/*.yaml "$OUT/cat-same/"
	echo "# a comment: the same facts, another digest" >> "$OUT/cat-same/instruments.yaml"
	cp policy/packs/*.yaml "$OUT/packs-drop/"
	rm "$OUT/packs-drop/uk-ncsc-2017-russia-av.yaml"
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$OUT/pg"
chown postgres "$OUT/pg"
[ -n "${RERUN:-}" ] || runuser -u postgres -- "$bin/initdb" -D "$OUT/pg/data" -A trust -U embargo > /dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$OUT/pg/data" -l "$OUT/pg/log" -w \
	-o "-h 127.0.0.1 -p 55433 -k $OUT/pg -c fsync=on -c shared_buffers=512MB" start > /dev/null
trap 'kill $(jobs -p) 2>/dev/null; runuser -u postgres -- "$bin/pg_ctl" -D "$OUT/pg/data" -m fast stop > /dev/null || true' EXIT
db=(--data "$OUT/data" --db "postgres://embargo@127.0.0.1:55433/embargo?sslmode=disable")
if [ -z "${RERUN:-}" ]; then
	runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p 55433 -U embargo embargo
	mkdir -p "$OUT/data"
	echo "bench-password-$RANDOM$RANDOM" > "$OUT/password"
	"$E" admin create-user "${db[@]}" --username admin --role admin --password-stdin < "$OUT/password"
	: > "$OUT/tokens"
	for d in $(seq 0 9); do
		"$E" admin create-enrollment-token "${db[@]}" --department "DEPT$d" --uses 100000 --expires 24h >> "$OUT/tokens"
	done
fi
for r in $(seq 1 "$REPLICAS"); do
	EMBARGO_DATA_DIR="$OUT/feed-$r" "$E" serve "${db[@]}" --listen "127.0.0.1:1818$r" --metrics-listen "" --enroll-rate 1000000 \
		--agent-rate 1000000 --trust-root "$ROOT" ${WORKERS:+--rejudge-workers "$WORKERS"} 2> "$OUT/serve-$r.log" &
done
for r in $(seq 1 "$REPLICAS"); do
	for _ in $(seq 600); do curl -fs "http://127.0.0.1:1818$r/readyz" > /dev/null && break; sleep 0.2; done
done

if [ -z "${RERUN:-}" ]; then
	echo "# $HOSTS hosts x $ITEMS items, $C at a time, spread over $REPLICAS server(s)"
	"$OUT/fleetload" upload -server http://127.0.0.1:18181 -tokens "$OUT/tokens" -report "$OUT/report.json" -hosts "$HOSTS" -c "$C"
fi
echo "# store: cluster $(du -sh "$OUT/pg/data" | cut -f1), $(psql -h 127.0.0.1 -p 55433 -U embargo -d embargo -Atc 'SELECT COUNT(*) FROM hosts') hosts"

status() { curl -fs -b "$OUT/cookies" "http://127.0.0.1:18181/api/v1/policy/status"; }
curl -fs -c "$OUT/cookies" -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$(cat "$OUT/password")\"}" http://127.0.0.1:18181/api/v1/login > /dev/null
version() { status | sed -n 's/.*"version": \([0-9]*\).*/\1/p'; }
done_() { status | sed -n 's/.*"done": \([0-9]*\).*/\1/p'; }
until [ "$(version)" = "$(done_)" ]; do sleep 1; done # anything under way first
"$OUT/fleetload" pages -server http://127.0.0.1:18181 -user admin -password-file "$OUT/password" -n "$N" -c 2 \
	/ /departments/DEPT3 | sed "s/^BenchmarkPage/BenchmarkPageIdle/" | grep '^Benchmark' || true

run() { # name catalogue packs
	publish "$1" "$2" "$3"
	local t0 t1
	t0=$(date +%s.%N)
	"$E" admin install-feed "${db[@]}" --trust-root "$ROOT" "$OUT/feed-$1.tar"
	rm -f "$OUT/stop"
	"$OUT/fleetload" pages -server http://127.0.0.1:18181 -user admin -password-file "$OUT/password" -c 2 -stop "$OUT/stop" \
		/ /departments/DEPT3 > "$OUT/pages-$1.txt" 2>&1 &
	local pages=$!
	local v
	v=$(version)
	until [ "$(done_)" = "$v" ]; do sleep 0.2; done
	t1=$(date +%s.%N)
	touch "$OUT/stop"
	wait "$pages" || true
	echo "BenchmarkRejudge/$1/hosts=$HOSTS/replicas=$REPLICAS 1 $(echo "$t1 - $t0" | bc) s"
	echo "# $1: $(psql -h 127.0.0.1 -p 55433 -U embargo -d embargo -Atc "SELECT COUNT(*) || ' findings changed on ' || COUNT(DISTINCT host_id) || ' hosts' FROM finding_changes WHERE version = $v")"
	sed "s/^BenchmarkPage/BenchmarkPageDuringRejudge\/$1/" "$OUT/pages-$1.txt" | grep '^Benchmark' || true
}
n=$(find "$OUT" -maxdepth 1 -name 'feed-*.tar' | wc -l)
if [ "$n" = 0 ]; then
	run same "$OUT/cat-same" policy/packs
	run drop "$OUT/cat-same" "$OUT/packs-drop"
else
	mkdir -p "$OUT/cat-$n"
	cp "$OUT"/cat-same/*.yaml "$OUT/cat-$n/"
	echo "# another comment: $n" >> "$OUT/cat-$n/instruments.yaml"
	if [ $((n % 4)) = 2 ]; then # the pack is dropped: bring it back
		run "same$n" "$OUT/cat-$n" "$OUT/packs-drop"
		run "back$n" "$OUT/cat-$n" policy/packs
	else
		run "same$n" "$OUT/cat-$n" policy/packs
		run "drop$n" "$OUT/cat-$n" "$OUT/packs-drop"
	fi
fi
