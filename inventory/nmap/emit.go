package nmap

import (
	"fmt"

	"github.com/embargo-dev/embargo/inventory"
)

// emit makes the device of a host that is up, with the unknowns of its
// values.
func (rd *run) emit(h *host) error {
	if h.state != "up" {
		return nil
	}
	for _, ip := range h.ips {
		if u := rd.upnp[ip]; u != nil { // broadcast-upnp-info heard this host
			for _, a := range u.attrs {
				rd.add(a.Field, a.Value)
			}
			delete(rd.upnp, ip)
		}
	}
	loc := inventory.Location{Source: rd.name, Ref: fmt.Sprintf("host[%d]", h.index), Line: h.line, Host: first(h.ips, h.macs, h.names)}
	for i := range h.unknowns {
		h.unknowns[i].Location.Host = loc.Host
	}
	rd.inv.Unknowns = append(rd.inv.Unknowns, h.unknowns...)
	if loc.Host == "" {
		rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{Location: loc, Reason: "a host that is up without an address"})
		return nil
	}
	attrs := make([]inventory.Attr, 0, len(h.ips)+len(h.macs)+len(h.names)+len(h.attrs))
	for _, ip := range h.ips {
		attrs = append(attrs, inventory.Attr{Field: inventory.IP, Value: ip})
	}
	for _, mac := range h.macs {
		attrs = append(attrs, inventory.Attr{Field: inventory.MAC, Value: mac})
	}
	for _, n := range h.names {
		attrs = append(attrs, inventory.Attr{Field: Hostname, Value: n})
	}
	attrs = append(attrs, h.attrs...)
	return rd.item(first([]string{h.model}, h.names, []string{loc.Host}), loc, attrs)
}

// item adds a device item.
func (rd *run) item(name string, loc inventory.Location, attrs []inventory.Attr) error {
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: name, Location: loc, Attrs: attrs, Index: len(rd.inv.Items)}
	if why := inventory.CheckItem(&it, rd.lim); why != "" {
		rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: why})
		return nil
	}
	if len(rd.inv.Items) >= rd.lim.MaxItems {
		return &syntaxError{line: loc.Line, msg: fmt.Sprintf("more than %d devices (the item limit)", rd.lim.MaxItems)}
	}
	it.SetID()
	rd.inv.Items = append(rd.inv.Items, it)
	return nil
}

// first returns the first string of the first list that has one.
func first(lists ...[]string) string {
	for _, l := range lists {
		for _, s := range l {
			if s != "" {
				return s
			}
		}
	}
	return ""
}

// cutHost records the host the input ends inside, if it was up: what it
// held may be only part of what Nmap found.
func (rd *run) cutHost() {
	h := &rd.h
	addr := first(h.ips, h.macs, h.names)
	if h.state != "" && h.state != "up" {
		return
	}
	rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{
		Location: inventory.Location{Source: rd.name, Ref: fmt.Sprintf("host[%d]", h.index), Line: h.line, Host: addr},
		Name:     addr,
		Reason:   "the file ends inside this host's record: what Nmap found of it is not all there",
	})
}

// broadcastHosts makes a device of each address that answered
// broadcast-upnp-info and that no <host> reported.
func (rd *run) broadcastHosts() error {
	for _, ip := range rd.order {
		u := rd.upnp[ip]
		if u == nil {
			continue
		}
		rd.h.reset(0, u.line)
		for _, a := range u.attrs {
			rd.add(a.Field, a.Value)
		}
		loc := inventory.Location{Source: rd.name, Ref: "prescript/broadcast-upnp-info " + ip, Line: u.line, Host: ip}
		attrs := append(append(make([]inventory.Attr, 0, 1+len(rd.h.attrs)), inventory.Attr{Field: inventory.IP, Value: ip}), rd.h.attrs...)
		if err := rd.item(first([]string{rd.h.model}, []string{ip}), loc, attrs); err != nil {
			return err
		}
	}
	return nil
}
