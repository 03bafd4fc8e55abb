package enforce

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The schema in testdata/applocker.xsd was written for this test from the
// documented AppLocker XML structure: Microsoft ships none in Debian.
func xmllintSchema(t *testing.T, doc []byte) ([]byte, error) {
	t.Helper()
	xmllint := tool(t, "xmllint", "libxml2-utils")
	path := writeTemp(t, "applocker.xml", doc)
	return exec.Command(xmllint, "--noout", "--schema", "testdata/applocker.xsd", path).CombinedOutput()
}

func TestAppLockerSchema(t *testing.T) {
	cases := []struct {
		name string
		e    *AppLocker
		t    *Targets
	}{
		{"sample", &AppLocker{}, sampleTargets()},
		{"sample enabled", &AppLocker{Mode: Enabled}, sampleTargets()},
		{"empty", &AppLocker{}, &Targets{AllowEmpty: true}},
		// The catalogue gives no whole subject: allow rules only.
		{"embedded catalogue", &AppLocker{}, allowingEmpty(embeddedTargets(t))},
		{"hostile names", &AppLocker{}, &Targets{Publishers: []Publisher{
			{Name: `O=A<b>&"c" --, C=RU`, Entity: "x-->y", Source: "s\n<!--"},
			{Name: "Example -- Org -", Entity: "z", Source: "-"},
		}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := emit(t, c.e, c.t)
			if out, err := xmllintSchema(t, doc); err != nil {
				t.Fatalf("xmllint --schema: %v\n%s\n%s", err, out, doc)
			}
		})
	}
}

// TestAppLockerSchemaCatchesErrors proves the schema check can fail.
func TestAppLockerSchemaCatchesErrors(t *testing.T) {
	doc := emit(t, &AppLocker{}, sampleTargets())
	for _, bad := range [][2]string{
		{`EnforcementMode="AuditOnly"`, `EnforcementMode="Audit"`},
		{`Action="Deny"`, `Action="Block"`},
		{`PublisherName="O=AO KASPERSKY LAB`, `PublisherName="O=AO KASPERSKY*`},
		{`UserOrGroupSid="S-1-1-0"`, `UserOrGroupSid="Everyone"`},
	} {
		broken := bytes.Replace(doc, []byte(bad[0]), []byte(bad[1]), 1)
		if out, err := xmllintSchema(t, broken); err == nil {
			t.Errorf("the schema accepted %s:\n%s", bad[1], out)
		}
	}
}

// Independent of the emitter's own types: what a reader of the policy sees.
type parsedPolicy struct {
	Version     string `xml:"Version,attr"`
	Collections []struct {
		Type  string `xml:"Type,attr"`
		Mode  string `xml:"EnforcementMode,attr"`
		Rules []struct {
			XMLName xml.Name
			ID      string `xml:"Id,attr"`
			SID     string `xml:"UserOrGroupSid,attr"`
			Action  string `xml:"Action,attr"`
			Cond    struct {
				Publisher struct {
					Name string `xml:"PublisherName,attr"`
				} `xml:"FilePublisherCondition"`
				Path struct {
					Path string `xml:"Path,attr"`
				} `xml:"FilePathCondition"`
			} `xml:"Conditions"`
		} `xml:",any"`
	} `xml:"RuleCollection"`
}

type parsedRule struct{ Kind, Action, Publisher, Path string }

func TestAppLockerParsesBack(t *testing.T) {
	for _, mode := range []EnforcementMode{"", AuditOnly, Enabled} {
		doc := emit(t, &AppLocker{Mode: mode}, sampleTargets())
		var p parsedPolicy
		if err := xml.Unmarshal(doc, &p); err != nil {
			t.Fatal(err)
		}
		wantMode := string(mode)
		if mode == "" {
			wantMode = "AuditOnly"
		}
		want := []parsedRule{
			{"FilePublisherRule", "Deny", "O=AO KASPERSKY LAB, L=MOSCOW, C=RU", ""},
			{"FilePublisherRule", "Deny", `O="EXAMPLE, INC.", L=CULVER CITY, S=CALIFORNIA, C=US`, ""},
			{"FilePathRule", "Allow", "", "*"},
		}
		ids := map[string]bool{}
		var types []string
		for _, c := range p.Collections {
			types = append(types, c.Type)
			if c.Mode != wantMode {
				t.Errorf("mode %q: collection %s is %s", mode, c.Type, c.Mode)
			}
			var got []parsedRule
			for _, r := range c.Rules {
				got = append(got, parsedRule{r.XMLName.Local, r.Action, r.Cond.Publisher.Name, r.Cond.Path.Path})
				if r.SID != "S-1-1-0" || ids[r.ID] {
					t.Errorf("rule %s: SID %s, id repeated %v", r.ID, r.SID, ids[r.ID])
				}
				ids[r.ID] = true
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("collection %s (-want +got):\n%s", c.Type, diff)
			}
		}
		if p.Version != "1" || strings.Join(types, " ") != "Exe Msi Script" {
			t.Errorf("version %q, collections %v", p.Version, types)
		}
		if !bytes.Contains(doc, []byte("AO Kaspersky Lab (kaspersky-ao, source kaspersky-eula-uk (legal name))")) {
			t.Error("the organisation-only publisher is not listed in the header comment")
		}
	}
	if err := (&AppLocker{Mode: "Audit"}).Emit(&bytes.Buffer{}, sampleTargets()); err == nil {
		t.Error("an unknown enforcement mode gave no error")
	}
}

func TestAppLockerPublisher(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"O=AO Kaspersky Lab, L=Moscow, C=RU", "O=AO KASPERSKY LAB, L=MOSCOW, C=RU", true},
		{"CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US",
			"O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US", true},
		{"C=CN, ST=Guangdong, L=Shenzhen, O=Tencent Technology(Shenzhen) Company Limited",
			"O=TENCENT TECHNOLOGY(SHENZHEN) COMPANY LIMITED, L=SHENZHEN, S=GUANGDONG, C=CN", true},
		{`O="Example, Inc.", C=US`, `O="EXAMPLE, INC.", C=US`, true},
		{"AO Kaspersky Lab", "", false},
		{"CN=Kaspersky Lab", "", false},
		{"Kaspersky, Inc.", "", false},
	}
	for _, c := range cases {
		got, ok := appLockerPublisher(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("appLockerPublisher(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
