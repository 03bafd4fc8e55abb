package nmap

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// host is what one <host> element says, gathered while it is read.
type host struct {
	open      bool // being read
	index     int  // its place among the <host> elements, from 1
	line      int
	state     string // of its <status>
	ips, macs []string
	names     []string         // hostnames
	attrs     []inventory.Attr // reused from host to host: emit copies them
	model     string           // the first model, for the item's name
	unknowns  []inventory.Unknown

	portOpen, inService, inOS, osSeen, inClass bool
	inCPE                                      bool
	text                                       []byte // text of the <cpe> being read
}

func (h *host) reset(index, line int) {
	*h = host{open: true, index: index, line: line, ips: h.ips[:0], macs: h.macs[:0], names: h.names[:0], attrs: h.attrs[:0], text: h.text[:0]}
}

// host reads a <host> element and makes its device.
func (rd *run) host() error {
	h, l := &rd.h, rd.l
	h.reset(rd.hosts, l.at)
	for d := l.depth(); ; {
		if err := l.next(); err != nil {
			return err
		}
		if l.depth() < d {
			break
		}
		switch l.kind {
		case tokStart:
			if err := rd.hostStart(h); err != nil {
				return err
			}
		case tokEnd:
			switch string(l.name) {
			case "port":
				h.portOpen = false
			case "service":
				h.inService = false
			case "osmatch":
				h.inOS = false
			case "osclass":
				h.inClass = false
			case "cpe":
				if h.inCPE {
					rd.add(inventory.CPE, strings.TrimSpace(string(h.text)))
				}
				h.inCPE = false
			}
		case tokText:
			if h.inCPE {
				h.text = append(h.text, l.text...)
			}
		}
	}
	h.open = false
	return rd.emit(h)
}

// hostStart reads an element within a host.
func (rd *run) hostStart(h *host) error {
	switch string(rd.l.name) {
	case "status":
		h.state = rd.attr("state")
	case "address":
		rd.address(h)
	case "hostname":
		if n := rd.attr("name"); n != "" && rd.fits(Hostname, n) && !contains(h.names, n) {
			h.names = append(h.names, n)
		}
	case "state": // of a port
		h.portOpen = bytes.HasPrefix(rd.attrBytes("state"), []byte("open"))
	case "service":
		h.inService = true
		if h.portOpen {
			rd.service()
		}
	case "osmatch":
		if !h.osSeen {
			h.osSeen, h.inOS = true, true
			rd.add(OSMatch, fmt.Sprintf("%s (%s%%)", rd.attr("name"), rd.attr("accuracy")))
		}
	case "osclass":
		if h.inOS {
			h.inClass = true
			rd.add(DeviceType, rd.attr("type"))
		}
	case "cpe":
		h.inCPE, h.text = h.inService && h.portOpen || h.inClass, h.text[:0]
	case "script":
		id, out, elems, err := rd.script()
		if err != nil {
			return err
		}
		rd.hostScript(id, out, elems)
	}
	return nil
}

// address reads an <address>.
func (rd *run) address(h *host) {
	a := rd.attr("addr")
	switch t := string(rd.attrBytes("addrtype")); t {
	case "", "ipv4", "ipv6": // ipv4 is the DTD's default
		ip, err := netip.ParseAddr(a)
		if err != nil || ip.Zone() != "" {
			rd.hostUnknown(fmt.Sprintf("%s address %q is not an IP address", t, inventory.Clip(a)))
			return
		}
		if s := ip.String(); !contains(h.ips, s) {
			h.ips = append(h.ips, s)
		}
	case "mac":
		mac, ok := normalMAC(a)
		if !ok {
			rd.hostUnknown(fmt.Sprintf("MAC address %q is not 6 octets", inventory.Clip(a)))
			return
		}
		rd.addMAC(mac)
		rd.add(inventory.MACVendor, rd.attr("vendor"))
	default:
		rd.hostUnknown(fmt.Sprintf("an address of type %q", inventory.Clip(t)))
	}
}

// normalMAC returns a 6-octet MAC address in lower case with colons.
func normalMAC(s string) (string, bool) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return "", false
	}
	return hw.String(), true
}

func (rd *run) addMAC(mac string) {
	if !contains(rd.h.macs, mac) {
		rd.h.macs = append(rd.h.macs, mac)
	}
}

// service reads the <service> of an open port.
func (rd *run) service() {
	p := rd.attr("product")
	if p != "" {
		if v := rd.attr("version"); v != "" {
			p += " " + v
		}
		if x := rd.attr("extrainfo"); x != "" {
			p += " (" + x + ")"
		}
	}
	rd.add(ServiceProduct, p)
	rd.add(DeviceType, rd.attr("devicetype"))
	rd.add(OS, rd.attr("ostype"))
}

// add records an attribute of the host once; a value over the string
// limit is an unknown instead.
func (rd *run) add(f inventory.Field, v string) {
	h := &rd.h
	if v == "" || !rd.fits(f, v) {
		return
	}
	for _, a := range h.attrs {
		if a.Field == f && a.Value == v {
			return
		}
	}
	if f == inventory.DeviceModel && h.model == "" {
		h.model = v
	}
	h.attrs = append(h.attrs, inventory.Attr{Field: f, Value: v})
}

// fits reports whether v is within the string limit, making an unknown
// of it when not.
func (rd *run) fits(f inventory.Field, v string) bool {
	if len(v) <= rd.lim.MaxString {
		return true
	}
	rd.hostUnknown(fmt.Sprintf("%s longer than %d bytes", f, rd.lim.MaxString))
	return false
}

// hostUnknown records something of the host that could not be read.
func (rd *run) hostUnknown(reason string) {
	h := &rd.h
	h.unknowns = append(h.unknowns, inventory.Unknown{
		Location: inventory.Location{Source: rd.name, Ref: fmt.Sprintf("host[%d]", h.index), Line: h.line},
		Reason:   reason})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
