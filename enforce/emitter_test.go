package enforce

import (
	"bytes"
	"errors"
	"flag"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
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

// embeddedTargets derives from the embedded catalogue with a few
// prefixes added, as the CLI does from IP data.
func embeddedTargets(t testing.TB, instruments ...string) *Targets {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Derive(cat, instruments)
	if err != nil {
		t.Fatal(err)
	}
	tg.Prefixes = sampleTargets().Prefixes
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
	p, err := exec.LookPath(cmd)
	if err != nil {
		t.Fatalf("%s is needed to check this artefact: apt-get install %s", cmd, pkg)
	}
	return p
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

// TestEmitEmpty checks that every network and publisher format writes a
// valid artefact for no targets at all (the tools check them in their own
// tests), and that every app format refuses to write an empty policy.
func TestEmitEmpty(t *testing.T) {
	for _, e := range Emitters() {
		if appEmitters[e.Name()] {
			var b bytes.Buffer
			if err := e.Emit(&b, &Targets{}); !errors.Is(err, ErrNoApps) || b.Len() != 0 {
				t.Errorf("%s: wrote %d bytes, error %v; want nothing and ErrNoApps", e.Name(), b.Len(), err)
			}
			continue
		}
		if out := emit(t, e, &Targets{}); !bytes.Contains(out, []byte("generated by embargo")) {
			t.Errorf("%s: no header in\n%s", e.Name(), out)
		}
	}
}
