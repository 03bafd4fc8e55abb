// Package neighbours reads ARP and neighbour tables as the tools print
// them, each neighbour with a link-layer address a device on the
// network:
//
//   - Linux iproute2 `ip neigh show` (ip-neighbour(8)): "DST dev DEV
//     lladdr LLADDR [router] [proxy] ... STATE", one entry a line, IPv4
//     and IPv6; and `ip -j neigh show` (-j, --json in ip(8)): a JSON array
//     of objects with "dst", "dev", "lladdr" and "state";
//   - `arp -a` and `arp -an` of Linux net-tools (arp(8): "? (10.0.0.7) at
//     00:11:22:33:44:55 [ether] on eth0") and of FreeBSD and macOS
//     ("? (10.0.0.7) at 0:11:22:33:44:55 on en0 ifscope [ethernet]",
//     macOS dropping leading zeros), and net-tools' `arp -n` table
//     ("Address HWtype HWaddress Flags Mask Iface");
//   - Windows `arp -a`: an "Interface: 10.0.0.2 --- 0xb" line, a column
//     header (in the system's language), then "  10.0.0.7
//     00-11-22-33-44-55     dynamic";
//   - Linux /proc/net/arp (written by arp_seq_show in the kernel's
//     net/ipv4/arp.c): "IP address HW type Flags HW address Mask Device",
//     flags in hex, ATF_COM (0x2) set when the entry is complete.
//
// Lines are recognised one by one, so tables of several tools or hosts
// may be joined in one file; headers are passed over, and any other line
// is an Unknown at its line.
//
// Entries without a link-layer address are not devices and are skipped
// without a count or an Unknown: the INCOMPLETE and FAILED entries of
// ip neigh (no lladdr), "<incomplete>" and "(incomplete)" of arp, flags
// without ATF_COM in /proc/net/arp. So are entries that are the host's
// own mappings rather than neighbours: a multicast or unspecified IP
// address, or the broadcast MAC ff:ff:ff:ff:ff:ff (Windows lists its
// subnet broadcast and multicast groups as static entries). A binding
// printed twice (the same table read by two tools) is one device.
//
// Each neighbour becomes a device item named by the host name arp
// printed, else by its address, with inventory.IP and inventory.MAC
// (lower case, colons). A locally administered or group MAC is kept as
// it is; it names no vendor. Location.Ref is the address and the
// interface, Line the entry's line, Host the address.
package neighbours

import "github.com/embargo-dev/embargo/inventory"

// Hostname is a neighbour's name as `arp -a` printed it (without -n).
const Hostname = inventory.Hostname
