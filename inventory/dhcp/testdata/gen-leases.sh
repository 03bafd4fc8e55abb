#!/usr/bin/env bash
# Makes real lease databases: a DHCP server (ISC dhcpd, Kea or dnsmasq) in
# a network namespace of its own serves four clients, each in a namespace
# of its own, joined to the server's bridge by veth pairs; the server's
# lease file is then copied out. Nothing leaves the namespaces: the veth
# pairs join them to each other only, and the addresses are from
# 192.0.2.0/24 (and 2001:db8::/64 for dnsmasq's DHCPv6), the ranges kept
# for documentation.
#
#   gen-leases.sh dhcpd|kea|dnsmasq OUTFILE    (as root)
#
# Needs iproute2, busybox (udhcpc), isc-dhcp-client (dhclient) and the
# server: isc-dhcp-server, kea-dhcp4-server or dnsmasq-base.
#
# Clients (MACs from the vendors' IEEE assignments):
#   cam   c0:56:e3:00:00:01  busybox udhcpc, host name cam-01, its default
#                            vendor class ("udhcp 1.35.0")
#   phone d4:6b:a6:00:00:02  dhclient, host name HUAWEI_P30, vendor class
#                            "HUAWEI:android:ELE-L29"
#   nvr   08:ed:ed:00:00:03  busybox udhcpc, host name nvr-lobby, vendor
#                            class "DHI-NVR4208"
#   gone  02:00:5e:00:00:04  dhclient, host name laptop-7, which releases
#                            its lease before the file is copied (a locally
#                            administered MAC)
# For dnsmasq the phone also takes a DHCPv6 address.
set -euo pipefail
server=${1:?usage: gen-leases.sh dhcpd|kea|dnsmasq OUTFILE}
out=${2:?usage: gen-leases.sh dhcpd|kea|dnsmasq OUTFILE}
work=$(mktemp -d)
chmod 755 "$work"
tag=emb$$
S=$tag-srv
pids=()
nss=("$S")
cleanup() {
	# dhclient goes to the background once it has a lease: its pid file
	# says where.
	for f in "$work"/*.pid; do
		[ -s "$f" ] && pids+=("$(cat "$f")")
	done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$S"
ip netns exec "$S" sysctl -qw net.ipv6.conf.default.accept_dad=0
ip -n "$S" link set lo up
ip -n "$S" link add br0 type bridge
ip -n "$S" addr add 192.0.2.1/24 dev br0
ip -n "$S" addr add 2001:db8::1/64 dev br0 nodad
ip -n "$S" link set br0 up

client() { # NAME MAC
	local ns=$tag-$1
	ip netns add "$ns"
	nss+=("$ns")
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
	ip -n "$ns" link set lo up
	ip link add eth0 netns "$ns" address "$2" type veth peer name "v-$1" netns "$S"
	ip -n "$S" link set "v-$1" master br0 up
	ip -n "$ns" link set eth0 up
}
client cam c0:56:e3:00:00:01
client phone d4:6b:a6:00:00:02
client nvr 08:ed:ed:00:00:03
client gone 02:00:5e:00:00:04

case $server in
dhcpd)
	lease=$work/dhcpd.leases
	: >"$lease"
	cat >"$work/dhcpd.conf" <<-CONF
		authoritative;
		default-lease-time 600;
		max-lease-time 600;
		subnet 192.0.2.0 netmask 255.255.255.0 {
		  range 192.0.2.100 192.0.2.150;
		}
	CONF
	ip netns exec "$S" dhcpd -4 -f -q -cf "$work/dhcpd.conf" -lf "$lease" -pf "$work/dhcpd.pid" br0 >"$work/server.log" 2>&1 &
	;;
kea)
	lease=$work/kea-leases4.csv
	cat >"$work/kea.json" <<-CONF
		{ "Dhcp4": {
		  "interfaces-config": { "interfaces": [ "br0" ], "dhcp-socket-type": "raw" },
		  "lease-database": { "type": "memfile", "persist": true, "name": "$lease", "lfc-interval": 0 },
		  "valid-lifetime": 600,
		  "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.100 - 192.0.2.150" } ] } ],
		  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ], "severity": "WARN" } ]
		} }
	CONF
	KEA_PIDFILE_DIR=$work KEA_LOCKFILE_DIR=$work ip netns exec "$S" kea-dhcp4 -c "$work/kea.json" >"$work/server.log" 2>&1 &
	;;
dnsmasq)
	lease=$work/dnsmasq.leases
	ip netns exec "$S" dnsmasq --no-daemon --port=0 --interface=br0 --bind-interfaces --no-resolv --no-hosts \
		--dhcp-range=192.0.2.100,192.0.2.150,10m --dhcp-range=2001:db8::100,2001:db8::1ff,64,10m \
		--no-ping --dhcp-leasefile="$lease" --pid-file="$work/dnsmasq.pid" --user=root --group=root \
		--log-facility=- >"$work/server.log" 2>&1 &
	;;
*)
	echo "gen-leases.sh: unknown server $server" >&2
	exit 2
	;;
esac
pids+=($!)
sleep 1

udhcpc() { # NAME ARGS...
	local ns=$tag-$1
	shift
	ip netns exec "$ns" busybox udhcpc -i eth0 -q -n -t 5 -T 1 -s /bin/true "$@" >>"$work/client.log" 2>&1
}
dhclient() { # NAME HOSTNAME VENDOR [-6|-r]
	local ns=$tag-$1 conf=$work/$1.dhclient.conf v=${4:-}
	v=${v/-r/} # the release uses the lease file of the request
	{
		printf 'send host-name "%s";\n' "$2"
		[ -n "$3" ] && printf 'send vendor-class-identifier "%s";\n' "$3"
	} >"$conf"
	shift 3
	ip netns exec "$ns" /usr/sbin/dhclient -1 -v -cf "$conf" -lf "$work/$ns$v.lease" \
		-pf "$work/$ns$v.pid" -sf /bin/true "$@" eth0 >>"$work/client.log" 2>&1
}

udhcpc cam -x hostname:cam-01
dhclient phone HUAWEI_P30 HUAWEI:android:ELE-L29
udhcpc nvr -x hostname:nvr-lobby -V DHI-NVR4208
dhclient gone laptop-7 ""
# The release is sent from the leased address, which the client's script
# (/bin/true here, so as to change nothing outside the namespace) did not
# set.
addr=$(sed -n 's/^ *fixed-address \(.*\);/\1/p' "$work/$tag-gone.lease" | tail -1)
ip -n "$tag-gone" addr add "$addr/24" dev eth0
dhclient gone laptop-7 "" -r
if [ "$server" = dnsmasq ]; then
	dhclient phone HUAWEI_P30 "" -6
fi
sleep 1
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()
cp "$lease" "$out"
if ! grep -q 'c0:56:e3:00:00:01' "$out"; then
	echo "gen-leases.sh: the camera has no lease" >&2
	cat "$work/server.log" "$work/client.log" >&2
	exit 1
fi
