package enforce

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
)

// TestDeriveApps derives from the embedded catalogue and checks apps known
// to be catalogued now, and that a pack's apps are those of what it
// flags only. Other mobile ids are being added, so totals are not pinned.
func TestDeriveApps(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tiktok := App{ID: "com.zhiliaoapp.musically", Platform: Android, Product: "tiktok", ProductName: "TikTok",
		Entity: "bytedance-ltd", Source: "tiktok-opensdk-musically-check", Confidence: catalog.High}
	kav := App{ID: "com.kaspersky.kav", Platform: Apple, Product: "kaspersky-internet-security", ProductName: "Kaspersky Internet Security",
		Entity: "kaspersky-ao", Source: "r12-k-h1-980876", Confidence: catalog.Medium}
	wechatMac := App{ID: "com.tencent.xinWeChat", Platform: Apple, Product: "wechat-macos", ProductName: "WeChat for Mac",
		Entity: "tencent-technology-shenzhen", Source: "r12-cn-brew-wechat", Confidence: catalog.High}
	for _, c := range []struct {
		name    string
		packs   []string
		want    []App
		notWant []string // app ids that must not be there
		entity  string   // every app's entity starts with this
	}{
		{"TikTok, UK government devices", []string{"uk-tiktok-govdevices-2023"}, []App{tiktok}, []string{"com.kaspersky.kav", "com.tencent.xinWeChat"}, ""},
		{"Kaspersky, BOD 17-01", []string{"us-bod-17-01"}, []App{kav}, []string{"com.zhiliaoapp.musically"}, "kaspersky-"},
		{"every entity", nil, []App{tiktok, kav, wechatMac}, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var ch Chooser
			if len(c.packs) > 0 {
				ch = builtinJudgement(t, cat, "", nil, c.packs...)
			}
			tg, err := Derive(cat, ch)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				i := slices.IndexFunc(tg.Apps, func(a App) bool { return a.Platform == w.Platform && a.ID == w.ID })
				if i < 0 {
					t.Errorf("%s (%s) is missing", w.ID, w.Platform)
					continue
				}
				if diff := cmp.Diff(w, tg.Apps[i]); diff != "" {
					t.Errorf("%s (-want +got):\n%s", w.ID, diff)
				}
			}
			for _, a := range tg.Apps {
				chosen := slices.Contains(tg.Entities, a.Entity) || slices.Contains(tg.Products, a.Product)
				if slices.Contains(c.notWant, a.ID) || !strings.HasPrefix(a.Entity, c.entity) || !chosen {
					t.Errorf("%+v is not an app of what was chosen", a)
				}
			}
			if ch == nil {
				checkApps(t, cat, tg)
			}
		})
	}
}

// checkApps checks the invariants the app emitters rely on: sorted by
// platform and id, one entry per app, each traced to a catalogued source
// and, for a product's, to that product of that entity; and, when every
// entity is blocked, every bundle_id and android_package identifier of
// the catalogue is there.
func checkApps(t *testing.T, cat *catalog.Catalog, tg *Targets) {
	t.Helper()
	for i, a := range tg.Apps {
		if i > 0 {
			prev := tg.Apps[i-1]
			if prev.Platform > a.Platform || prev.Platform == a.Platform && appKey(prev) >= appKey(a) {
				t.Errorf("%s %s sorts before %s %s, or repeats it", prev.Platform, prev.ID, a.Platform, a.ID)
			}
		}
		if a.ID == "" || (a.Platform != Apple && a.Platform != Android) || cat.Sources[a.Source] == nil ||
			a.Confidence < catalog.Low || a.Confidence > catalog.High {
			t.Errorf("%+v", a)
		}
		if a.Product != "" {
			if p := cat.Product(a.Product); p == nil || p.Supplier != a.Entity || p.Name != a.ProductName {
				t.Errorf("%+v is not its product's", a)
			}
		}
	}
	has := func(k catalog.Kind, v string) bool {
		want := App{ID: v, Platform: Android}
		if k == catalog.BundleID {
			want.Platform = Apple
		}
		return slices.ContainsFunc(tg.Apps, func(a App) bool { return a.Platform == want.Platform && appKey(a) == appKey(want) })
	}
	check := func(ids []catalog.Identifier, entity string) {
		if !slices.Contains(tg.Entities, entity) {
			return
		}
		for _, id := range ids {
			if id.Kind != catalog.BundleID && id.Kind != catalog.AndroidPackage {
				continue
			}
			for _, v := range append(slices.Clone(id.Values), id.Value) {
				if v != "" && !has(id.Kind, v) {
					t.Errorf("%s: %s %q of %s is missing", id.Pos, id.Kind, v, entity)
				}
			}
		}
	}
	for _, e := range cat.Entities {
		check(e.Identifiers, e.ID)
	}
	for _, p := range cat.Products {
		check(p.Identifiers, p.Supplier)
	}
}

