#!/usr/bin/env bash
# Makes real lldpctl output: three lldpd daemons, each in a network
# namespace of its own, advertise themselves over veth pairs to a fourth,
# whose neighbour table is printed with `lldpctl -f keyvalue`, `-f json`
# and `-f json0`; and the table of one that has no neighbour, with `-f
# json`. Nothing leaves the namespaces: the veth pairs join them to each
# other only, and the addresses are from 192.0.2.0/24 and 2001:db8::/32,
# the ranges kept for documentation.
#
#   gen-lldpctl.sh OUTDIR     (as root; needs lldpd and iproute2)
#
# Neighbours: a switch that says it is Huawei's in its system description
# and in LLDP-MED inventory; a switch that speaks LLDP and CDPv2 with a
# ZTE description and platform; a recorder with a two-line description
# (kept in JSON, a space in keyvalue), no LLDP-MED and an IPv6 management
# address.
set -euo pipefail
out=${1:?usage: gen-lldpctl.sh OUTDIR}
mkdir -p "$out"
work=$(mktemp -d)
chmod 755 "$work" # lldpd makes its socket after dropping privileges
tag=emb$$
B=$tag-obs
pids=()
nss=("$B")
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$B"
ip -n "$B" link set lo up

# neighbour NAME LOCAL-IF MAC ADDR DESCRIPTION LLDPD-FLAGS -- lldpcli commands (one an argument)
neighbour() {
	local name=$1 ifname=$2 mac=$3 addr=$4 descr=$5 flags=$6
	shift 7
	local ns=$tag-$name
	ip netns add "$ns"
	nss+=("$ns")
	ip link add "n-$name" netns "$ns" type veth peer name "$ifname" netns "$B"
	ip -n "$ns" link set "n-$name" address "$mac" up
	ip -n "$ns" addr add "$addr" dev "n-$name"
	ip -n "$B" link set "$ifname" up
	: >"$work/$name.conf"
	for c in "$@"; do printf '%s\n' "$c" >>"$work/$name.conf"; done
	# shellcheck disable=SC2086 # flags are words
	ip netns exec "$ns" lldpd -d $flags -S "$descr" -u "$work/$name.sock" -I "n-$name" -O "$work/$name.conf" >"$work/$name.log" 2>&1 &
	pids+=($!)
}

neighbour huawei eth1 00:e0:fc:12:34:56 192.0.2.11/24 \
	"Huawei Versatile Routing Platform Software, VRP (R) software, Version 5.170 (S5735 V200R021C10SPC600)" \
	"-M 4 -m 192.0.2.11" -- \
	"configure system hostname sw-core-01" \
	'configure inventory manufacturer "Huawei Technologies Co., Ltd."' \
	"configure inventory model S5735-L24T4S-A" \
	"configure inventory serial-number 102345678901" \
	"configure inventory firmware-revision V200R021C10SPC600" \
	"configure inventory software-revision 5.170" \
	"configure inventory hardware-revision VER.B" \
	"configure lldp tx-interval 1"
neighbour zte eth2 00:19:c6:ab:cd:ef 192.0.2.12/24 \
	"ZTE ZXR10 5960-52TM-H Software, Version V4.00.10" \
	"-ccc -m 192.0.2.12 -P ZXR10-5960-52TM-H" -- \
	"configure system hostname access-sw-7" \
	"configure lldp tx-interval 1"
neighbour host eth3 3c:ef:8c:01:02:03 2001:db8::13/64 \
	"Embedded Linux 4.9.37
Network Video Recorder" \
	"-m 2001:db8::13" -- \
	"configure system hostname nvr-lobby" \
	"configure lldp tx-interval 1"

ip netns exec "$B" lldpd -d -c -r -u "$work/obs.sock" >"$work/obs.log" 2>&1 &
pids+=($!)

# Wait for the three neighbours. The ZTE switch sends CDPv2 only: with
# CDP forced (-ccc), lldpd sends LLDP only where it speaks no other
# protocol.
for _ in $(seq 1 60); do
	n=$(lldpctl -u "$work/obs.sock" -f keyvalue 2>/dev/null | grep -c '\.via=' || true)
	[ "$n" -ge 3 ] && break
	sleep 0.5
done
# One more interval, so that every neighbour has sent its configured values.
sleep 2
lldpctl -u "$work/obs.sock" -f keyvalue >"$out/lldpctl-keyvalue.txt"
lldpctl -u "$work/obs.sock" -f json >"$out/lldpctl.json"
lldpctl -u "$work/obs.sock" -f json0 >"$out/lldpctl-json0.json"
# The observer only receives (-r): the others have no neighbour.
lldpctl -u "$work/huawei.sock" -f json >"$out/lldpctl-none.json"
n=$(grep -c '\.via=' "$out/lldpctl-keyvalue.txt" || true)
if [ "$n" -lt 3 ]; then
	echo "gen-lldpctl.sh: $n neighbours seen, want 3" >&2
	cat "$work"/*.log >&2
	exit 1
fi
