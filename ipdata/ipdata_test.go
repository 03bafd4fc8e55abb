package ipdata

import (
	"bufio"
	"math/rand/v2"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func embeddedSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	db, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	return db.(*Snapshot)
}

func TestEmbeddedMeta(t *testing.T) {
	m := embeddedSnapshot(t).Meta()
	if m.Name != EmbeddedName || m.Built.IsZero() {
		t.Errorf("Meta name %q built %v", m.Name, m.Built)
	}
	if want := digestOf(embedded); m.Digest != want {
		t.Errorf("Digest = %s, want %s", m.Digest, want)
	}
	notice, err := os.ReadFile("data/NOTICE")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(notice), m.Digest) {
		t.Errorf("data/NOTICE does not name the embedded digest %s; rerun go generate", m.Digest)
	}
	var names []string
	for _, s := range m.Sources {
		names = append(names, s.Name)
		if s.License != "CC-BY-4.0" || s.Attribution == "" || !strings.HasPrefix(s.Version, "2.3.") {
			t.Errorf("source %+v lacks licence, attribution or version", s)
		}
	}
	if diff := cmp.Diff([]string{"@ip-location-db/asn-country", "@ip-location-db/asn"}, names); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if len(embedded) > 8<<20 {
		t.Errorf("embedded snapshot is %d bytes, over the 8 MiB budget", len(embedded))
	}
}

// TestEmbeddedWellKnown checks public resolvers, whose holders anyone
// can confirm, as the dataset states them.
func TestEmbeddedWellKnown(t *testing.T) {
	db := embeddedSnapshot(t)
	google := Info{"US", 15169, "Google LLC"}
	cloudflare := Info{"US", 13335, "Cloudflare, Inc."}
	for _, tc := range []struct {
		addr string
		want Info
	}{
		{"8.8.8.8", google},
		{"8.8.4.4", google},
		{"::ffff:8.8.8.8", google},
		{"1.1.1.1", Info{"AU", 13335, "Cloudflare, Inc."}}, // registered by APNIC's research lab
		{"9.9.9.9", Info{"US", 19281, "Quad9"}},
		{"2001:4860:4860::8888", google},
		{"2606:4700:4700::1111", cloudflare},
		{"127.0.0.1", Info{}},
		{"10.1.2.3", Info{}},
		{"::1", Info{}},
		{"fe80::1", Info{}},
		{"fe80::1%eth0", Info{}},
	} {
		if got := db.Lookup(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Lookup(%s) = %+v, want %+v", tc.addr, got, tc.want)
		}
	}
	if got := db.Lookup(netip.Addr{}); got != (Info{}) {
		t.Errorf("Lookup(zero Addr) = %+v", got)
	}
}

// excerptLine is one line of a testdata excerpt: a range and what the
// raw CSV says of it.
type excerptLine struct {
	where      string
	start, end netip.Addr
	fields     []string
}

// readExcerpt returns the windows of consecutive lines of an excerpt.
func readExcerpt(t *testing.T, path string) [][]excerptLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var windows [][]excerptLine
	var where string
	var n int
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if rest, ok := strings.CutPrefix(s, "# "); ok && !strings.HasPrefix(rest, "Excerpt") && !strings.HasPrefix(rest, "Cut") {
			file, num, _ := strings.Cut(rest, ":")
			where, windows = file, append(windows, nil)
			n, _ = strconv.Atoi(num)
			continue
		}
		if strings.HasPrefix(s, "#") {
			continue
		}
		f, err := splitCSV(s)
		if err != nil || len(f) < 3 || len(windows) == 0 {
			t.Fatalf("%s:%d: bad excerpt line %q", path, line, s)
		}
		l := excerptLine{where: where + ":" + strconv.Itoa(n), start: netip.MustParseAddr(f[0]), end: netip.MustParseAddr(f[1]), fields: f[2:]}
		windows[len(windows)-1] = append(windows[len(windows)-1], l)
		n++
	}
	if len(windows) < 10 {
		t.Fatalf("%s: only %d windows", path, len(windows))
	}
	return windows
}

// between returns a random address in [a, z].
func between(rng *rand.Rand, a, z netip.Addr) netip.Addr {
	s, e := fromAddr(a), fromAddr(z)
	span := e.sub(s)
	upTo := func(n uint64) uint64 { // uniform in [0, n]
		if n == ^uint64(0) {
			return rng.Uint64()
		}
		return rng.Uint64N(n + 1)
	}
	d := u128{0, upTo(span.lo)}
	if span.hi != 0 {
		if d = (u128{upTo(span.hi), rng.Uint64()}); span.less(d) {
			d = span
		}
	}
	x, _ := s.add(d)
	return x.addr(a.Is6())
}

