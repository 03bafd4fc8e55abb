package ipdata

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	rirSample    = "testdata/delegated-ripencc-extended-sample.txt"
	ip2asnSample = "testdata/ip2asn-combined-sample.tsv"
)

func fileInput(t *testing.T, path, format string) Input {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Name: filepath.Base(path), Format: format, R: bytes.NewReader(b)}
}

func build(t *testing.T, inputs ...Input) *Snapshot {
	t.Helper()
	s, err := Build(inputs, Meta{Name: "test", Built: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

type lookupCase struct {
	addr string
	want Info
}

func checkLookups(t *testing.T, db DB, cases []lookupCase) {
	t.Helper()
	for _, tc := range cases {
		if got := db.Lookup(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Lookup(%s) = %+v, want %+v", tc.addr, got, tc.want)
		}
	}
}

// TestBuildRIRAndIP2ASN builds from hand-written files in the real
// formats, the registry's file first, and checks range edges.
func TestBuildRIRAndIP2ASN(t *testing.T) {
	s := build(t, fileInput(t, rirSample, FormatRIR), fileInput(t, ip2asnSample, FormatIP2ASN))
	yandex := Info{"RU", 13238, "YANDEX"}
	one := Info{"DE", 64500, "EXAMPLE-AS-ONE Example One B.V."}
	checkLookups(t, s, []lookupCase{
		{"1.0.0.0", Info{"US", 13335, "CLOUDFLARENET"}}, // country from ip2asn: no registry record
		{"1.0.0.255", Info{"US", 13335, "CLOUDFLARENET"}},
		{"1.0.1.0", Info{}}, // not routed
		{"0.255.255.255", Info{}},
		{"5.255.191.255", Info{}},
		{"5.255.192.0", yandex}, // the registry's RU beats ip2asn's NL
		{"5.255.255.255", yandex},
		{"::ffff:5.255.200.1", yandex},
		{"6.0.0.0", Info{}},
		{"10.0.0.0", one},
		{"10.0.1.255", one},
		{"10.0.2.0", Info{Country: "DE"}}, // 768 addresses: past the AS, still the block
		{"10.0.2.255", Info{Country: "DE"}},
		{"10.0.3.0", Info{}},                                 // available
		{"10.0.4.0", Info{"FR", 64502, "EXAMPLE-AS-THREE"}},  // reserved in the registry; ip2asn's country
		{"10.0.5.0", Info{Country: "GB"}},                    // upper-cased
		{"10.0.6.0", Info{}},                                 // malformed line skipped
		{"255.255.255.255", Info{Country: "CH"}},             // a block ending at the last address
		{"2a02:6b7:ffff:ffff:ffff:ffff:ffff:ffff", Info{}},   // just before
		{"2a02:6b8::", yandex},                               // first
		{"2a02:6bf:ffff:ffff:ffff:ffff:ffff:ffff", yandex},   // last
		{"2a02:6c0::", Info{}},                               // just after
		{"2a10:1::5", Info{"NL", 64503, "EXAMPLE-AS-FOUR"}},  // ip2asn country None: the registry's
		{"2a10:1:1::", Info{"NL", 64504, "EXAMPLE-AS-FIVE"}}, // a one-address range, outside the /48
		{"2a10:1:1::1", Info{}},                              // just after it
		{"2a10:2::1", Info{}},                                // host bits set: skipped
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Info{}},  // the last IPv6 address
	})
	wantNotes := []string{
		`delegated-ripencc-extended-sample.txt:15: skipped: country "XX1" is not two letters`,
		`delegated-ripencc-extended-sample.txt:16: skipped: ipv4 count "0" not in 1..2^32`,
		`delegated-ripencc-extended-sample.txt:19: skipped: ipv6 block 2a10:2::1/48 has host bits set`,
		`ip2asn-combined-sample.tsv:9: skipped: 1 tab-separated fields, want 5`,
	}
	if diff := cmp.Diff(wantNotes, s.Notes()); diff != "" {
		t.Errorf("Notes (-want +got):\n%s", diff)
	}
	wantSources := []Source{{Name: "delegated-ripencc-extended-sample.txt", Version: "ripencc 20260101"}, {Name: "ip2asn-combined-sample.tsv"}}
	if diff := cmp.Diff(wantSources, s.Meta().Sources); diff != "" {
		t.Errorf("derived Sources (-want +got):\n%s", diff)
	}

	// The other order: ip2asn's countries win where it has one.
	s = build(t, fileInput(t, ip2asnSample, FormatIP2ASN), fileInput(t, rirSample, FormatRIR))
	checkLookups(t, s, []lookupCase{
		{"5.255.192.0", Info{"NL", 13238, "YANDEX"}},
		{"10.0.0.0", Info{"NL", 64500, "EXAMPLE-AS-ONE Example One B.V."}},
		{"10.0.2.0", Info{Country: "DE"}},
	})
}

// TestBuildOverlaps: within one input the narrower range wins, and each
// overlap is noted.
func TestBuildOverlaps(t *testing.T) {
	csv := "10.0.0.0,10.0.0.255,64500,Wide\n10.0.0.128,10.0.0.191,64501,Narrow\n10.0.0.100,10.0.1.200,64502,\"Straddle, Inc.\"\n"
	s := build(t, Input{Name: "x.csv", R: strings.NewReader(csv)})
	wide, narrow, straddle := Info{"", 64500, "Wide"}, Info{"", 64501, "Narrow"}, Info{"", 64502, "Straddle, Inc."}
	checkLookups(t, s, []lookupCase{
		{"10.0.0.99", wide}, {"10.0.0.100", wide}, {"10.0.0.127", wide},
		{"10.0.0.128", narrow}, {"10.0.0.191", narrow},
		{"10.0.0.192", wide}, {"10.0.0.255", wide},
		{"10.0.1.0", straddle}, {"10.0.1.200", straddle}, {"10.0.1.201", Info{}},
	})
	wantNotes := []string{
		"x.csv:3 overlaps line 1; the narrower range wins where they overlap",
		"x.csv:2 overlaps line 3; the narrower range wins where they overlap",
	}
	if diff := cmp.Diff(wantNotes, s.Notes()); diff != "" {
		t.Errorf("Notes (-want +got):\n%s", diff)
	}
	var got []string
	s.PrefixesOf([]uint32{64501, 64502}, func(p netip.Prefix, in Info) bool {
		got = append(got, fmt.Sprintf("%s %d", p, in.ASN))
		return true
	})
	want := []string{"10.0.0.128/26 64501", "10.0.1.0/25 64502", "10.0.1.128/26 64502", "10.0.1.192/29 64502", "10.0.1.200/32 64502"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PrefixesOf (-want +got):\n%s", diff)
	}
}

// TestBuildIPLDB reads the ip-location-db CSVs with addresses and with
// numbers (the -num files), IPv4 and IPv6, with and without a header.
func TestBuildIPLDB(t *testing.T) {
	country := "ip_range_start,ip_range_end,country_code\n16777216,16777471,au\n42540528726795050063891204319802818560,42540528806023212578155541913346768895,JP\n"
	asn := "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n"
	s := build(t, Input{Name: "c.csv", R: strings.NewReader(country)}, Input{Name: "a.csv", R: strings.NewReader(asn)})
	checkLookups(t, s, []lookupCase{
		{"1.0.0.0", Info{"AU", 13335, "Cloudflare, Inc."}},
		{"1.0.0.255", Info{"AU", 13335, "Cloudflare, Inc."}},
		{"1.0.1.0", Info{}},
		{"2001:200::", Info{"JP", 2500, "WIDE Project"}},
		{"2001:200:ffff:ffff:ffff:ffff:ffff:ffff", Info{"JP", 2500, "WIDE Project"}},
		{"2001:201::", Info{}},
	})
	if len(s.Notes()) != 0 {
		t.Errorf("Notes = %q, want none", s.Notes())
	}
}

// TestBuildSniff: an empty Format is told from the content, giving the
// same snapshot as the named format.
func TestBuildSniff(t *testing.T) {
	for _, tc := range []struct {
		in     Input
		format string
	}{
		{fileInput(t, rirSample, ""), FormatRIR},
		{fileInput(t, ip2asnSample, ""), FormatIP2ASN},
		{Input{Name: "c", R: strings.NewReader("1.0.0.0,1.0.0.255,AU\n")}, FormatIPLDBCountry},
		{Input{Name: "a", R: strings.NewReader("1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n")}, FormatIPLDBASN},
	} {
		sniffed := build(t, tc.in)
		tc.in.R.(interface {
			Seek(int64, int) (int64, error)
		}).Seek(0, 0)
		tc.in.Format = tc.format
		named := build(t, tc.in)
		if sniffed.Meta().Digest != named.Meta().Digest {
			t.Errorf("%s: sniffed build differs from one as %s", tc.in.Name, tc.format)
		}
	}
	_, err := Build([]Input{{Name: "prose.txt", R: strings.NewReader("hello world\n")}}, Meta{})
	if err == nil || !strings.Contains(err.Error(), `"prose.txt": cannot tell its format`) {
		t.Errorf("Build(prose) error = %v", err)
	}
}

// TestBuildTooManyBadLines: a file that is mostly garbage fails.
func TestBuildTooManyBadLines(t *testing.T) {
	bad := strings.Repeat("1.0.0.0,1.0.0.255,not-a-country\n", MaxBadLines+1)
	_, err := Build([]Input{{Name: "bad.csv", Format: FormatIPLDBCountry, R: strings.NewReader(bad)}}, Meta{})
	want := fmt.Sprintf("bad.csv:%d: more than %d malformed lines", MaxBadLines+1, MaxBadLines)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Build error = %v, want one containing %q", err, want)
	}
	long := "1.0.0.0,1.0.0.255,AU\n" + strings.Repeat("x", 100000) + "\n1.0.1.0,1.0.1.255,CN\n"
	s := build(t, Input{Name: "long.csv", Format: FormatIPLDBCountry, R: strings.NewReader(long)})
	if diff := cmp.Diff([]string{fmt.Sprintf("long.csv:2: skipped: line longer than %d bytes", MaxLineLen)}, s.Notes()); diff != "" {
		t.Errorf("Notes (-want +got):\n%s", diff)
	}
	checkLookups(t, s, []lookupCase{{"1.0.1.0", Info{Country: "CN"}}})
}

// TestWriteOpen: a built snapshot written and opened again is the same
// data with the same digest, and writes the same bytes.
func TestWriteOpen(t *testing.T) {
	s := build(t, fileInput(t, rirSample, ""), fileInput(t, ip2asnSample, ""))
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.snap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if diff := cmp.Diff(s.Meta(), db.Meta()); diff != "" {
		t.Errorf("Meta after Open (-built +opened):\n%s", diff)
	}
	if db.Meta().Digest != digestOf(buf.Bytes()) {
		t.Errorf("Digest is not the SHA-256 of the file")
	}
	for _, a := range []string{"1.0.0.1", "5.255.192.0", "10.0.2.0", "10.0.4.0", "2a02:6b8::1", "2a10:1:1::", "9.9.9.9"} {
		addr := netip.MustParseAddr(a)
		if got, want := db.Lookup(addr), s.Lookup(addr); got != want {
			t.Errorf("Lookup(%s) after Open = %+v, want %+v", a, got, want)
		}
	}
	var again bytes.Buffer
	if err := db.(*Snapshot).Write(&again); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Errorf("Write after Open gives different bytes (err %v)", err)
	}
	again.Reset()
	if err := build(t, fileInput(t, rirSample, ""), fileInput(t, ip2asnSample, "")).Write(&again); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Errorf("two builds of the same inputs differ (err %v)", err)
	}
}
