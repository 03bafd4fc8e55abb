package dhcp

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// keaColumns are the columns read, found by name in the header.
type keaColumns struct {
	address, hwaddr, duid, lifetime, hostname, state, leaseType int
	n                                                           int
}

func keaHeader(line string) (keaColumns, error) {
	c := keaColumns{address: -1, hwaddr: -1, duid: -1, lifetime: -1, hostname: -1, state: -1, leaseType: -1}
	names := strings.Split(line, ",")
	c.n = len(names)
	for i, name := range names {
		switch name {
		case "address":
			c.address = i
		case "hwaddr":
			c.hwaddr = i
		case "duid":
			c.duid = i
		case "valid_lifetime":
			c.lifetime = i
		case "hostname":
			c.hostname = i
		case "state":
			c.state = i
		case "lease_type":
			c.leaseType = i
		}
	}
	if c.address < 0 || c.lifetime < 0 || c.hwaddr < 0 && c.duid < 0 {
		return c, fmt.Errorf("the header %s lacks address, valid_lifetime or hwaddr", clip(line))
	}
	return c, nil
}

// readKea reads a Kea memfile lease file into j: one lease a row, a
// later row for an address replacing an earlier one.
func readKea(ctx context.Context, j *journal, data []byte) error {
	var cols keaColumns
	n := 0
	for len(data) > 0 {
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		line := string(bytes.TrimRight(raw, "\r"))
		if strings.TrimSpace(line) == "" {
			continue
		}
		if cols.n == 0 {
			c, err := keaHeader(strings.TrimSpace(line))
			if err != nil {
				j.unknown(n, err.Error())
				return nil
			}
			cols = c
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != cols.n {
			j.unknown(n, fmt.Sprintf("%d columns where the header names %d", len(f), cols.n))
			continue
		}
		if !keaRow(j, cols, f, n) {
			return nil
		}
	}
	return nil
}

// keaRow reads one row; false when reading must stop.
func keaRow(j *journal, c keaColumns, f []string, n int) bool {
	text := f[c.address]
	ref := "lease " + short(clean(text))
	addr, err := netip.ParseAddr(text)
	if err != nil {
		j.unknown(n, fmt.Sprintf("%s is not an IP address", clip(text)))
		return true
	}
	life, err := strconv.ParseUint(f[c.lifetime], 10, 32)
	if err != nil {
		j.unknown(n, fmt.Sprintf("%s: valid_lifetime %s is not a number", ref, clip(f[c.lifetime])))
		return true
	}
	key := "lease " + addr.String()
	if life == 0 { // the lease was removed
		j.remove(key)
		return true
	}
	l := lease{key: key, ref: ref, line: n, addr: addr.String(), held: true}
	if c.state >= 0 {
		// Kea's lease states (src/lib/dhcpsrv/lease.h): 0 default, 4
		// registered; a declined (1) address is in conflict, not held; an
		// expired-reclaimed (2) or released (3) one is free.
		switch st := f[c.state]; st {
		case "1", "2", "3":
			l.held = false
		case "": // a row from before the column: Kea reads it as 0
		default:
			if _, err := strconv.ParseUint(st, 10, 32); err != nil {
				j.unknown(n, fmt.Sprintf("%s: state %s is not a number", ref, clip(st)))
				return true
			}
		}
	}
	if c.leaseType >= 0 && f[c.leaseType] == "2" { // a delegated prefix
		return true
	}
	if c.hostname >= 0 {
		l.hostname = clean(keaUnescape(f[c.hostname]))
	}
	if c.hwaddr >= 0 && f[c.hwaddr] != "" {
		mac, err := normalMAC(f[c.hwaddr])
		if err != nil {
			j.unknown(n, ref+": "+err.Error())
		}
		l.mac = mac
	}
	if l.mac == "" && c.duid >= 0 {
		l.mac = duidMAC(hexBytes(f[c.duid]))
	}
	return j.add(l)
}

// keaUnescape undoes CSVRow::escapeCharacters (src/lib/util/csv_file.cc):
// "&#x" and two hex digits stand for a byte, the separator or a control
// character.
func keaUnescape(s string) string {
	if !strings.Contains(s, "&#x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "&#x")
		if i < 0 || i+5 > len(s) {
			b.WriteString(s)
			return b.String()
		}
		v, err := strconv.ParseUint(s[i+3:i+5], 16, 8)
		if err != nil {
			b.WriteString(s[:i+3])
			s = s[i+3:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteByte(byte(v))
		s = s[i+5:]
	}
}
