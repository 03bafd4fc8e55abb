// Package dhcp reads the lease databases of DHCP servers, each as its
// server writes it, recognised by content:
//
//   - ISC dhcpd's dhcpd.leases, as dhcpd.leases(5) describes it: lease
//     and ia_na/ia_ta declarations in the syntax of dhcpd.conf(5). The
//     file is a journal: every time a lease is acquired, renewed or
//     released, its new value is written at the end of the file, so the
//     last declaration of an address is the one in effect. Host, group
//     and class declarations (objects made through OMAPI) and failover
//     peer states are configuration, not leases, and are skipped.
//   - Kea's memfile CSV (kea-leases4.csv, kea-leases6.csv), with the
//     columns CSVLeaseFile4 and CSVLeaseFile6 write (ISC kea,
//     src/lib/dhcpsrv/csv_lease_file4.cc and csv_lease_file6.cc), found
//     by name in the header. It is a journal too (lease_file_loader.h):
//     a later row for an address replaces an earlier one, and a row with
//     a valid lifetime of 0 removes the lease.
//   - dnsmasq's dnsmasq.leases, written whole by lease_update_file() in
//     dnsmasq's src/lease.c: "<expiry> <MAC> <IPv4> <hostname|*>
//     <client-id|*>" a line, then for DHCPv6 a "duid <server DUID>" line
//     and "<expiry> <IAID> <IPv6> <hostname|*> <client DUID>" lines.
//
// Each lease held by a client now becomes a device: its address, its MAC
// (lower-case colon form; a locally administered or group MAC is kept as
// it is, though no IEEE block names its maker), the host name the client
// sent (DHCP option 12, or the name the server recorded) as the item's
// name, and, where the server records it (dhcpd's "set
// vendor-class-identifier"), the client's vendor class (option 60:
// "udhcp 1.35.0", "HUAWEI:android:...", "dhcpcd-...") as VendorClass.
// A DHCPv6 lease has no MAC of its own; the MAC inside a DUID-LLT or
// DUID-LL of hardware type 1 (RFC 8415 sections 11.2 and 11.4) is taken.
//
// Which leases are devices now: dhcpd's binding state active (and a
// lease with no binding state, as very old servers wrote); free, expired,
// released, abandoned, reset and backup leases are not (backup is a free
// lease held for the failover secondary). Kea's states 0 (default) and 4
// (registered) are; 1 (declined), 2 (expired-reclaimed) and 3 (released)
// are not. Every dnsmasq line is a lease held. The expiry times are not
// compared with the clock: reading a file gives the same answer on any
// day. DHCPv6 prefix delegations (dhcpd ia_pd, Kea lease type 2) name a
// network, not a device, and are not read.
package dhcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// VendorClass is a DHCP client's vendor class identifier (option 60), as
// the server recorded it: a device's own statement of its DHCP client
// or maker.
const VendorClass = inventory.DHCPVendorClass

// Reader reads DHCP lease databases.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "dhcp-leases" }

// format is one of the lease databases read.
type format int

const (
	formatNone format = iota
	formatDhcpd
	formatKea
	formatDnsmasq
)

var formatNames = [...]string{
	formatDhcpd:   "ISC dhcpd leases",
	formatKea:     "Kea memfile leases",
	formatDnsmasq: "dnsmasq leases",
}

// Sniff implements inventory.Reader.
func (Reader) Sniff(_ string, head []byte) bool { return detect(head) != formatNone }

