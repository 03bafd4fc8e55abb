package enforce

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
)

func TestSuricataRulesValid(t *testing.T) {
	cases := []struct {
		name string
		e    *Suricata
		t    *Targets
	}{
		{"sample", &Suricata{}, sampleTargets()},
		{"sample alert", &Suricata{Alert: true, SIDBase: 1_000_001}, sampleTargets()},
		{"empty", &Suricata{}, &Targets{AllowEmpty: true}},
		{"embedded catalogue", &Suricata{}, embeddedTargets(t)},
		{"hostile names", &Suricata{}, &Targets{Domains: []Domain{{Name: `a";b)(.example`, Entity: `x"; sid:1; (`}},
			Prefixes: []Prefix{{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Entity: "e\"\\;)"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := emit(t, c.e, c.t)
			if _, err := validateRules(out); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			suricataTest(t, out)
		})
	}
}

// TestSuricataValidatorCatchesErrors proves the validator refuses what
// Suricata refuses.
func TestSuricataValidatorCatchesErrors(t *testing.T) {
	for _, bad := range []string{
		`drop dns any any -> any any (msg:"x"; dns.query; content:"a"; sid:1; rev:1;`,
		`drop dns any any -> any any (msg:"x"; dns.query; content:"a"; rev:1;)`,
		`drop dns any any -> any any (msg:"x"; dns.query; content:"a;b"; sid:1; rev:1;)`,
		`drop dns any any -> any any (msg:"x"; content:"a"; sid:1; rev:1;)`,
		`drop dns any any -> any any (msg:"x"; tls.sni; content:"a"; sid:1; rev:1;)`,
		`drop dns any any -> any any (msg:"x"; dns.query; contnet:"a"; sid:1; rev:1;)`,
		`drop ip any any -> [192.0.2.0/33] any (msg:"x"; sid:1; rev:1;)`,
		`drop ip any any -> [192.0.2.0/24, 198.51.100.0/24] any (msg:"x"; sid:1; rev:1;)`,
		`drop ip any any -> any any (msg:"x (y"; sid:1; rev:1;) )`,
		"drop ip any any -> any any (msg:\"x\"; sid:1; rev:1;)\ndrop ip any any -> any any (msg:\"y\"; sid:1; rev:1;)",
	} {
		if _, err := validateRules([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// TestSuricataMatchesCatalogueExamples evaluates the DNS and TLS rules for
// the whole catalogue on each domain identifier's examples: every match
// example is caught, and a nomatch example only where the catalogue
// itself blocks that name another way (or it is a blocked subtree's apex).
func TestSuricataMatchesCatalogueExamples(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg := embeddedTargets(t)
	rules, err := validateRules(emit(t, &Suricata{}, tg))
	if err != nil {
		t.Fatal(err)
	}
	blocked := func(name string) bool {
		for _, r := range rules {
			if r.Proto == "dns" && r.matches(name) {
				return true
			}
		}
		return false
	}
	apex := map[string]bool{}
	for _, d := range tg.Domains {
		apex[d.Name] = apex[d.Name] || d.Subtree
	}
	for _, id := range domainIdentifiers(cat) {
		for _, m := range id.Match {
			if !blocked(m) {
				t.Errorf("%s %q: match example %q is not blocked", id.Pos, id.Value, m)
			}
		}
		for _, m := range id.NoMatch {
			name := strings.ToLower(strings.TrimSuffix(m, "."))
			if blocked(m) && len(cat.Index().Domain(name)) == 0 && !apex[name] {
				t.Errorf("%s %q: nomatch example %q is blocked", id.Pos, id.Value, m)
			}
		}
	}
}

// domainIdentifiers are the catalogue's domain identifiers but hosting
// ones, which block lists set aside: one for each value of an identifier
// written with a list of values.
func domainIdentifiers(cat *catalog.Catalog) []*catalog.Identifier {
	var out []*catalog.Identifier
	add := func(id *catalog.Identifier) {
		if id.Kind != catalog.Domain || id.TierOf() == catalog.TierHosting {
			return
		}
		if len(id.Values) == 0 {
			out = append(out, id)
			return
		}
		for _, v := range id.Values {
			x := *id
			x.Value, x.Values = v, nil
			out = append(out, &x)
		}
	}
	for _, e := range cat.Entities {
		for i := range e.Identifiers {
			add(&e.Identifiers[i])
		}
	}
	for _, p := range cat.Products {
		for i := range p.Identifiers {
			add(&p.Identifiers[i])
		}
	}
	return out
}

// suricataTest runs `suricata -T` on the rules when Suricata is installed
// (it is not packaged for Debian bookworm; validateRules is the check
// that always runs).
func suricataTest(t *testing.T, rules []byte) {
	t.Helper()
	bin, err := exec.LookPath("suricata")
	if err != nil {
		return
	}
	dir := t.TempDir()
	rulesPath := filepath.Join(dir, "embargo.rules")
	conf := filepath.Join(dir, "minimal.yaml")
	if err := os.WriteFile(rulesPath, rules, 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := "%YAML 1.1\n---\ndefault-log-dir: " + dir + "\nlogging:\n  outputs:\n    - console:\n        enabled: yes\n"
	if err := os.WriteFile(conf, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-T", "-S", rulesPath, "-c", conf, "-l", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("suricata -T rejected the rules: %v\n%s", err, out)
	}
}
