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

// Empty implements Emitter: the zone blocks the names it can write.
func (*RPZ) Empty(t *Targets) string { return namesEmpty(t, dnsName, true) }

// namesEmpty is the reason an artefact of names (written with clean)
// would block none, or "".
func namesEmpty(t *Targets, clean func(string) (string, error), cover bool) string {
	for _, e := range domainEntries(t.Domains, clean, cover) {
		if e.Skip == "" {
			return ""
		}
	}
	if len(t.Domains) > 0 {
		return fmt.Sprintf("none of the %d names of %s can be written", len(t.Domains), chosenText(t))
	}
	return "no domain of " + chosenText(t) + " is catalogued" + hostingAside(t)
}

// Emit writes the zone file.
func (r *RPZ) Emit(w io.Writer, t *Targets) error {
	if err := refuseEmpty(r, t); err != nil {
		return err
	}
	zone := dns.Fqdn(strings.ToLower(r.Origin))
	if r.Origin == "" {
		zone = DefaultRPZOrigin
	}
	if _, ok := dns.IsDomainName(zone); !ok || zone == "." {
		return fmt.Errorf("writing the rpz artefact: origin %q is not a zone name", r.Origin)
	}
	tw := newTextWriter(w)
	// The header's lines carry catalogue text, so they get rpzComment; the
	// remarks after them are fixed text, whose one ';' comes too early in
	// the line to trip miekg/dns, and are written as they always were.
	header := headerLines("DNS response policy zone "+zone, t)
	for i, l := range header {
		header[i] = rpzComment(l)
	}
	header = append(header,
		"Each blocked name answers NXDOMAIN (CNAME .); a subtree blocks its apex and *.apex.",
		"Names a subtree already blocks are listed as comments, with their source.")
	for _, l := range header {
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
		tw.printf("\n; %s (%s)\n", rpzCommentText(label), rpzCommentText(origin(e.Entity, e.Source)))
		if e.Skip != "" {
			tw.printf("; %s\n", rpzCommentText(e.Skip))
			continue
		}
		owners := []string{e.Name + "." + zone}
		if e.Subtree {
			owners = append(owners, "*."+e.Name+"."+zone)
		}
		if _, ok := dns.IsDomainName(owners[len(owners)-1]); !ok {
			tw.printf("; not written: too long below the zone name %s\n", rpzCommentText(zone))
			continue
		}
		for _, o := range owners {
			tw.printf("%s\n", &dns.CNAME{Hdr: hdr(o, dns.TypeCNAME), Target: "."})
		}
	}
	return tw.flush("rpz")
}

// rpzCommentText is commentText for a zone-file comment: see rpzComment.
func rpzCommentText(s string) string { return rpzComment(commentText(s)) }

// rpzComment writes every ';' in s (text already made safe for a comment)
// as the zone-file escape \059, because github.com/miekg/dns (v1.1.73,
// zlexer.Next in scan.go) refuses some comments that contain one. Its
// lexer handles a ';' met inside a comment as if a line break held back
// inside parentheses came before it: it stores a space, then the ';', and
// checks its comment buffer (512 bytes, grown by 512 only at the next
// byte read) after the space. So a ';' that arrives with one byte of the
// buffer left — after 511, 1023, … bytes as the lexer counts them, each
// ';' past the line's second byte counting twice — fails the whole zone
// with "comment length insufficient for parsing". This is no length
// limit: where a ';' lands depends on all the text before it on the line,
// and a line of two clipped values (an entry's name and origin) reaches
// it. Without a ';' the buffer just grows. To BIND, \059 is comment text
// like any other (TestRPZNamedCheckzone).
func rpzComment(s string) string { return strings.ReplaceAll(s, ";", `\059`) }
