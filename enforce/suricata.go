package enforce

import (
	"fmt"
	"io"
	"strings"
)

// DefaultSIDBase is the first signature id: the range 1000000-1999999 is
// the one the Snort/Suricata community leaves for local rules.
const DefaultSIDBase = 1_790_000

// suricataGroup is how many prefixes one IP rule lists: long address
// lists are legal but hard to read in alerts.
const suricataGroup = 50

// Suricata writes rules for Suricata 6 and 7: for every blocked name, one
// on DNS queries and one on the TLS server name (dns.query / tls.sni with
// dotprefix and endswith, so that a subtree matches its apex and every
// name below it, never a name that merely ends alike); and IP rules
// listing the prefixes, per entity, in groups. Suricata's geoip keyword
// knows countries, not suppliers, and IPv4 only, so prefixes are listed.
//
// Signature ids are numbered from SIDBase in the artefact's order, so a
// rule keeps its id while the catalogue keeps its order.
type Suricata struct {
	// Alert writes "alert" rules instead of "drop". A drop rule blocks
	// only in IPS (inline) mode and alerts in IDS mode.
	Alert   bool
	SIDBase uint32 // DefaultSIDBase when 0
}

// Name is the format's name for -o.
func (*Suricata) Name() string { return "suricata" }

// Empty implements Emitter: the rules match the names and the prefixes.
func (*Suricata) Empty(t *Targets) string {
	if len(t.Prefixes) > 0 {
		return ""
	}
	if why := namesEmpty(t, dnsName, true); why != "" {
		return why + ", and no network gave an address prefix"
	}
	return ""
}

// Emit writes the rules file.
func (s *Suricata) Emit(w io.Writer, t *Targets) error {
	if err := refuseEmpty(s, t); err != nil {
		return err
	}
	v4, v6, err := splitPrefixes(t.Prefixes)
	if err != nil {
		return fmt.Errorf("writing the suricata artefact: %w", err)
	}
	action := "drop"
	if s.Alert {
		action = "alert"
	}
	sid := s.SIDBase
	if sid == 0 {
		sid = DefaultSIDBase
	}
	tw := newTextWriter(w)
	for _, l := range headerLines("Suricata rules", t,
		"For Suricata 6 and 7. drop blocks in IPS (inline) mode and alerts in IDS mode.",
		fmt.Sprintf("Signature ids from %d, in this file's order.", sid)) {
		tw.printf("# %s\n", l)
	}
	rule := func(proto, dst, msg, body string) {
		tw.printf("%s %s any any -> %s any (msg:\"%s\"; %ssid:%d; rev:1;)\n", action, proto, dst, ruleText(msg), body, sid)
		sid++
	}
	for _, e := range domainEntries(t.Domains, dnsName, true) {
		label := e.Name
		if e.Subtree {
			label = "*." + e.Name
		}
		tw.printf("\n# %s (%s)\n", commentText(label), commentText(origin(e.Entity, e.Source)))
		if e.Skip != "" {
			tw.printf("# %s\n", commentText(e.Skip))
			continue
		}
		// dnsName allows only letters, digits, '-', '_' and '.', none of
		// which content strings escape.
		match := fmt.Sprintf(`content:"%s"; nocase; bsize:%d; `, e.Name, len(e.Name))
		what := e.Name
		if e.Subtree {
			match = fmt.Sprintf(`dotprefix; content:".%s"; nocase; endswith; `, e.Name)
			what = e.Name + " and below"
		}
		rule("dns", "any", fmt.Sprintf("embargo: DNS query for %s (%s)", what, e.Entity), "dns.query; "+match)
		rule("tls", "any", fmt.Sprintf("embargo: TLS to %s (%s)", what, e.Entity), "tls.sni; "+match)
	}
	for _, fam := range []struct {
		name string
		ps   []Prefix
	}{{"IPv4", v4}, {"IPv6", v6}} {
		for _, g := range groupByEntity(fam.ps) {
			for i := 0; i < len(g); i += suricataGroup {
				chunk := g[i:min(i+suricataGroup, len(g))]
				addrs := make([]string, len(chunk))
				for j, p := range chunk {
					addrs[j] = p.Prefix.String()
				}
				tw.printf("\n# %s networks of %s%s\n", fam.name, commentText(orUnknown(chunk[0].Entity)), asnNote(chunk))
				rule("ip", "["+strings.Join(addrs, ",")+"]",
					fmt.Sprintf("embargo: %s traffic to %s", fam.name, orUnknown(chunk[0].Entity)), "")
			}
		}
	}
	return tw.flush("suricata")
}

// groupByEntity splits prefixes (sorted by address) into one list per
// entity, in order of each entity's first prefix.
func groupByEntity(ps []Prefix) [][]Prefix {
	var order []string
	by := map[string][]Prefix{}
	for _, p := range ps {
		if _, ok := by[p.Entity]; !ok {
			order = append(order, p.Entity)
		}
		by[p.Entity] = append(by[p.Entity], p)
	}
	out := make([][]Prefix, len(order))
	for i, e := range order {
		out[i] = by[e]
	}
	return out
}

// asnNote names the ASes of a group of prefixes, for a comment.
func asnNote(ps []Prefix) string {
	var asns []uint32
	seen := map[uint32]bool{}
	for _, p := range ps {
		if p.ASN != 0 && !seen[p.ASN] {
			seen[p.ASN] = true
			asns = append(asns, p.ASN)
		}
	}
	if len(asns) == 0 {
		return ""
	}
	return " (" + asnList(asns) + ")"
}

// ruleText makes s safe inside a rule's msg string: Suricata escapes '"',
// ';' and '\' with a backslash; control characters would break the line.
func ruleText(s string) string { return ruleEscape.Replace(commentText(s)) }

var ruleEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `;`, `\;`)
