package nmap

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/inventory"
)

// elem is one <elem> of a script's structured output: the keys of the
// tables it is in, joined by "/", and its own key.
type elem struct{ table, key, text string }

// scriptRead says what is read of a script's output: its text, and its
// elems in the tables named (all when "*").
type scriptRead struct {
	output bool
	table  string
}

// scriptsRead lists the scripts whose output is read; others are skipped.
var scriptsRead = map[string]scriptRead{
	"http-server-header":  {true, "*"},
	"http-title":          {false, ""},
	"ssl-cert":            {false, "subject"},
	"snmp-sysdescr":       {true, ""},
	"snmp-info":           {false, ""},
	"upnp-info":           {true, ""},
	"broadcast-upnp-info": {true, ""},
}

// script reads a <script> element: its id, its output text and its elems,
// for the scripts that are read.
func (rd *run) script() (id, out string, elems []elem, err error) {
	l := rd.l
	what, ok := scriptsRead[string(rd.attrBytes("id"))]
	if !ok {
		return "", "", nil, rd.skip()
	}
	id = rd.attr("id")
	if what.output {
		out = rd.attr("output")
	}
	var (
		key    string
		inElem bool
	)
	tables, text := rd.tables[:0], rd.text[:0]
	defer func() { rd.tables, rd.text = tables[:0], text[:0] }()
	for d := l.depth(); ; {
		if err := l.next(); err != nil {
			return "", "", nil, err
		}
		if l.depth() < d {
			return id, out, elems, nil
		}
		switch {
		case l.kind == tokStart && string(l.name) == "table":
			tables = append(tables, rd.attr("key"))
		case l.kind == tokStart && string(l.name) == "elem":
			inElem = what.table == "*" || len(tables) == 0 && what.table == "" || len(tables) == 1 && tables[0] == what.table
			if inElem {
				key, text = rd.attr("key"), text[:0]
			}
		case l.kind == tokText && inElem:
			text = append(text, l.text...)
		case l.kind == tokEnd && string(l.name) == "elem" && inElem:
			elems = append(elems, elem{rd.tablePath(tables), key, rd.intern(text)})
			inElem = false
		case l.kind == tokEnd && string(l.name) == "table" && len(tables) > 0:
			tables = tables[:len(tables)-1]
		}
	}
}

// tablePath names an elem's tables, outermost first, joined by "/".
func (rd *run) tablePath(tables []string) string {
	switch len(tables) {
	case 0:
		return ""
	case 1:
		return tables[0]
	}
	return strings.Join(tables, "/")
}

// hostScript records what a script run on a host or a port says of it.
func (rd *run) hostScript(id, out string, elems []elem) {
	switch id {
	case "http-server-header":
		for _, e := range elems {
			rd.add(inventory.HTTPServer, strings.TrimSpace(e.text))
		}
		if len(elems) == 0 { // before structured output, the header was the output
			rd.add(inventory.HTTPServer, strings.TrimSpace(out))
		}
	case "http-title":
		for _, e := range elems {
			if e.table == "" && e.key == "title" {
				rd.add(HTTPTitle, strings.TrimSpace(e.text))
			}
		}
	case "ssl-cert":
		rd.add(inventory.TLSSubject, subject(elems))
	case "snmp-sysdescr":
		d := out
		if i := strings.LastIndex(d, "\n  System uptime: "); i >= 0 {
			d = d[:i]
		}
		rd.add(inventory.SNMPDescr, strings.TrimSpace(d))
	case "snmp-info":
		var format string
		for _, e := range elems {
			if e.key == "engineIDFormat" {
				format = e.text
			}
		}
		for _, e := range elems {
			switch {
			case e.key == "enterprise":
				rd.add(SNMPEnterprise, strings.TrimSpace(e.text))
			case e.key == "engineIDData" && format == "mac":
				if mac, ok := normalMAC(e.text); ok {
					rd.addMAC(mac)
				}
			}
		}
	case "upnp-info":
		for _, line := range strings.Split(out, "\n") {
			if f, v := upnpLine(line); f != "" {
				rd.add(f, v)
			}
		}
	}
}

// dnOrder lists the keys of ssl-cert's subject table that crypto/x509
// names, in the order and with the names its pkix.Name.String prints.
var dnOrder = [...]struct{ key, abbr string }{
	{"serialNumber", "SERIALNUMBER"}, {"commonName", "CN"}, {"organizationalUnitName", "OU"}, {"organizationName", "O"},
	{"postalCode", "POSTALCODE"}, {"streetAddress", "STREET"}, {"localityName", "L"}, {"stateOrProvinceName", "ST"}, {"countryName", "C"},
}

// subject is the subject of ssl-cert's certificate, printed as
// crypto/x509/pkix prints a Name (RFC 2253; TestSubject compares them),
// from the fields it names.
func subject(elems []elem) string {
	var b []byte
	for _, k := range dnOrder {
		first := true
		for _, e := range elems {
			if e.table != "subject" || e.key != k.key {
				continue
			}
			switch {
			case !first:
				b = append(b, '+')
			case len(b) > 0:
				b = append(b, ',')
			}
			first = false
			b = append(append(b, k.abbr...), '=')
			for i, c := range e.text {
				switch {
				case strings.ContainsRune(`,+"\<>;`, c), c == ' ' && (i == 0 || i == len(e.text)-1), c == '#' && i == 0:
					b = append(b, '\\')
				}
				b = utf8.AppendRune(b, c)
			}
		}
	}
	return string(b)
}

// upnpLine reads a line of upnp-info's output: "Manufacturer: X" and the
// like (nselib/upnp.lua writes them from the device description).
func upnpLine(line string) (inventory.Field, string) {
	k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
	if v = strings.TrimSpace(v); !ok || v == "" {
		return "", ""
	}
	switch k {
	case "Server", "Webserver":
		return inventory.HTTPServer, v
	case "Manufacturer":
		return inventory.Manufacturer, v
	case "Model Name", "Model Version":
		return inventory.DeviceModel, v
	}
	return "", ""
}

// upnp is what broadcast-upnp-info heard from one address.
type upnp struct {
	line  int
	attrs []inventory.Attr
}

// scripts reads <prescript> or <postscript>: broadcast-upnp-info lists
// each address that answered, then its lines.
func (rd *run) scripts() error {
	for d := rd.l.depth(); ; {
		if err := rd.l.next(); err != nil {
			return err
		}
		if rd.l.depth() < d {
			return nil
		}
		if rd.l.kind != tokStart || string(rd.l.name) != "script" {
			continue
		}
		line := rd.l.at
		id, out, _, err := rd.script()
		if err != nil {
			return err
		}
		if id != "broadcast-upnp-info" {
			continue
		}
		var cur *upnp
		for _, s := range strings.Split(out, "\n") {
			if ip, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil && ip.Zone() == "" {
				a := ip.String()
				if cur = rd.upnp[a]; cur == nil {
					cur = &upnp{line: line}
					rd.upnp[a] = cur
					rd.order = append(rd.order, a)
				}
				continue
			}
			f, v := upnpLine(s)
			switch {
			case f == "" || cur == nil:
			case len(v) > rd.lim.MaxString:
				rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{Location: inventory.Location{Source: rd.name, Ref: "prescript/broadcast-upnp-info", Line: line},
					Reason: fmt.Sprintf("%s longer than %d bytes", f, rd.lim.MaxString)})
			default:
				cur.attrs = append(cur.attrs, inventory.Attr{Field: f, Value: v})
			}
		}
	}
}
