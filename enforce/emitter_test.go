package enforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// sampleTargets is a small, fixed set of targets with the awkward cases:
// overlapping and adjacent prefixes in both families, a prefix with host
// bits set, an IPv4-mapped one, a subtree with names below it, a plain
// name and a subtree for the same apex, a whole subject and an
// organisation name alone; apps of both platforms and every confidence,
// one entity-wide, one with an id no store allows, and a name with XML and
// JSON metacharacters. Addresses and ASNs are from the documentation
// ranges (RFC 5737, RFC 3849, RFC 5398).
func sampleTargets() *Targets {
	pfx := netip.MustParsePrefix
	return &Targets{
		Entities: []string{"bytedance-ltd", "kaspersky-ao", "kaspersky-lab-inc"},
		Domains: []Domain{
			{Name: "tiktok.com", Entity: "bytedance-ltd", Source: "duanyaqi-tiktok-domains"},
			{Name: "tiktok.com", Subtree: true, Entity: "bytedance-ltd", Source: "duanyaqi-tiktok-domains"},
			{Name: "kaspersky.com", Subtree: true, Entity: "kaspersky-ao", Source: "v2fly-kaspersky-domains"},
			{Name: "upd.kaspersky.com", Subtree: true, Entity: "kaspersky-ao", Source: "keswin-11-6-network"},
			{Name: "activation-v2.kaspersky.com", Entity: "kaspersky-ao", Source: "keswin-11-6-network"},
			{Name: "cm.k.kaspersky-labs.com", Entity: "kaspersky-ao", Source: "keswin-11-6-network"},
			{Name: "_dmarc.example.net", Entity: "kaspersky-lab-inc", Source: "made-up"},
			{Name: "bad name.example", Entity: "kaspersky-lab-inc", Source: "made-up"},
		},
		Prefixes: []Prefix{
			{Prefix: pfx("192.0.2.0/24"), ASN: 64496, Entity: "kaspersky-ao"},
			{Prefix: pfx("192.0.2.128/25"), ASN: 64496, Entity: "kaspersky-ao"},    // inside the /24
			{Prefix: pfx("198.51.100.0/25"), ASN: 64497, Entity: "kaspersky-ao"},   // adjacent to the next
			{Prefix: pfx("198.51.100.128/25"), ASN: 64497, Entity: "kaspersky-ao"}, //
			{Prefix: pfx("203.0.113.7/24"), ASN: 64498, Entity: "bytedance-ltd"},   // host bits set
			{Prefix: pfx("::ffff:203.0.114.0/120"), Entity: "bytedance-ltd"},       // IPv4-mapped
			{Prefix: pfx("2001:db8::/32"), ASN: 64496, Entity: "kaspersky-ao"},
			{Prefix: pfx("2001:db8:1::/48"), ASN: 64496, Entity: "kaspersky-ao"}, // inside the /32
			{Prefix: pfx("2001:db9::/48"), ASN: 64498, Entity: "bytedance-ltd"},
			{Prefix: pfx("2001:db9:1::/48"), ASN: 64498, Entity: "bytedance-ltd"}, // adjacent
		},
		ASNs: []uint32{64496, 64497, 64498},
		Publishers: []Publisher{
			{Name: "AO Kaspersky Lab", Entity: "kaspersky-ao", Source: "kaspersky-eula-uk (legal name)"},
			{Name: "CN=AO Kaspersky Lab, O=AO Kaspersky Lab, L=Moscow, C=RU", Entity: "kaspersky-ao", Source: "made-up"},
			{Name: `O="Example, Inc.", L=Culver City, ST=California, C=US`, Entity: "bytedance-ltd", Source: "made-up"},
		},
		Apps: []App{
			{ID: "bad id!", Platform: Android, Product: "made-up", Entity: "bytedance-ltd", Source: "made-up", Confidence: catalog.High},
			{ID: "com.example.low", Platform: Android, Product: "tiktok", ProductName: "TikTok", Entity: "bytedance-ltd", Source: "made-up", Confidence: catalog.Low},
			{ID: "com.ss.android.ugc.trill", Platform: Android, Product: "tiktok", ProductName: "TikTok", Entity: "bytedance-ltd", Source: "made-up", Confidence: catalog.Medium},
			{ID: "com.zhiliaoapp.musically", Platform: Android, Product: "tiktok", ProductName: "TikTok", Entity: "bytedance-ltd", Source: "tiktok-opensdk-musically-check", Confidence: catalog.High},
			{ID: "com.example.entitywide", Platform: Apple, Entity: "kaspersky-lab-inc", Source: "made-up", Confidence: catalog.High},
			{ID: "com.hikvision.ezviz", Platform: Apple, Product: "ezviz-app", ProductName: "EZVIZ mobile app", Entity: "ezviz", Source: "r12-eq-appscan-ios", Confidence: catalog.Low},
			{ID: "com.kaspersky.kav", Platform: Apple, Product: "kaspersky-internet-security", ProductName: `Odd & <Name> "quoted" -->`, Entity: "kaspersky-ao", Source: "r12-k-h1-980876", Confidence: catalog.Medium},
			{ID: "com.zhiliaoapp.musically", Platform: Apple, Product: "tiktok", ProductName: "TikTok", Entity: "bytedance-ltd", Source: "made-up", Confidence: catalog.High},
		},
		Generated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Catalog:   "sha256:0123456789abcdef",
		Note:      "test targets",
	}
}

