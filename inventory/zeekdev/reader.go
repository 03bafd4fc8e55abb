// Package zeekdev reads the Zeek logs that identify devices, in Zeek's
// TSV form (the # header lines, columns found by name in #fields, a new
// #separator line starting another log, so logs may be concatenated) and
// its JSON form (LogAscii::use_json=T: one object a line, dotted keys). A
// record's log is told by #path or "_path", else by the fields only that
// log has. Field names are those of Zeek's scripts
// (https://github.com/zeek/zeek):
//
//   - dhcp.log (base/protocols/dhcp/main.zeek, DHCP::Info): mac,
//     assigned_addr, client_addr, host_name (option 12), client_fqdn
//     (option 81), and client_software (the client's vendor class, option
//     60, added by policy/protocols/dhcp/software.zeek).
//   - known_devices.log (policy/misc/known-devices.bro with
//     policy/protocols/dhcp/known-devices-and-hostnames.bro, Bro 2.5 and
//     before): ts, mac, dhcp_host_name.
//   - software.log (base/frameworks/software/main.zeek): host,
//     software_type, name, version.*, unparsed_version. HTTP::SERVER
//     entries give the host's HTTP Server header (HTTPServer); DHCP::CLIENT
//     entries its vendor class. Zeek logs only local hosts' software by
//     default (Software::asset_tracking = LOCAL_HOSTS).
//   - known_certs.log (policy/protocols/ssl/known-certs.zeek): host and
//     the subject of the certificate it served, local hosts only by
//     default (Known::cert_tracking = LOCAL_HOSTS).
//   - x509.log (base/files/x509/main.zeek) with ssl.log
//     (base/protocols/ssl/main.zeek and files.zeek): x509.log holds
//     certificate.subject but not the server's address, only the
//     certificate's fingerprint (Zeek 4.2 and later; the file id "id"
//     before). A certificate is tied to a server when an ssl.log record of
//     the same input names it first in cert_chain_fps (cert_chain_fuids
//     before), and the server is id.resp_h; an ssl.log record that logs the
//     server certificate's subject itself (SSL::log_include_server_
//     certificate_subject_issuer, or Zeek before 4.2) needs no x509.log.
//     Unlike software.log and known_certs.log, ssl.log records every
//     server the network's clients reached: only servers at addresses that
//     are not globally routed (RFC 1918 and RFC 4193 private ranges,
//     loopback, link-local, RFC 6598 shared space) are taken as equipment
//     on the network; the others are services on the internet. Host
//     certificates of x509.log that no ssl.log record of the input ties to
//     a server are reported as one unknown.
//
// Records are gathered by device: a DHCP record's device is its MAC (an
// address when it has no MAC), and the other logs' records go to the
// device DHCP gave their address to last, else to a device of that
// address. The device's name is the host name it sent, else its address;
// its host the address DHCP gave it last. Other logs (conn, dns, http,
// ...) are passed over.
package zeekdev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// VendorClass is a DHCP client's vendor class identifier (option 60).
const VendorClass = inventory.DHCPVendorClass

// Reader reads Zeek's device-identifying logs.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "zeek-devices" }