// detect tells the format from the start of the input.
func detect(head []byte) format {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(bytes.TrimLeft(h, " \t\r\n"), []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	switch {
	case len(first) == 0:
		return formatNone
	case bytes.HasPrefix(first, []byte("address,")) && (bytes.Contains(first, []byte(",hwaddr")) || bytes.Contains(first, []byte(",duid,"))):
		return formatKea
	case sniffDhcpd(h):
		return formatDhcpd
	case sniffDnsmasq(string(first)):
		return formatDnsmasq
	}
	return formatNone
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: int64(len(data)), Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	f := detect(data)
	if f == formatNone {
		why := "not a lease database of ISC dhcpd, Kea or dnsmasq"
		if len(bytes.TrimSpace(data)) == 0 {
			why = "the input is empty"
		}
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: errors.New(why)}
	}
	j := &journal{name: name, lim: lim, index: map[string]int{}}
	switch f {
	case formatDhcpd:
		err = readDhcpd(ctx, j, data)
	case formatKea:
		err = readKea(ctx, j, data)
	case formatDnsmasq:
		err = readDnsmasq(ctx, j, data)
	}
	if err == nil {
		err = j.err
	}
	if err != nil {
		return nil, err
	}
	if j.overflow > 0 {
		return nil, &inventory.InputError{Source: name, Line: j.overflow, Offset: -1,
			Err: fmt.Errorf("more than %d unreadable records (the item limit)", lim.MaxItems)}
	}
	inv := &inventory.Inventory{Source: name, Format: formatNames[f], Unknowns: j.unknowns, Items: make([]inventory.Item, 0, j.held)}
	for i := range j.leases {
		l := &j.leases[i]
		if l.gone || !l.held {
			continue
		}
		inv.Items = append(inv.Items, l.item(name, len(inv.Items)))
	}
	return inv, nil
}

// lease is one lease record.
type lease struct {
	key         string // what a later record of the same lease is known by
	ref         string // Location.Ref
	line        int
	addr        string // IP address literal
	mac         string // lower-case colon form, or ""
	hostname    string
	vendorClass string
	held        bool // a client holds it now
	gone        bool // a later record replaced or removed it
}

func (l *lease) item(source string, index int) inventory.Item {
	host := l.addr
	if host == "" {
		host = l.mac
	}
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: l.hostname,
		Location: inventory.Location{Source: source, Ref: l.ref, Line: l.line, Host: host}, Index: index,
		Attrs: make([]inventory.Attr, 0, 3)}
	if it.Name == "" {
		it.Name = host
	}
	it.Add(inventory.IP, l.addr)
	it.Add(inventory.MAC, l.mac)
	it.Add(VendorClass, l.vendorClass)
	it.SetID()
	return it
}

// journal holds the records read so far: a later record of a lease
// replaces the earlier one.
type journal struct {
	name     string
	lim      inventory.Limits
	leases   []lease
	index    map[string]int // key -> position in leases of its last record
	held     int            // records in leases neither gone nor free
	unknowns []inventory.Unknown
	overflow int   // line of the first unknown past the item limit
	err      error // why reading stopped early
}

// add records l, which replaces any earlier record with its key. It
// returns false, and sets err, when more leases would be held than the
// item limit allows: reading stops there.
func (j *journal) add(l lease) bool {
	if i, ok := j.index[l.key]; ok {
		if j.leases[i].held {
			j.held--
		}
		j.leases[i].gone = true
	}
	for _, s := range [...]*string{&l.hostname, &l.vendorClass} {
		if len(*s) > j.lim.MaxString {
			j.unknown(l.line, fmt.Sprintf("%s: a value longer than %d bytes, left out", l.ref, j.lim.MaxString))
			*s = ""
		}
	}
	j.index[l.key] = len(j.leases)
	j.leases = append(j.leases, l)
	if l.held {
		if j.held++; j.held > j.lim.MaxItems {
			j.err = &inventory.InputError{Source: j.name, Line: l.line, Offset: -1,
				Err: fmt.Errorf("more than %d leases held (the item limit)", j.lim.MaxItems)}
			return false
		}
	}
	return true
}

// remove ends the lease known by key, as a Kea row of lifetime 0 or a
// dhcpd rubout does.
func (j *journal) remove(key string) {
	if i, ok := j.index[key]; ok {
		if j.leases[i].held {
			j.held--
		}
		j.leases[i].gone = true
		delete(j.index, key)
	}
}

// unknown records what could not be read; unknowns past the item limit
// make the input an error (overflowed), as more items would.
func (j *journal) unknown(line int, reason string) {
	if len(j.unknowns) >= j.lim.MaxItems {
		if j.overflow == 0 {
			j.overflow = line
		}
		return
	}
	j.unknowns = append(j.unknowns, inventory.Unknown{Location: inventory.Location{Source: j.name, Line: line}, Reason: reason})
}

// clean makes a value read from the input fit to show: valid UTF-8.
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// clip shortens s for a message, quoted.
func clip(s string) string { return fmt.Sprintf("%q", short(s)) }

// short shortens s for a message or a reference.
func short(s string) string {
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "..."
	}
	return s
}
