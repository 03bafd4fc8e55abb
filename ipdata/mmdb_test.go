package ipdata

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	"github.com/oschwald/maxminddb-golang/v2"
)

// mmdbNet is one network of a test MMDB and its record.
type mmdbNet struct {
	prefix string
	rec    mmdbtype.Map
}

func geo(country, registered string) mmdbtype.Map {
	m := mmdbtype.Map{}
	if country != "" {
		m["country"] = mmdbtype.Map{"iso_code": mmdbtype.String(country), "names": mmdbtype.Map{"en": mmdbtype.String("x")}}
	}
	if registered != "" {
		m["registered_country"] = mmdbtype.Map{"iso_code": mmdbtype.String(registered)}
	}
	return m
}

func asRec(asn uint32, org string) mmdbtype.Map {
	return mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(asn), "autonomous_system_organization": mmdbtype.String(org)}
}

// Test databases in the shapes of GeoLite2-Country, GeoLite2-ASN and
// IPinfo Lite, written with mmdbwriter (the values are made up).
var (
	countryNets = []mmdbNet{
		{"1.0.0.0/24", geo("AU", "")},
		{"5.255.192.0/18", geo("NL", "RU")}, // used in NL, registered in RU
		{"81.2.69.160/27", geo("GB", "GB")},
		{"2a02:6b8::/29", geo("", "RU")},
		{"2001:db8::/125", geo("DE", "DE")},
	}
	asnNets = []mmdbNet{
		{"1.0.0.0/24", asRec(13335, "Cloudflare, Inc.")},
		{"5.255.192.0/19", asRec(13238, "YANDEX LLC")},
		{"2a02:6b8::/32", asRec(13238, "YANDEX LLC")},
		{"2a02:6b8:1::/48", asRec(208722, "Yandex.Cloud LLC")},
	}
	ipinfoNets = []mmdbNet{
		{"8.8.8.0/24", mmdbtype.Map{"asn": mmdbtype.String("AS15169"), "as_name": mmdbtype.String("Google LLC"), "country_code": mmdbtype.String("US"), "country": mmdbtype.String("United States")}},
		{"2001:4860::/32", mmdbtype.Map{"asn": mmdbtype.String("AS15169"), "as_name": mmdbtype.String("Google LLC"), "country_code": mmdbtype.String("US")}},
		{"9.9.9.0/24", mmdbtype.Map{"country": mmdbtype.String("CH"), "asn": mmdbtype.String("AS19281"), "as_name": mmdbtype.String("Quad9")}},
	}
)

const mmdbEpoch = 1767225600 // 2026-01-01

