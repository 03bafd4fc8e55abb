package enforce

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/embargo-dev/embargo/catalog"
)

// FuzzEmit feeds every emitter targets whose names, entities, sources and
// app ids come from the fuzzer (a catalogue is reviewed data, but a Targets can be
// built by any caller), and checks that none panics and that each
// artefact still parses as its format: no text can end a comment, break a
// quoted string or smuggle in a rule.
func FuzzEmit(f *testing.F) {
	f.Add("kaspersky.com\nkaspersky-ao\nv2fly\nO=AO Kaspersky Lab, C=RU\n192.0.2.0/24")
	f.Add("*.x\"; sid:1; (\n--><!--\n\\\n;\n2001:db8::/32\n::ffff:1.2.3.4/104")
	f.Add("касперский.рф\n\r\n\u2028\n" + strings.Repeat("a", 70) + ".example\nO=\"A, B\"*")
	f.Add("_srv.example.\n-bad-.example\nA..B\n.\n\x00\xff")
	// App ids of both platforms that the app formats write, names with
	// markup, and an id one letter short of valid.
	f.Add("com.example.a\ncom.example.b\ncom.example.c\n<!-- & \"x\" \uFFFE\ncom.example.1e\norg.example.f")
	// A ';' that miekg/dns's lexer met with one byte of its comment buffer
	// left (see rpzComment).
	f.Add("\xdd" + strings.Repeat(";", 200))
	f.Fuzz(func(t *testing.T, in string) {
		fields := strings.Split(in, "\n")
		if len(fields) > 64 {
			fields = fields[:64]
		}
		tg := &Targets{Note: in, Catalog: in, AllowEmpty: len(in)%2 == 0}
		for i, s := range fields {
			ent, src := fields[(i+1)%len(fields)], fields[(i+2)%len(fields)]
			tg.Entities = append(tg.Entities, s)
			tg.Domains = append(tg.Domains, Domain{Name: strings.TrimPrefix(s, "*."), Subtree: i%2 == 1, Entity: ent, Source: src})
			tg.Publishers = append(tg.Publishers, Publisher{Name: s, Entity: ent, Source: src})
			tg.Apps = append(tg.Apps, App{ID: s, Platform: []Platform{Apple, Android}[i%2], Product: src, ProductName: ent,
				Entity: ent, Source: src, Confidence: catalog.Confidence(i%3 + 1)})
			if p, err := netip.ParsePrefix(s); err == nil {
				tg.Prefixes = append(tg.Prefixes, Prefix{Prefix: p, Entity: ent, ASN: uint32(i)})
			}
		}
		for _, e := range Emitters() {
			var b bytes.Buffer
			err := e.Emit(&b, tg)
			// Targets that give nothing to block are refused, unless
			// allowed: both are fuzzed.
			if !tg.AllowEmpty && errors.Is(err, ErrNothingToBlock) && b.Len() == 0 && e.Empty(tg) != "" {
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
			if appEmitters[e.Name()] && e.Empty(tg) != "" {
				continue // an empty list, allowed: TestEmitEmpty checks it
			}
			if err := checkArtefact(e.Name(), b.Bytes()); err != nil {
				t.Fatalf("%s: %v\n%s", e.Name(), err, b.Bytes())
			}
		}
	})
}

var (
	nftElement = regexp.MustCompile(`^\t\t\t[0-9a-f.:/]+ comment "[^"\\]{0,127}",$`)
	nftComment = regexp.MustCompile(`^(#.*|\t\tcomment "[^"\\]{0,127}")$`)
)

// checkArtefact parses an artefact the way its consumer reads it, with
// the parsers of the other tests (the real tools are too slow to run on
// every fuzz input; the tests above run them on chosen inputs).
func checkArtefact(format string, data []byte) error {
	switch format {
	case "hosts":
		_, err := parseHosts(data)
		return err
	case "suricata":
		_, err := validateRules(data)
		return err
	case "rpz":
		zp := dns.NewZoneParser(bytes.NewReader(data), "", "rpz")
		for _, ok := zp.Next(); ok; _, ok = zp.Next() {
		}
		return zp.Err()
	case "applocker":
		var p parsedPolicy
		return xml.Unmarshal(data, &p)
	case "ios-restrictions":
		_, err := parseProfile(data)
		return err
	case "intune-ios-compliance":
		_, err := parseIOSCompliance(data)
		return err
	case "intune-android-restrictions":
		_, err := parseAndroidRestrictions(data)
		return err
	case "nftables":
		for _, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "comment") && !nftElement.MatchString(l) && !nftComment.MatchString(l) &&
				!strings.Contains(l, `comment "embargo: restricted suppliers"`) {
				return &lineError{l}
			}
		}
	}
	return nil
}

type lineError struct{ line string }

func (e *lineError) Error() string { return "unexpected line " + e.line }