// Sniff implements inventory.Reader: a TSV header or a first JSON line of
// one of the logs read.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(h, []byte("{")) {
		first, _, _ := bytes.Cut(h, []byte("\n"))
		for _, m := range [...]string{`"software_type"`, `"dhcp_host_name"`, `"msg_types"`, `"assigned_addr"`,
			`"certificate.subject"`, `"issuer_subject"`, `"cert_chain_fps"`, `"cert_chain_fuids"`} {
			if bytes.Contains(first, []byte(m)) {
				return true
			}
		}
		return false
	}
	if !bytes.HasPrefix(h, []byte("#")) {
		return false
	}
	hd := newHeader()
	for line := range bytes.Lines(h) {
		l := strings.TrimRight(string(line), "\r\n")
		if !strings.HasPrefix(l, "#") {
			break
		}
		hd.directive(l)
		if hd.path != "" {
			return paths[hd.path] != logOther
		}
		if hd.seen {
			set := map[string]bool{}
			for _, f := range hd.fields {
				set[f] = true
			}
			return kindOf("", func(f string) bool { return set[f] }) != logOther
		}
	}
	return false
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: int64(len(data)), Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	ds := &devices{name: name, byMAC: map[string]*device{}, byIP: map[string]*device{}}
	var recs [logX509 + 1][]record
	hd := newHeader()
	n, seen := 0, 0
	for raw := range bytes.Lines(data) {
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := strings.TrimRight(string(raw), "\r\n")
		var r record
		why := ""
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case line[0] == '#':
			why = hd.directive(line)
			seen++
		case line[0] == '{':
			r, why = fromJSON([]byte(line), n)
			seen++
		default:
			r, why = hd.tsv(line, n)
		}
		if why != "" {
			ds.unknown(n, why)
			if len(ds.unknowns) > lim.MaxItems {
				return nil, &inventory.InputError{Source: name, Line: n, Offset: -1, Err: fmt.Errorf("more than %d unreadable lines (the item limit)", lim.MaxItems)}
			}
		}
		if r.kind != logOther {
			recs[r.kind] = append(recs[r.kind], r)
		}
	}
	if seen == 0 {
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: errors.New("not a Zeek log: no # header line and no JSON record")}
	}
	for _, k := range []kind{logDHCP, logKnownDevices} {
		for i := range recs[k] {
			ds.dhcp(&recs[k][i])
		}
	}
	for i := range recs[logSoftware] {
		ds.software(&recs[logSoftware][i])
	}
	for i := range recs[logKnownCerts] {
		r := &recs[logKnownCerts][i]
		if ip := ds.addr(r, "host"); ip != "" {
			ds.cert(r, ip, r.get("subject"), "known_certs")
		}
	}
	ds.tls(recs[logSSL], recs[logX509])
	if len(ds.list) > lim.MaxItems {
		return nil, &inventory.InputError{Source: name, Line: ds.list[lim.MaxItems].line, Offset: -1,
			Err: fmt.Errorf("more than %d devices (the item limit)", lim.MaxItems)}
	}
	inv := &inventory.Inventory{Source: name, Format: "Zeek logs (devices)", Items: make([]inventory.Item, 0, len(ds.list))}
	for _, d := range ds.list {
		ds.fit(d, lim.MaxString)
		inv.Items = append(inv.Items, d.item(name, len(inv.Items)))
	}
	inv.Unknowns = ds.unknowns
	return inv, nil
}

// shared is RFC 6598's shared address space (carrier-grade NAT).
var shared = netip.MustParsePrefix("100.64.0.0/10")

// onNetwork reports whether a server's address is not globally routed.
func onNetwork(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || shared.Contains(a.Unmap())
}

// tls ties certificate subjects to servers: ssl.log's own subject, else
// the x509.log certificate its chain names first.
func (ds *devices) tls(ssl, x509 []record) {
	type cert struct {
		subject string
		line    int
		host    bool // a server's certificate, not a CA's or a client's
		used    bool
	}
	certs := map[string]*cert{}
	for i := range x509 {
		r := &x509[i]
		key := r.get("fingerprint")
		if key == "" {
			key = r.get("id")
		}
		if key != "" {
			certs[key] = &cert{subject: r.get("certificate.subject"), line: r.line, host: r.get("host_cert") != "F" && r.get("client_cert") != "T"}
		}
	}
	for i := range ssl {
		r := &ssl[i]
		ip := ds.addr(r, "id.resp_h")
		if ip == "" {
			continue
		}
		chain := r.fields["cert_chain_fps"]
		if len(chain) == 0 {
			chain = r.fields["cert_chain_fuids"]
		}
		subject := r.get("subject")
		for i, fp := range chain {
			if c := certs[fp]; c != nil {
				c.used = true // its server, or the server it vouches for, is known
				if i == 0 && subject == "" {
					subject = c.subject
				}
			}
		}
		if onNetwork(netip.MustParseAddr(ip)) {
			ds.cert(r, ip, subject, "ssl")
		}
	}
	first, left := 0, 0
	for _, c := range certs {
		if c.host && !c.used {
			if left++; first == 0 || c.line < first {
				first = c.line
			}
		}
	}
	if left > 0 {
		ds.unknown(first, fmt.Sprintf("%d server certificates of x509.log are named by no ssl.log record of this input: "+
			"their servers' addresses are unknown (give ssl.log with x509.log)", left))
	}
}

// fit leaves out values longer than max, each with an unknown.
func (ds *devices) fit(d *device, max int) {
	check := func(what string, v *string) {
		if len(*v) > max {
			ds.unknown(d.line, fmt.Sprintf("%s: a %s longer than %d bytes, left out", d.ref, what, max))
			*v = ""
		}
	}
	check("host name", &d.hostname)
	check("vendor class", &d.vendorClass)
	for _, l := range []*[]string{&d.servers, &d.subjects} {
		kept := (*l)[:0]
		for _, v := range *l {
			if check("value", &v); v != "" {
				kept = append(kept, v)
			}
		}
		*l = kept
	}
	if len(d.ref) > max {
		d.ref = clip(d.ref)
	}
}
