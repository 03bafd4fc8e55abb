#!/bin/sh
# The nfdump comparison of BENCHMARKS.md ("nfdump"):
#
#   the same flows read and filtered by nfdump (Debian): report the ratio.
#
# 1. BenchmarkDecodeExport (egress/netflow) writes a capture of PACKETS
#    generated packets (flows of 10 packets, 10.0.0.0/8 to 198.18.0.0/15).
# 2. softflowd reads it and exports NetFlow v9 to nfcapd on 127.0.0.1
#    while tcpdump records the export datagrams, so both sides read the
#    very same flows.
# 3. Rounds of
#      nfdump -r FILE -q 'proto tcp and dst net 198.18.0.0/15' > /dev/null
#    (read the nfcapd file and filter) timed by GNU time, and of the
#    Decoder over the recorded datagrams (BenchmarkDecodeExport
#    -export.pcap, ns per pass over all of them).
#
#   bench/nfdump.sh            (ROUNDS=5 PACKETS=1000000)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
PACKETS=${PACKETS:-1000000}
PORT=${PORT:-9995}
OUT=${OUT:-$(mktemp -d /tmp/embargo-nfdump.XXXXXX)}
mkdir -p "$OUT/nfcapd"
for c in softflowd softflowctl nfcapd nfdump tcpdump; do
	command -v "$c" >/dev/null || { echo "nfdump.sh: $c is needed (Debian packages softflowd, nfdump, tcpdump)" >&2; exit 2; }
done
echo "# nfdump.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(nfdump -V 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench BenchmarkDecodeExport -benchtime 1x ./egress/netflow -args -export.packets "$PACKETS" -export.capture "$OUT/traffic.pcap" > /dev/null

tcpdump -i lo -U -w "$OUT/export.pcap" "udp dst port $PORT" 2> "$OUT/tcpdump.txt" &
TD=$!
nfcapd -w "$OUT/nfcapd" -p "$PORT" -b 127.0.0.1 -B 33554432 > "$OUT/nfcapd.txt" 2>&1 &
NC=$!
sleep 1
softflowd -d -r "$OUT/traffic.pcap" -n "127.0.0.1:$PORT" -v 9 -a -m 200000 -p "$OUT/sf.pid" -c "$OUT/sf.ctl" > "$OUT/softflowd.txt" 2>&1 &
SF=$!
# softflowd reading a file may wait on its control socket at the end:
# ask it to shut down once every packet is processed.
while kill -0 "$SF" 2>/dev/null; do
	if softflowctl -c "$OUT/sf.ctl" statistics 2>/dev/null | grep -q "Packets processed: $PACKETS"; then
		softflowctl -c "$OUT/sf.ctl" shutdown > /dev/null 2>&1 || true
	fi
	sleep 0.2
done
sleep 1
kill -TERM "$NC"
wait "$NC" || true
kill "$TD"
wait "$TD" || true
FILE=$(ls "$OUT"/nfcapd/nfcapd.* | head -1)
echo "# export: $(grep -o '[0-9]* packets captured' "$OUT/tcpdump.txt"); nfcapd file $FILE: $(nfdump -r "$FILE" -q | wc -l) flows"

: > "$OUT/nfdump.txt"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	/usr/bin/time -f '%e %U %S' -o "$OUT/time.txt" nfdump -r "$FILE" -q 'proto tcp and dst net 198.18.0.0/15' > /dev/null
	awk 'END { printf "BenchmarkNfdump/read-filter 1 %.0f ns/op\n", $1 * 1e9 }' "$OUT/time.txt" | tee -a "$OUT/nfdump.txt"
	go test -run '^$' -bench BenchmarkDecodeExport -benchtime 10x ./egress/netflow -args -export.pcap "$OUT/export.pcap" |
		sed -n 's/^BenchmarkDecodeExport-[0-9]*[[:space:]]*[0-9]*[[:space:]]*\([0-9.]*\) ns\/op.*/BenchmarkNfdump\/embargo-decode 1 \1 ns\/op/p' | tee -a "$OUT/nfdump.txt"
	i=$((i + 1))
done
echo
go run ./bench/benchratio "$OUT/nfdump.txt" Nfdump/read-filter:Nfdump/embargo-decode
echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
