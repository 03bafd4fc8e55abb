package enforce

import (
	"fmt"
	"io"
	"strings"
)

// NFTables writes an `nft -f` script: a table "inet embargo" with one
// interval set per address family holding the prefixes, and output and
// forward chains that count and drop (or reject) traffic to them. The
// script replaces an earlier copy of the table atomically (nft applies a
// file as one transaction), so it can be loaded again after each update.
type NFTables struct {
	// Reject answers blocked connections at once (TCP reset, ICMP
	// administratively prohibited) instead of dropping them silently,
	// so that applications fail fast rather than time out.
	Reject bool
}

// Name is the format's name for -o.
func (*NFTables) Name() string { return "nftables" }

// Empty implements Emitter: the script blocks the prefixes and isolates
// the quarantined addresses.
func (*NFTables) Empty(t *Targets) string {
	if len(t.Prefixes) > 0 || len(t.Quarantine) > 0 {
		return ""
	}
	return "no network of " + chosenText(t) + " gave an address prefix to drop" + hostingAside(t)
}

// hostingAside says how many hosting networks and names were set aside,
// when some were.
func hostingAside(t *Targets) string {
	if n := len(t.HostingASNs) + len(t.HostingDomains); n > 0 {
		return fmt.Sprintf(" (%d hosting networks and names set aside)", n)
	}
	return ""
}

// Emit writes the script.
func (n *NFTables) Emit(w io.Writer, t *Targets) error {
	if err := refuseEmpty(n, t); err != nil {
		return err
	}
	v4, v6, err := splitPrefixes(t.Prefixes)
	if err != nil {
		return fmt.Errorf("writing the nftables artefact: %w", err)
	}
	tw := newTextWriter(w)
	tw.printf("#!/usr/sbin/nft -f\n")
	remarks := []string{
		fmt.Sprintf("Prefixes: %d IPv4, %d IPv6; ASNs: %s.", len(v4), len(v6), asnList(t.ASNs)),
		"Sets are interval sets with auto-merge: overlapping and adjacent prefixes merge.",
		"Load with: nft -f FILE (replaces the table inet embargo as one transaction).",
	}
	if len(t.Quarantine) > 0 {
		remarks = append(remarks, fmt.Sprintf("Quarantined: %d devices of restricted suppliers a scan found (--quarantine-from-scan):", len(t.Quarantine)),
			"nothing is forwarded to or from them, nor exchanged with this host. Their addresses are the scan's; rescan before loading.")
	}
	for _, l := range headerLines("nftables", t, remarks...) {
		tw.printf("# %s\n", l)
	}
	action := "drop"
	if n.Reject {
		action = "reject with icmpx admin-prohibited"
	}
	// Declaring the table before deleting it makes the delete succeed
	// when the table does not exist yet (nft 1.0.6 has no "destroy").
	tw.printf("\ntable inet embargo\ndelete table inet embargo\n\ntable inet embargo {\n")
	writeNFTSet(tw, "blocked_v4", "ipv4_addr", v4)
	writeNFTSet(tw, "blocked_v6", "ipv6_addr", v6)
	writeQuarantine(tw, t.Quarantine, action)
	for _, hook := range []string{"output", "forward"} {
		tw.printf("\n\tchain %s {\n\t\ttype filter hook %s priority filter; policy accept;\n", hook, hook)
		if n.Reject {
			// TCP peers get a reset, which ends a connect() at once.
			tw.printf("\t\tip daddr @blocked_v4 meta l4proto tcp counter reject with tcp reset comment \"embargo: restricted suppliers\"\n")
			tw.printf("\t\tip6 daddr @blocked_v6 meta l4proto tcp counter reject with tcp reset comment \"embargo: restricted suppliers\"\n")
		}
		tw.printf("\t\tip daddr @blocked_v4 counter %s comment \"embargo: restricted suppliers\"\n", action)
		tw.printf("\t\tip6 daddr @blocked_v6 counter %s comment \"embargo: restricted suppliers\"\n", action)
		tw.printf("\t}\n")
	}
	tw.printf("}\n")
	return tw.flush("nftables")
}

// writeNFTSet writes a named interval set; an empty one has no elements
// line, which nft would refuse.
func writeNFTSet(tw *textWriter, name, typ string, ps []Prefix) {
	tw.printf("\tset %s {\n\t\ttype %s\n\t\tflags interval\n\t\tauto-merge\n", name, typ)
	tw.printf("\t\tcomment %s\n", nftString(fmt.Sprintf("embargo: %d prefixes of restricted suppliers", len(ps))))
	if len(ps) > 0 {
		tw.printf("\t\telements = {\n")
		for _, p := range ps {
			c := orUnknown(p.Entity)
			if p.ASN != 0 {
				c += fmt.Sprintf(" AS%d", p.ASN)
			}
			tw.printf("\t\t\t%s comment %s,\n", p.Prefix, nftString(c))
		}
		tw.printf("\t\t}\n")
	}
	tw.printf("\t}\n")
}

// nftMaxComment is the longest comment nft accepts (NFT_USERDATA_MAXLEN).
const nftMaxComment = 128

var nftUnquote = strings.NewReplacer(`"`, "'", `\`, "/")

// nftString quotes s for nft: nft strings have no escapes, so quotes and
// backslashes become apostrophes and slashes, and the text is cut to the
// comment limit on a UTF-8 boundary.
func nftString(s string) string {
	s = nftUnquote.Replace(commentText(s))
	if len(s) > nftMaxComment-1 {
		s = s[:nftMaxComment-1]
		for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
			s = s[:len(s)-1]
		}
		if len(s) > 0 && s[len(s)-1] >= 0xC0 {
			s = s[:len(s)-1]
		}
	}
	return `"` + s + `"`
}

// asnList writes ASNs as AS numbers for a comment.
func asnList(asns []uint32) string {
	if len(asns) == 0 {
		return "none"
	}
	parts := make([]string, len(asns))
	for i, a := range asns {
		parts[i] = fmt.Sprintf("AS%d", a)
	}
	return strings.Join(parts, " ")
}