// TestEmbeddedAgainstExcerpt checks the snapshot against lines cut from
// the raw npm CSVs: the first, last and a random address of each line,
// and the addresses just outside where the next line does not follow on.
func TestEmbeddedAgainstExcerpt(t *testing.T) {
	db := embeddedSnapshot(t)
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(file string, got func(Info) []string, unknown []string) {
		for _, w := range readExcerpt(t, file) {
			for i, l := range w {
				for _, a := range []netip.Addr{l.start, l.end, between(rng, l.start, l.end)} {
					if diff := cmp.Diff(l.fields, got(db.Lookup(a))); diff != "" {
						t.Errorf("%s: Lookup(%s) (-raw +snapshot):\n%s", l.where, a, diff)
					}
				}
				if a := l.start; a.Is4() {
					mapped := netip.AddrFrom16(a.As16())
					if diff := cmp.Diff(l.fields, got(db.Lookup(mapped))); diff != "" {
						t.Errorf("%s: Lookup(%s) (-raw +snapshot):\n%s", l.where, mapped, diff)
					}
				}
				if i+1 == len(w) || w[i+1].start == l.end.Next() {
					continue
				}
				for _, a := range []netip.Addr{l.end.Next(), w[i+1].start.Prev()} {
					if diff := cmp.Diff(unknown, got(db.Lookup(a))); diff != "" {
						t.Errorf("%s: Lookup(%s) just outside (-want +got):\n%s", l.where, a, diff)
					}
				}
			}
		}
	}
	check("testdata/excerpt-asn.csv", func(in Info) []string {
		if in.ASN == 0 {
			return []string{"unknown"}
		}
		return []string{strconv.FormatUint(uint64(in.ASN), 10), in.ASOrg}
	}, []string{"unknown"})
	check("testdata/excerpt-asn-country.csv", func(in Info) []string { return []string{in.Country} }, []string{""})
}

func TestLookupDoesNotAllocate(t *testing.T) {
	db := embeddedSnapshot(t)
	addrs := []netip.Addr{
		netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("::ffff:1.1.1.1"),
		netip.MustParseAddr("2001:4860:4860::8888"), netip.MustParseAddr("fe80::1%eth0"), {},
	}
	var sink Info
	if n := testing.AllocsPerRun(100, func() {
		for _, a := range addrs {
			sink = db.Lookup(a)
		}
	}); n != 0 {
		t.Errorf("Lookup allocates %v times per run", n)
	}
	_ = sink
}

func TestLookupConcurrent(t *testing.T) {
	db := embeddedSnapshot(t)
	addrs := mix(db, 20000, 7)
	want := make([]Info, len(addrs))
	for i, a := range addrs {
		want[i] = db.Lookup(a)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < len(addrs); i += 3 {
				if got := db.Lookup(addrs[i]); got != want[i] {
					t.Errorf("concurrent Lookup(%s) = %+v, want %+v", addrs[i], got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestEmbeddedPrefixesOf(t *testing.T) {
	db := embeddedSnapshot(t)
	var got []netip.Prefix
	db.PrefixesOf([]uint32{19281, 13335}, func(p netip.Prefix, in Info) bool {
		if in.ASN != 19281 && in.ASN != 13335 {
			t.Errorf("prefix %s has ASN %d", p, in.ASN)
		}
		for _, a := range []netip.Addr{p.Masked().Addr(), lastAddr(p)} {
			if l := db.Lookup(a); l != in {
				t.Errorf("prefix %s: Lookup(%s) = %+v, yielded %+v", p, a, l, in)
			}
		}
		got = append(got, p)
		return true
	})
	for i := 1; i < len(got); i++ {
		if !lastAddr(got[i-1]).Less(got[i].Addr()) {
			t.Errorf("prefixes not in address order: %s then %s", got[i-1], got[i])
		}
	}
	for _, want := range []string{"1.1.1.0/24", "9.9.9.0/24", "2606:4700:4700::/48"} {
		found := false
		for _, p := range got {
			found = found || p.Contains(netip.MustParsePrefix(want).Addr()) && p.Bits() <= netip.MustParsePrefix(want).Bits()
		}
		if !found {
			t.Errorf("PrefixesOf(19281, 13335) has nothing covering %s", want)
		}
	}
	n := 0
	db.PrefixesOf([]uint32{13335}, func(netip.Prefix, Info) bool { n++; return n < 3 })
	if n != 3 {
		t.Errorf("PrefixesOf went on after yield returned false: %d calls", n)
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	s := fromAddr(p.Masked().Addr())
	width := 32
	if p.Addr().Is6() {
		width = 128
	}
	m := lowMask(width - p.Bits())
	return u128{s.hi | m.hi, s.lo | m.lo}.addr(p.Addr().Is6())
}