// embeddedTargets derives from the embedded catalogue, what the built-in
// packs flag (everything without one), with a few prefixes added, as the
// CLI does from IP data.
func embeddedTargets(t testing.TB, packs ...string) *Targets {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var ch Chooser
	if len(packs) > 0 {
		ch = builtinJudgement(t, cat, "", nil, packs...)
	}
	tg, err := Derive(cat, ch)
	if err != nil {
		t.Fatal(err)
	}
	tg.Prefixes = sampleTargets().Prefixes
	return tg
}

// allowingEmpty lets tg be written when it blocks nothing.
func allowingEmpty(tg *Targets) *Targets {
	tg.AllowEmpty = true
	return tg
}

func emit(t testing.TB, e Emitter, tg *Targets) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := e.Emit(&b, tg); err != nil {
		t.Fatalf("%s: %v", e.Name(), err)
	}
	return b.Bytes()
}

// writeTemp writes an artefact to a file for a tool to read.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tool returns the path of a command the test needs, failing with the
// Debian package that provides it.
func tool(t testing.TB, cmd, pkg string) string {
	t.Helper()
	return testtool.Command(t, cmd, pkg)
}

func TestEmittersRegistered(t *testing.T) {
	var names []string
	for _, e := range Emitters() {
		names = append(names, e.Name())
		got, err := Lookup(e.Name())
		if err != nil || got.Name() != e.Name() {
			t.Errorf("Lookup(%q) = %v, %v", e.Name(), got, err)
		}
	}
	want := []string{"nftables", "rpz", "hosts", "suricata", "applocker",
		"ios-restrictions", "intune-ios-compliance", "intune-android-restrictions"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Emitters() (-want +got):\n%s", diff)
	}
	if _, err := Lookup("iptables"); err == nil {
		t.Error("Lookup(iptables) gave no error")
	}
}

var goldenFiles = map[string]string{
	"nftables": "embargo.nft", "rpz": "rpz.embargo.zone", "hosts": "hosts",
	"suricata": "embargo.rules", "applocker": "applocker.xml",
	"ios-restrictions": "ios-restrictions.mobileconfig", "intune-ios-compliance": "intune-ios-compliance.json",
	"intune-android-restrictions": "intune-android-restrictions.json",
}

// appEmitters are the formats that block apps only: for targets without
// an app they write nothing and say why (ErrNoApps).
var appEmitters = map[string]bool{"ios-restrictions": true, "intune-ios-compliance": true, "intune-android-restrictions": true}

// TestGolden pins each artefact of sampleTargets; go test -update
// rewrites them after a deliberate change.
func TestGolden(t *testing.T) {
	for _, e := range Emitters() {
		t.Run(e.Name(), func(t *testing.T) {
			got := emit(t, e, sampleTargets())
			path := filepath.Join("testdata", "golden", goldenFiles[e.Name()])
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", e.Name(), path, diff)
			}
			// Determinism: the same targets give the same bytes.
			if again := emit(t, e, sampleTargets()); !bytes.Equal(again, got) {
				t.Error("a second run gave different bytes")
			}
		})
	}
}