// normalizeApps keeps one entry per app, the most confident; Apple's ids
// compare without case, Android's with it.
func TestNormalizeApps(t *testing.T) {
	in := []App{
		{ID: "org.example.B", Platform: Android, Entity: "e2", Source: "s", Confidence: catalog.Low},
		{ID: "org.example.b", Platform: Android, Entity: "e1", Source: "s", Confidence: catalog.Medium},
		{ID: "ORG.Example.App", Platform: Apple, Entity: "e1", Source: "s1", Confidence: catalog.Low},
		{ID: "org.example.app", Platform: Apple, Entity: "e2", Source: "s2", Confidence: catalog.High},
		{ID: "org.example.app", Platform: Apple, Entity: "e1", Source: "s3", Confidence: catalog.High},
		{ID: "org.example.app", Platform: Android, Entity: "e1", Source: "s", Confidence: catalog.Medium},
	}
	want := []App{
		{ID: "org.example.B", Platform: Android, Entity: "e2", Source: "s", Confidence: catalog.Low},
		{ID: "org.example.app", Platform: Android, Entity: "e1", Source: "s", Confidence: catalog.Medium},
		{ID: "org.example.b", Platform: Android, Entity: "e1", Source: "s", Confidence: catalog.Medium},
		{ID: "org.example.app", Platform: Apple, Entity: "e1", Source: "s3", Confidence: catalog.High},
	}
	if diff := cmp.Diff(want, normalizeApps(in)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValidAppID(t *testing.T) {
	for _, c := range []struct {
		id      string
		p       Platform
		invalid bool
	}{
		{"com.tencent.xinWeChat", Apple, false},
		{"com.hikvision.hik-connect", Apple, false},
		{"com.example", Apple, false},
		{"example", Apple, true}, // not reverse-DNS
		{"com.example.", Apple, true},
		{"com..example", Apple, true},
		{"com.example_app", Apple, true}, // '_' is not in a bundle id
		{"com.example app", Apple, true},
		{"com.mcu.iVMS", Android, false},
		{"dji.go.v4", Android, false},
		{"com.kaspersky.who_calls", Android, false},
		{"com.example.1app", Android, true}, // a segment starts with a letter
		{"com.example-app", Android, true},
		{"example", Android, true},
		{"com." + strings.Repeat("a", 252), Android, true}, // over 255
	} {
		if got := validAppID(App{ID: c.id, Platform: c.p}); got == c.invalid {
			t.Errorf("validAppID(%q, %s) = %v", c.id, c.p, got)
		}
	}
}

// A description is a string value, not a comment: a note's
// "--include-hosting" stays, while line breaks inside a value do not
// make lines of their own.
func TestDescriptionText(t *testing.T) {
	tg := sampleTargets()
	tg.Note = "chosen; 2 hosting networks not blocked: --include-hosting blocks them\nInjected: line"
	d := descriptionText("test format", tg, "remark one")
	for _, s := range []string{"Block list generated by embargo (test format).\nGenerated: 2026-03-01T12:00:00Z\n",
		"Catalogue: sha256:0123456789abcdef\n", "--include-hosting blocks them Injected: line\n", "\nremark one"} {
		if !strings.Contains(d, s) {
			t.Errorf("%q lacks %q", d, s)
		}
	}
	if strings.Contains(d, "\nInjected") {
		t.Errorf("a line break in the note made a line: %q", d)
	}
}
