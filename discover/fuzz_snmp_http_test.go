package discover

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// FuzzParseCredentials: any text is credentials within bounds or an
// error that names the file and shows no inline pass phrase.
func FuzzParseCredentials(f *testing.F) {
	for _, s := range []string{
		"public\n# c\n\nnetlab-ro\n",
		"v3 user=ops auth=SHA-256 authpass=netlab-auth-2 priv=AES privpass-file=p privpass=x\n",
		"v3 user=a auth=md5 authpass-env=E priv=aes-256-c privpass-file=p context=c\n",
		"v3 user=a auth=SHA3 authpass=SHA3xxxxxx\n", "v3\n", "v3 =\n", "\xff\n",
	} {
		f.Add([]byte(s))
	}
	file := func(p string) ([]byte, error) { return []byte(p + "-from-file\n"), nil }
	env := func(k string) (string, bool) { return k + "-from-env", len(k)%2 == 0 }
	f.Fuzz(func(t *testing.T, data []byte) {
		creds, err := ParseCredentials("f.txt", data, file, env)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "f.txt") || len(msg) > 512 {
				t.Fatalf("error %q", msg)
			}
			for _, secret := range inlineSecrets(string(data)) {
				if strings.Contains(msg, secret) {
					t.Fatalf("error %q shows %q", msg, secret)
				}
			}
			return
		}
		if len(creds) == 0 || len(creds) > MaxCredentials {
			t.Fatalf("%d credentials", len(creds))
		}
		for _, c := range creds {
			switch {
			case c.Version == SNMPv2c && (c.Community == "" || len(c.Community) > maxCommunity || c.User != ""):
				t.Fatalf("community %q", c.Community)
			case c.Version == SNMPv3 && (c.User == "" || len(c.User) > maxAdminString || c.Community != ""):
				t.Fatalf("user %q", c.User)
			case (c.Auth == "") != (c.AuthPass == "") || (c.Priv == "") != (c.PrivPass == "") || c.Priv != "" && c.Auth == "":
				t.Fatalf("protocols and pass phrases %+v", []string{string(c.Auth), string(c.Priv), c.AuthPass, c.PrivPass})
			case c.AuthPass != "" && (len(c.AuthPass) < minPassPhrase || len(c.AuthPass) > maxPassPhrase):
				t.Fatalf("pass phrase of %d bytes", len(c.AuthPass))
			}
		}
	})
}

// inlineSecrets lists the values of authpass= and privpass= in text
// that no other key of their line also holds (an error may rightly show
// a protocol's name).
func inlineSecrets(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		vals := map[string][]string{}
		for _, w := range strings.Fields(line) {
			if k, v, ok := strings.Cut(w, "="); ok {
				vals[k] = append(vals[k], v)
			}
		}
		for _, k := range []string{"authpass", "privpass"} {
			for _, v := range vals[k] {
				shown := false
				for k2, vs := range vals {
					shown = shown || k2 != k && slices.Contains(vs, v) || strings.Contains(k2, v)
				}
				if len(v) >= 4 && !shown {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// FuzzPageTitle: any page gives a title of one line of valid UTF-8,
// trimmed and bounded, and never a panic.
func FuzzPageTitle(f *testing.F) {
	f.Add([]byte("<title>Login</title>"), "text/html")
	f.Add([]byte(`<meta charset="gbk"><svg><title>x</title></svg><TITLE>a &amp; b</TITLE>`), "")
	f.Add([]byte("<title>\xff\x00</title>"), "text/html; charset=shift_jis")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		checkText(t, pageTitle(body, ctype), maxTitle)
	})
}

// checkText fails unless s is one trimmed line of valid UTF-8 of at most
// max bytes.
func checkText(t *testing.T, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) || len(s) > max || strings.TrimSpace(s) != s || strings.Contains(s, "  ") ||
		strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) }) {
		t.Fatalf("text %q", s)
	}
}

// FuzzSNMPAnswer: any datagram, read as an answer to an SNMPv2c GET, an
// engine discovery or an SNMPv3 GET, is an answer, a skip or an error,
// never a panic; what it says is bounded text.
func FuzzSNMPAnswer(f *testing.F) {
	for _, name := range []string{"snmp-v2c-response.bin", "snmp-v3-discovery-report.bin", "snmp-v3-unknown-user-report.bin",
		"snmp-v3-wrong-digest-report.bin", "snmp-v3-authpriv-response.bin"} {
		f.Add(recorded(f, name))
	}
	v2ID, _ := msgIDs(f, recorded(f, "snmp-v2c-response.bin"))
	_, engID := msgIDs(f, recorded(f, "snmp-v3-discovery-report.bin"))
	_, v3ID := msgIDs(f, recorded(f, "snmp-v3-authpriv-response.bin"))
	v2 := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: "netlab-ro"}
	v3, err := v3Client(opsUser("netlab-auth-2", "netlab-priv-2"), recordedEngine(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var pkts []*gosnmp.SnmpPacket
		if pkt, _, _ := readV2c(v2, slices.Clone(data), v2ID); pkt != nil {
			pkts = append(pkts, pkt)
		}
		if eng, _, err := readEngine(slices.Clone(data), engID); eng != nil {
			if err != nil || len(eng.id) < 5 || len(eng.id) > 32 || !utf8.ValidString(eng.String()) {
				t.Fatalf("engine %v, %v", eng, err)
			}
		}
		if pkt, _, _ := readV3(v3, slices.Clone(data), v3ID); pkt != nil {
			pkts = append(pkts, pkt)
		}
		for _, pkt := range pkts {
			var ob discovery.Observation
			readSystem(pkt, &ob)
			for _, a := range ob.Attrs {
				switch a.Field {
				case inventory.SNMPObjectID:
					if !dottedOID(a.Value) {
						t.Fatalf("OID %q", a.Value)
					}
				default:
					checkText(t, a.Value, maxDisplayText)
				}
			}
		}
	})
}