func writeTestMMDB(t testing.TB, dbType string, ipVersion int, nets []mmdbNet) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IPVersion: ipVersion, BuildEpoch: mmdbEpoch, IncludeReservedNetworks: true,
		Description: map[string]string{"en": dbType + " test database"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets {
		_, ipn, err := net.ParseCIDR(n.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(ipn, n.rec); err != nil {
			t.Fatalf("insert %s: %v", n.prefix, err)
		}
	}
	path := filepath.Join(t.TempDir(), dbType+".mmdb")
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// probes are the edges of each network: first, last, just outside,
// and IPv4 ones again as IPv4-mapped IPv6.
func probes(nets ...[]mmdbNet) []netip.Addr {
	var out []netip.Addr
	for _, ns := range nets {
		for _, n := range ns {
			p := netip.MustParsePrefix(n.prefix)
			first, last := p.Addr(), lastAddr(p)
			out = append(out, first, last, first.Prev(), last.Next())
			if first.Is4() {
				out = append(out, netip.AddrFrom16(first.As16()), netip.AddrFrom16(last.As16()))
			}
		}
	}
	return out
}

// truth decodes what maxminddb-golang itself reads at a, in the fields
// each schema names (typed structs, not the map walk Open uses).
func truth(t *testing.T, path string, a netip.Addr) Info {
	t.Helper()
	db, err := maxminddb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rec struct {
		Country struct {
			ISOCode string `maxminddb:"iso_code"`
		} `maxminddb:"country"`
		Registered struct {
			ISOCode string `maxminddb:"iso_code"`
		} `maxminddb:"registered_country"`
		ASN   uint32 `maxminddb:"autonomous_system_number"`
		ASOrg string `maxminddb:"autonomous_system_organization"`
	}
	var ipinfo struct {
		CountryCode string `maxminddb:"country_code"`
		Country     any    `maxminddb:"country"` // a name in Lite, a code in the older country_asn
		ASN         string `maxminddb:"asn"`
		ASName      string `maxminddb:"as_name"`
	}
	res := db.Lookup(a.Unmap())
	if strings.Contains(db.Metadata.DatabaseType, "IPinfo") {
		if err := res.Decode(&ipinfo); err != nil {
			t.Fatal(err)
		}
		in := Info{Country: ipinfo.CountryCode, ASOrg: ipinfo.ASName}
		if c, _ := ipinfo.Country.(string); in.Country == "" && len(c) == 2 {
			in.Country = c
		}
		if n, ok := asNumber(ipinfo.ASN); ok {
			in.ASN = n
		}
		return in
	}
	if err := res.Decode(&rec); err != nil {
		t.Fatal(err)
	}
	in := Info{Country: rec.Registered.ISOCode, ASN: rec.ASN, ASOrg: rec.ASOrg}
	if in.Country == "" {
		in.Country = rec.Country.ISOCode
	}
	return in
}

func TestOpenMMDB(t *testing.T) {
	for _, tc := range []struct {
		dbType    string
		ipVersion int
		nets      []mmdbNet
	}{
		{"GeoLite2-Country", 6, countryNets},
		{"GeoLite2-ASN", 6, asnNets},
		{"IPinfo-Lite", 6, ipinfoNets},
		{"GeoLite2-Country-IPv4", 4, countryNets[:3]},
	} {
		t.Run(tc.dbType, func(t *testing.T) {
			path := writeTestMMDB(t, tc.dbType, tc.ipVersion, tc.nets)
			db, err := Open(path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			for _, a := range probes(tc.nets) {
				if a.Is6() && !a.Is4In6() && tc.ipVersion == 4 {
					continue
				}
				if got, want := db.Lookup(a), truth(t, path, a); got != want {
					t.Errorf("Lookup(%s) = %+v, maxminddb reads %+v", a, got, want)
				}
			}
			raw, _ := os.ReadFile(path)
			want := Meta{Name: tc.dbType, Built: time.Unix(mmdbEpoch, 0).UTC(), Digest: digestOf(raw), Sources: []Source{{
				Name: path, Version: tc.dbType + " 2026-01-01", Attribution: tc.dbType + " test database",
			}}}
			if diff := cmp.Diff(want, db.Meta()); diff != "" {
				t.Errorf("Meta (-want +got):\n%s", diff)
			}
		})
	}
	// Spot checks of what the schemas mean, beyond agreeing with the reader.
	path := writeTestMMDB(t, "GeoLite2-Country", 6, countryNets)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkLookups(t, db, []lookupCase{{"5.255.200.1", Info{Country: "RU"}}, {"1.0.0.7", Info{Country: "AU"}}})
}

// TestBuildMMDBPair merges a Country and an ASN database, as a user
// holding GeoLite2-Country and GeoLite2-ASN would.
func TestBuildMMDBPair(t *testing.T) {
	country := writeTestMMDB(t, "GeoLite2-Country", 6, countryNets)
	asn := writeTestMMDB(t, "GeoLite2-ASN", 6, asnNets)
	var inputs []Input
	for _, p := range []string{country, asn} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, Input{Name: p, R: bytes.NewReader(b)}) // format sniffed
	}
	s := build(t, inputs...)
	for _, a := range probes(countryNets, asnNets) {
		c, n := truth(t, country, a), truth(t, asn, a)
		if got, want := s.Lookup(a), (Info{c.Country, n.ASN, n.ASOrg}); got != want {
			t.Errorf("Lookup(%s) = %+v, the two databases say %+v", a, got, want)
		}
	}
	checkLookups(t, s, []lookupCase{
		{"5.255.192.0", Info{"RU", 13238, "YANDEX LLC"}},
		{"5.255.224.0", Info{Country: "RU"}},
		{"2a02:6b8:1::1", Info{"RU", 208722, "Yandex.Cloud LLC"}},
		{"2a02:6b8:2::1", Info{"RU", 13238, "YANDEX LLC"}},
	})
	var got []string
	s.PrefixesOf([]uint32{13238}, func(p netip.Prefix, _ Info) bool { got = append(got, p.String()); return true })
	want := []string{"5.255.192.0/19", "2a02:6b8::/48", "2a02:6b8:2::/47", "2a02:6b8:4::/46", "2a02:6b8:8::/45", "2a02:6b8:10::/44",
		"2a02:6b8:20::/43", "2a02:6b8:40::/42", "2a02:6b8:80::/41", "2a02:6b8:100::/40", "2a02:6b8:200::/39", "2a02:6b8:400::/38",
		"2a02:6b8:800::/37", "2a02:6b8:1000::/36", "2a02:6b8:2000::/35", "2a02:6b8:4000::/34", "2a02:6b8:8000::/33"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PrefixesOf(13238) (-want +got):\n%s", diff)
	}
}
