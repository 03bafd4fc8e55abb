package zeekdev

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// device is what the logs of one input say of one device.
type device struct {
	ref         string
	line        int
	mac         string
	ips         []string // in the order seen
	lastIP      string   // the address DHCP gave it last
	hostname    string
	vendorClass string
	servers     []string // HTTP Server headers
	subjects    []string // TLS certificate subjects
}

// devices gathers the records' devices: by MAC from DHCP, then by address
// from the other logs, an address DHCP gave a MAC taking that device.
type devices struct {
	name     string
	list     []*device
	byMAC    map[string]*device
	byIP     map[string]*device
	unknowns []inventory.Unknown
}

func (ds *devices) unknown(line int, reason string) {
	ds.unknowns = append(ds.unknowns, inventory.Unknown{Location: inventory.Location{Source: ds.name, Line: line}, Reason: reason})
}

// ofMAC returns the device of a MAC, made at r's line if new.
func (ds *devices) ofMAC(mac string, r *record, path string) *device {
	if d := ds.byMAC[mac]; d != nil {
		return d
	}
	d := &device{ref: path + " mac " + mac, line: r.line, mac: mac}
	ds.byMAC[mac] = d
	ds.list = append(ds.list, d)
	return d
}

// ofIP returns the device of an address, made at r's line if new.
func (ds *devices) ofIP(ip string, r *record, path string) *device {
	if d := ds.byIP[ip]; d != nil {
		return d
	}
	d := &device{ref: path + " host " + ip, line: r.line}
	d.addIP(ip)
	ds.byIP[ip] = d
	ds.list = append(ds.list, d)
	return d
}

func (d *device) addIP(ip string) {
	if !slices.Contains(d.ips, ip) {
		d.ips = append(d.ips, ip)
	}
}

func addOnce(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// addr reads field f of r as an IP address; "" when absent, an unknown
// when it is not an address.
func (ds *devices) addr(r *record, f string) string {
	v := r.get(f)
	if v == "" {
		return ""
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		ds.unknown(r.line, fmt.Sprintf("%s %q is not an IP address", f, clip(v)))
		return ""
	}
	return a.String()
}

// dhcp reads a dhcp.log or known_devices.log record.
func (ds *devices) dhcp(r *record) {
	path := map[kind]string{logDHCP: "dhcp", logKnownDevices: "known_devices"}[r.kind]
	ip := ds.addr(r, "assigned_addr")
	if ip == "" {
		ip = ds.addr(r, "client_addr")
	}
	mac := ""
	if v := r.get("mac"); v != "" {
		m, ok := normalMAC(v)
		if !ok {
			ds.unknown(r.line, fmt.Sprintf("mac %q is not a 6-octet MAC", clip(v)))
		}
		mac = m
	}
	var d *device
	switch {
	case mac != "":
		d = ds.ofMAC(mac, r, path)
	case ip != "":
		d = ds.ofIP(ip, r, path)
	default:
		ds.unknown(r.line, "a "+path+" record with neither a MAC nor an address")
		return
	}
	if ip != "" {
		d.addIP(ip)
		d.lastIP = ip
		ds.byIP[ip] = d
	}
	for _, f := range []string{"host_name", "dhcp_host_name", "client_fqdn"} {
		if v := r.get(f); v != "" {
			d.hostname = v
			break
		}
	}
	if v := r.get("client_software"); v != "" {
		d.vendorClass = v
	}
}

// software reads a software.log record: a web server's Server header, or
// a DHCP client's vendor class.
func (ds *devices) software(r *record) {
	typ := r.get("software_type")
	if typ != "HTTP::SERVER" && typ != "DHCP::CLIENT" {
		return
	}
	ip := ds.addr(r, "host")
	if ip == "" {
		return
	}
	v := r.get("unparsed_version")
	if v == "" {
		v = strings.TrimSpace(r.get("name") + "/" + version(r))
		v = strings.TrimSuffix(v, "/")
	}
	d := ds.ofIP(ip, r, "software")
	if typ == "HTTP::SERVER" {
		d.servers = addOnce(d.servers, v)
	} else {
		d.vendorClass = v
	}
}

// version joins the version.* fields Zeek parsed.
func version(r *record) string {
	var parts []string
	for _, f := range []string{"version.major", "version.minor", "version.minor2", "version.minor3"} {
		if v := r.get(f); v != "" {
			parts = append(parts, v)
		}
	}
	s := strings.Join(parts, ".")
	if a := r.get("version.addl"); a != "" {
		s += "-" + a
	}
	return s
}

// cert records a certificate subject of a server.
func (ds *devices) cert(r *record, ip, subject, path string) {
	if subject == "" {
		return
	}
	d := ds.ofIP(ip, r, path)
	d.subjects = addOnce(d.subjects, subject)
}

// item is the device as an inventory item.
func (d *device) item(source string, index int) inventory.Item {
	host := d.lastIP
	if host == "" && len(d.ips) > 0 {
		host = d.ips[0]
	}
	if host == "" {
		host = d.mac
	}
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: d.hostname, Index: index,
		Location: inventory.Location{Source: source, Ref: d.ref, Line: d.line, Host: host}}
	if it.Name == "" {
		it.Name = host
	}
	for _, ip := range d.ips {
		it.Add(inventory.IP, ip)
	}
	it.Add(inventory.MAC, d.mac)
	it.Add(VendorClass, d.vendorClass)
	for _, s := range d.servers {
		it.Add(inventory.HTTPServer, s)
	}
	for _, s := range d.subjects {
		it.Add(inventory.TLSSubject, s)
	}
	it.SetID()
	return it
}

// normalMAC reads a MAC with colons, as Zeek writes it, into lower-case
// colon form.
func normalMAC(s string) (string, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return "", false
	}
	for i, p := range parts {
		if len(p) == 1 {
			p = "0" + p
		}
		if len(p) != 2 || strings.Trim(p, "0123456789abcdefABCDEF") != "" {
			return "", false
		}
		parts[i] = strings.ToLower(p)
	}
	return strings.Join(parts, ":"), true
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "..."
	}
	return s
}
