package discover

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

// The mdns-avahi-*.bin answers are avahi-daemon 0.8's (Debian 12) to
// legacy unicast queries with IDs 0x4e01-0x4e03; testdata/mdns-avahi.md
// says how they were made.
const avahiInstance = `Netlab\ Office\ Printer._ipp._tcp.local.`

func TestParseMDNS(t *testing.T) {
	for _, c := range []struct {
		file string
		id   uint16
		// what the prober reads of it: PTR targets of name, and the
		// instance's SRV target and TXT pairs.
		name    string
		wantPTR []string
		wantSRV string
		wantTXT map[string]string
	}{
		{file: "mdns-avahi-services.bin", id: 0x4e01, name: mdnsEnumeration, wantPTR: []string{"_http._tcp.local.", "_ipp._tcp.local."}},
		{file: "mdns-avahi-ipp.bin", id: 0x4e02, name: "_ipp._tcp.local.", wantPTR: []string{avahiInstance},
			wantSRV: "netlab-printer.local.", wantTXT: map[string]string{"txtvers": "1", "rp": "ipp/print",
				"ty": "Netlab LaserWriter 9", "usb_mfg": "Netlab", "usb_mdl": "LaserWriter 9", "pdl": "application/pdf"}},
		{file: "mdns-avahi-instance.bin", id: 0x4e03, name: avahiInstance, wantSRV: "netlab-printer.local.",
			wantTXT: map[string]string{"txtvers": "1", "rp": "ipp/print",
				"ty": "Netlab LaserWriter 9", "usb_mfg": "Netlab", "usb_mdl": "LaserWriter 9", "pdl": "application/pdf"}},
	} {
		b := probeFixture(t, c.file)
		m, err := parseMDNS(b, c.id)
		if err != nil || m == nil {
			t.Fatalf("%s: %v %v", c.file, m, err)
		}
		if d := cmp.Diff(c.wantPTR, pointers(m, c.name)); d != "" {
			t.Errorf("%s PTR (-want +got):\n%s", c.file, d)
		}
		srv, txt := instanceRecords(m, avahiInstance)
		gotSRV, gotTXT := "", map[string]string(nil)
		if srv != nil {
			gotSRV = srv.Target
		}
		if txt != nil {
			gotTXT = txtPairs(txt.Txt)
		}
		if gotSRV != c.wantSRV || !cmp.Equal(gotTXT, c.wantTXT) {
			t.Errorf("%s: SRV %q TXT %v", c.file, gotSRV, gotTXT)
		}
		// Another query's ID, and a truncated message.
		if m, err := parseMDNS(b, c.id+1); m != nil || err != nil {
			t.Errorf("%s with another ID: %v %v", c.file, m, err)
		}
		if _, err := parseMDNS(b[:len(b)-5], c.id); err == nil || !strings.Contains(err.Error(), "malformed DNS message") {
			t.Errorf("%s truncated: %v", c.file, err)
		}
	}
	// A query, and an answer with a non-zero rcode, are ignored.
	for _, m := range []*dns.Msg{
		{MsgHdr: dns.MsgHdr{Id: 9}, Question: []dns.Question{{Name: "a.local.", Qtype: dns.TypeA, Qclass: dns.ClassINET}}},
		{MsgHdr: dns.MsgHdr{Id: 9, Response: true, Rcode: dns.RcodeServerFailure}},
	} {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		if got, err := parseMDNS(b, 9); got != nil || err != nil {
			t.Errorf("%v: %v %v", m.MsgHdr, got, err)
		}
	}
}

func TestServiceType(t *testing.T) {
	for name, want := range map[string]string{
		"_http._tcp.local.":            "_http._tcp",
		"_IPP._TCP.local.":             "_IPP._tcp",
		"_sleep-proxy._udp.LOCAL.":     "_sleep-proxy._udp",
		"_http._tcp.example.com.":      "",
		"http._tcp.local.":             "",
		"_._tcp.local.":                "",
		"_http._sctp.local.":           "",
		"_sub._http._tcp.local.":       "",
		"_services._dns-sd._udp.local": "",
	} {
		got, ok := serviceType(name)
		if got != want || ok != (want != "") {
			t.Errorf("%q: %q %v, want %q", name, got, ok, want)
		}
	}
}

func TestTXTAndHostNames(t *testing.T) {
	got := txtPairs([]string{"USB_MFG=First", "usb_mfg=Second", "=nokey", "flag", `q=a\"b\\c\255`, "long=" + strings.Repeat("x", 300)})
	want := map[string]string{"usb_mfg": "First", "flag": "", "q": "a\"b\\c\xff", "long": strings.Repeat("x", 256)}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("txtPairs (-want +got):\n%s", d)
	}
	for name, want := range map[string]string{
		"netlab-printer.local.": "netlab-printer",
		"CAM.LOCAL.":            "CAM",
		"nas.example.com.":      "nas.example.com",
		`a\032b.local.`:         "a b",
		".":                     "",
		`trailing\`:             `trailing\`,
		`bad\999.local.`:        "bad999",
	} {
		if got := localHost(name); got != want {
			t.Errorf("localHost(%q) = %q, want %q", name, got, want)
		}
	}
}