// TestEmitEmpty checks that no format writes an artefact that blocks
// nothing unless asked (ErrNothingToBlock, and ErrNoApps for the app
// formats, with the reason Empty gives); asked, every format writes a
// valid one (the tools check them in their own tests) with its header.
func TestEmitEmpty(t *testing.T) {
	for _, e := range Emitters() {
		why := e.Empty(&Targets{})
		var b bytes.Buffer
		err := e.Emit(&b, &Targets{})
		if why == "" || !errors.Is(err, ErrNothingToBlock) || b.Len() != 0 || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: wrote %d bytes, error %v, reason %q; want nothing, ErrNothingToBlock and the reason", e.Name(), b.Len(), err, why)
		}
		if appEmitters[e.Name()] != errors.Is(err, ErrNoApps) {
			t.Errorf("%s: %v: ErrNoApps %v", e.Name(), err, errors.Is(err, ErrNoApps))
		}
		out := emit(t, e, &Targets{AllowEmpty: true})
		if !bytes.Contains(out, []byte("enerated by embargo")) {
			t.Errorf("%s: no header in\n%s", e.Name(), out)
		}
		switch e.Name() {
		case "intune-ios-compliance", "intune-android-restrictions":
			if !json.Valid(out) || !bytes.Contains(out, []byte(": []")) {
				t.Errorf("%s: not JSON with an empty list:\n%s", e.Name(), out)
			}
		case "ios-restrictions":
			if p, err := parseProfile(out); err != nil || len(p.PayloadContent[0].BlockedAppBundleIDs) != 0 {
				t.Errorf("%s: an empty profile: %v", e.Name(), err)
			}
		}
		if why := e.Empty(sampleTargets()); why != "" {
			t.Errorf("%s: the sample targets block nothing: %s", e.Name(), why)
		}
	}
}

// TestEmptyReasons: each format looks at what it writes — a name that
// cannot be written is no name, an organisation name alone no AppLocker
// publisher, a low-confidence app no app — and says what was chosen.
func TestEmptyReasons(t *testing.T) {
	for _, c := range []struct {
		e    Emitter
		t    *Targets
		want string // in the reason; "" when something is blocked
	}{
		{&NFTables{}, &Targets{Note: "my choice", HostingASNs: []uint32{64496}}, "no network of the chosen entities (my choice) gave an address prefix to drop (1 hosting networks and names set aside)"},
		{&NFTables{}, &Targets{Quarantine: []Quarantined{{Addr: netip.MustParseAddr("192.0.2.1")}}}, ""},
		{&RPZ{}, &Targets{Domains: []Domain{{Name: "bad name.example"}}}, "none of the 1 names of the chosen entities (unknown) can be written"},
		{&Hosts{}, &Targets{Domains: []Domain{{Name: "ok.example"}}}, ""},
		{&Hosts{}, &Targets{Domains: []Domain{{Name: "_dmarc.example"}}}, "none of the 1 names"},
		{&Suricata{}, &Targets{Prefixes: sampleTargets().Prefixes}, ""},
		{&Suricata{}, &Targets{}, "no domain of the chosen entities (unknown) is catalogued, and no network gave an address prefix"},
		{&AppLocker{}, &Targets{Publishers: []Publisher{{Name: "AO Kaspersky Lab"}}}, "1 are organisation names alone, which AppLocker cannot deny, so the policy would only allow"},
		{&AppLocker{}, &Targets{Publishers: []Publisher{{Name: "O=AO Kaspersky Lab, C=RU"}}}, ""},
		{&IOSRestrictions{}, &Targets{Apps: []App{{ID: "com.example.app", Platform: Apple, Confidence: catalog.Low}}}, "(1 of lower confidence left out: com.example.app)"},
		{&IntuneAndroidRestrictions{}, &Targets{Apps: []App{{ID: "com.example.app", Platform: Android, Confidence: catalog.High}}}, ""},
	} {
		got := c.e.Empty(c.t)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s.Empty = %q, want %q", c.e.Name(), got, c.want)
		}
	}
}
