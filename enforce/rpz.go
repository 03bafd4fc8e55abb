package enforce

import (
	"fmt"
	"io"
	"strings"

	"github.com/miekg/dns"
)

// DefaultRPZOrigin is the zone name the policy zone is written for; the
// resolver's configuration must load the file under the same name.
const DefaultRPZOrigin = "rpz.embargo."

// rpzTTL is the TTL of every record: short, so that a new list takes
// effect soon after a resolver reloads it.
const rpzTTL = 300

// RPZ writes a DNS Response Policy Zone (draft-vixie-dnsop-dns-rpz): an
// SOA and NS, then "name CNAME ." (answer NXDOMAIN) for every blocked
// name and "*.name CNAME ." for every name below a blocked subtree's
// apex. BIND, Unbound, Knot Resolver and PowerDNS Recursor read it.
// Records are written by github.com/miekg/dns, which escapes names.
type RPZ struct {
	Origin string // the zone name; DefaultRPZOrigin when empty
}

// Name is the format's name for -o.
func (*RPZ) Name() string { return "rpz" }

// Emit writes the zone file.
func (r *RPZ) Emit(w io.Writer, t *Targets) error {
	zone := dns.Fqdn(strings.ToLower(r.Origin))
	if r.Origin == "" {
		zone = DefaultRPZOrigin
	}
	if _, ok := dns.IsDomainName(zone); !ok || zone == "." {
		return fmt.Errorf("writing the rpz artefact: origin %q is not a zone name", r.Origin)
	}
	tw := newTextWriter(w)
	for _, l := range headerLines("DNS response policy zone "+zone, t,
		"Each blocked name answers NXDOMAIN (CNAME .); a subtree blocks its apex and *.apex.",
		"Names a subtree already blocks are listed as comments, with their source.") {
		tw.printf("; %s\n", l)
	}
	// The serial is the generation time, so that a newer list always has
	// a larger serial (seconds since 1970 fit 32 bits until 2106).
	serial := uint32(1)
	if s := t.Generated.Unix(); !t.Generated.IsZero() && s > 0 && s < 1<<32 {
		serial = uint32(s)
	}
	hdr := func(name string, typ uint16) dns.RR_Header {
		return dns.RR_Header{Name: name, Rrtype: typ, Class: dns.ClassINET, Ttl: rpzTTL}
	}
	tw.printf("\n%s\n", &dns.SOA{Hdr: hdr(zone, dns.TypeSOA), Ns: "localhost.", Mbox: "hostmaster.localhost.",
		Serial: serial, Refresh: 3600, Retry: 600, Expire: 604800, Minttl: rpzTTL})
	tw.printf("%s\n", &dns.NS{Hdr: hdr(zone, dns.TypeNS), Ns: "localhost."})

	for _, e := range domainEntries(t.Domains, dnsName, true) {
		label := e.Name
		if e.Subtree {
			label = "*." + e.Name
		}
		tw.printf("\n; %s (%s)\n", commentText(label), commentText(origin(e.Entity, e.Source)))
		if e.Skip != "" {
			tw.printf("; %s\n", commentText(e.Skip))
			continue
		}
		owners := []string{e.Name + "." + zone}
		if e.Subtree {
			owners = append(owners, "*."+e.Name+"."+zone)
		}
		if _, ok := dns.IsDomainName(owners[len(owners)-1]); !ok {
			tw.printf("; not written: too long below the zone name %s\n", zone)
			continue
		}
		for _, o := range owners {
			tw.printf("%s\n", &dns.CNAME{Hdr: hdr(o, dns.TypeCNAME), Target: "."})
		}
	}
	return tw.flush("rpz")
}
