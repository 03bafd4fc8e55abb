package main

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/oui"
)

// showArg is one argument of 'embargo data show': an IP address, an AS
// number or a MAC address.
type showArg struct {
	ip  netip.Addr
	asn uint32
	mac *oui.MAC
}

// parseShowArg reads an argument of 'embargo data show', or says what
// the command takes and where names are looked up instead.
func parseShowArg(a string) (showArg, error) {
	if mac, err := oui.ParseMAC(a); err == nil {
		return showArg{mac: &mac}, nil
	}
	if ip, err := netip.ParseAddr(a); err == nil {
		return showArg{ip: ip}, nil
	}
	digits := a
	if len(a) > 2 && strings.EqualFold(a[:2], "AS") {
		digits = a[2:]
	}
	if n, err := strconv.ParseUint(digits, 10, 32); err == nil && n > 0 {
		return showArg{asn: uint32(n)}, nil
	}
	return showArg{}, fmt.Errorf("%q is not an IP address (91.103.64.10), an AS number (AS45090) or a MAC address (44:19:b6:12:34:56), which is what 'embargo data show' looks up; "+
		"to find a supplier by a name or a domain: embargo catalog search %s", a, shellWord(a))
}

// shellWord quotes s for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:/@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// asnShown bounds the prefixes of an AS that 'embargo data show' lists.
const asnShown = 5

// asnLine says what the IP data holds of an AS: its organisation, the
// countries its prefixes are registered in, and its prefixes.
func asnLine(db ipdata.DB, asn uint32) string {
	var org string
	var countries, shown []string
	n := 0
	db.PrefixesOf([]uint32{asn}, func(p netip.Prefix, i ipdata.Info) bool {
		if org == "" {
			org = i.ASOrg
		}
		if i.Country != "" && !slices.Contains(countries, i.Country) {
			countries = append(countries, i.Country)
		}
		if n < asnShown {
			shown = append(shown, p.String())
		}
		n++
		return true
	})
	if n == 0 {
		return fmt.Sprintf("AS%d\t-\t-\tno prefix of this AS in the IP data", asn)
	}
	slices.Sort(countries)
	list := strings.Join(shown, ", ")
	if n > len(shown) {
		list += fmt.Sprintf(", … (%d in all)", n)
	}
	return fmt.Sprintf("AS%d\t%s\t%s\t%s", asn, orDash(strings.Join(countries, ",")), orDash(org), list)
}

// ipDataFormats are the --format values of 'embargo data update'.
var ipDataFormats = []string{ipdata.FormatRIR, ipdata.FormatIP2ASN, ipdata.FormatIPLDBCountry, ipdata.FormatIPLDBASN, ipdata.FormatMMDB}

// formatUntold turns ipdata's "cannot tell its format" into what the
// user can do about it: it names the file, the formats, and --format.
func formatUntold(err error, inputs []ipdata.Input) error {
	if !strings.Contains(err.Error(), "cannot tell its format") {
		return err
	}
	name := ""
	for _, in := range inputs {
		if strings.Contains(err.Error(), strconv.Quote(in.Name)) {
			name = in.Name
		}
	}
	if name == "" {
		return err
	}
	return errors.New(name + ": cannot tell what it holds from its first line: it is not RIR delegated statistics (registry|cc|type|...), " +
		"an ip2asn TSV, an ip-location-db CSV or an MMDB, nor an IEEE MAC address listing (oui.csv, mam.csv, oui36.csv, iab.csv); " +
		"if it is IP data in one of these formats, say which with --format " + strings.Join(ipDataFormats, "|"))
}
