package discover

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gosnmp/gosnmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// hikSystem is what the lab's Hikvision camera says in its system group
// (testdata/snmp-README.md).
var hikSystem = []inventory.Attr{
	{Field: inventory.SNMPObjectID, Value: "1.3.6.1.4.1.39165.1.1"},
	{Field: inventory.SNMPDescr, Value: "Hikvision network camera DS-NETLAB-01 (netlab)"},
	{Field: inventory.Hostname, Value: "hik"},
}

func recorded(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// msgIDs reads a recorded answer's request and message IDs, which the
// tests must match as the prober does. An authenticated answer is read
// with the recorded user's keys.
func msgIDs(t testing.TB, b []byte) (request, msg uint32) {
	t.Helper()
	b = slices.Clone(b) // gosnmp blanks an answer's digest where it lies
	if p, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(b); err == nil && p.Version == gosnmp.Version2c {
		return p.RequestID, 0
	}
	if p, err := decodeUnauthenticated(b); err == nil {
		return p.RequestID, p.MsgID
	}
	g, err := v3Client(opsUser("netlab-auth-2", "netlab-priv-2"), recordedEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.UnmarshalTrap(b, false)
	if err != nil {
		t.Fatal(err)
	}
	return p.RequestID, p.MsgID
}

// recordedEngine is the engine of the recorded SNMPv3 answers.
func recordedEngine(t testing.TB) *engine {
	t.Helper()
	b := recorded(t, "snmp-v3-discovery-report.bin")
	_, id := msgIDs(t, b)
	eng, done, err := readEngine(b, id)
	if err != nil || !done {
		t.Fatalf("%v %v", done, err)
	}
	return eng
}

// opsUser is the recorded agent's SNMPv3 user, with the pass phrases
// given.
func opsUser(auth, priv string) Credential {
	return Credential{Version: SNMPv3, User: "ops", Auth: "SHA-256", AuthPass: auth, Priv: "AES", PrivPass: priv}
}

func TestRecordedV2c(t *testing.T) {
	b := recorded(t, "snmp-v2c-response.bin")
	id, _ := msgIDs(t, b)
	g := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: "netlab-ro"}
	pkt, done, err := readV2c(g, b, id)
	if err != nil || !done {
		t.Fatalf("%v %v", done, err)
	}
	var ob discovery.Observation
	if err := readSystem(pkt, &ob); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hikSystem, ob.Attrs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, done, err := readV2c(g, b, id+1); done || err != nil {
		t.Errorf("an answer to another request was taken: %v %v", done, err)
	}
}

func TestRecordedV3(t *testing.T) {
	eng := recordedEngine(t)
	if s := eng.String(); !strings.HasPrefix(s, "SNMPv3 engine ID 80001f88") || !strings.HasSuffix(s, " (enterprise 8072)") {
		t.Errorf("engine %q", s) // Net-SNMP's engine IDs start with its enterprise number, 8072
	}
	tests := []struct {
		file   string
		cred   Credential
		report string // the note's start, when a report
		err    string // the error's start
	}{
		{"snmp-v3-authpriv-response.bin", opsUser("netlab-auth-2", "netlab-priv-2"), "", ""},
		{"snmp-v3-authpriv-response.bin", opsUser("wrong-auth-2", "netlab-priv-2"), "", "an answer that fails authentication"},
		{"snmp-v3-authpriv-response.bin", opsUser("netlab-auth-2", "wrong-priv-2"), "", "an answer that fails authentication or is malformed"},
		{"snmp-v3-wrong-digest-report.bin", opsUser("wrong-auth-2", "netlab-priv-2"), "the agent reported usmStatsWrongDigests", ""},
		{"snmp-v3-unknown-user-report.bin", Credential{Version: SNMPv3, User: "nobody"}, "the agent reported usmStatsUnknownUserNames", ""},
	}
	for _, tt := range tests {
		b := recorded(t, tt.file)
		_, id := msgIDs(t, b)
		g, err := v3Client(tt.cred, eng)
		if err != nil {
			t.Fatal(err)
		}
		pkt, done, err := readV3(g, b, id)
		var rep *report
		switch {
		case !done:
			t.Errorf("%s, %s: not taken", tt.file, tt.cred)
		case tt.report != "":
			if !errors.As(err, &rep) || !strings.HasPrefix(rep.what, tt.report) {
				t.Errorf("%s, %s: %v, want the report %q", tt.file, tt.cred, err, tt.report)
			}
		case tt.err != "":
			if err == nil || errors.As(err, &rep) || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("%s, %s: %v, want the error %q", tt.file, tt.cred, err, tt.err)
			}
		default:
			var ob discovery.Observation
			if err != nil || readSystem(pkt, &ob) != nil || !cmp.Equal(hikSystem, ob.Attrs) {
				t.Errorf("%s, %s: %v %v", tt.file, tt.cred, err, ob.Attrs)
			}
		}
	}
}

// TestDamagedAnswers cuts and alters each recorded answer: every
// version is an error or skipped, never a panic or a value.
func TestDamagedAnswers(t *testing.T) {
	eng := recordedEngine(t)
	v2 := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: "netlab-ro"}
	v3, err := v3Client(opsUser("netlab-auth-2", "netlab-priv-2"), eng)
	if err != nil {
		t.Fatal(err)
	}
	resp := recorded(t, "snmp-v3-authpriv-response.bin")
	_, id := msgIDs(t, resp)
	for i := 20; i < len(resp); i++ { // past the header: an altered message is not authentic
		b := []byte(string(resp))
		b[i] ^= 0x40
		if pkt, _, err := readV3(v3, b, id); pkt != nil || err == nil {
			t.Errorf("octet %d altered: taken", i)
		}
	}
	for _, name := range []string{"snmp-v2c-response.bin", "snmp-v3-discovery-report.bin", "snmp-v3-authpriv-response.bin"} {
		b := recorded(t, name)
		for n := range len(b) {
			cut := b[:n]
			if pkt, done, err := readV2c(v2, cut, 0); pkt != nil || done && err == nil {
				t.Errorf("%s cut at %d: v2c %v", name, n, pkt)
			}
			if e, done, err := readEngine(cut, 0); e != nil || done && err == nil {
				t.Errorf("%s cut at %d: engine %v", name, n, e)
			}
			if pkt, done, err := readV3(v3, cut, id); pkt != nil || done && err == nil {
				t.Errorf("%s cut at %d: v3 %v", name, n, pkt)
			}
		}
	}
}

func TestReadSystem(t *testing.T) {
	pdu := func(name string, typ gosnmp.Asn1BER, v any) gosnmp.SnmpPDU {
		return gosnmp.SnmpPDU{Name: name, Type: typ, Value: v}
	}
	tests := []struct {
		name  string
		vars  []gosnmp.SnmpPDU
		attrs []inventory.Attr
		err   string
	}{
		{"all three", []gosnmp.SnmpPDU{
			pdu(oidSysObjectID, gosnmp.ObjectIdentifier, ".1.3.6.1.4.1.37496.1"),
			pdu(oidSysDescr, gosnmp.OctetString, []byte("line one\r\n  line\ttwo\x00")),
			pdu("1.3.6.1.2.1.1.5.0", gosnmp.OctetString, []byte("cam-7")),
		}, []inventory.Attr{
			{Field: inventory.SNMPObjectID, Value: "1.3.6.1.4.1.37496.1"},
			{Field: inventory.SNMPDescr, Value: "line one line two"},
			{Field: inventory.Hostname, Value: "cam-7"},
		}, ""},
		{"objects the agent lacks", []gosnmp.SnmpPDU{
			pdu(oidSysObjectID, gosnmp.NoSuchObject, nil), pdu(oidSysDescr, gosnmp.NoSuchInstance, nil),
			pdu(oidSysName, gosnmp.OctetString, []byte("  ")),
		}, nil, ""},
		{"wrong types", []gosnmp.SnmpPDU{
			pdu(oidSysObjectID, gosnmp.OctetString, []byte("1.3.6")), pdu(oidSysDescr, gosnmp.Integer, 5),
			pdu(oidSysName, gosnmp.OctetString, []byte("kept")),
		}, []inventory.Attr{{Field: inventory.Hostname, Value: "kept"}},
			"sysObjectID.0 is a OctetString, not an OBJECT IDENTIFIER\n1.3.6.1.2.1.1.1.0 is a Integer, not an OCTET STRING"},
		{"not an OID", []gosnmp.SnmpPDU{pdu(oidSysObjectID, gosnmp.ObjectIdentifier, "1.3.x")}, nil,
			"sysObjectID.0 is a ObjectIdentifier, not an OBJECT IDENTIFIER"},
		{"objects not asked", []gosnmp.SnmpPDU{pdu(".1.3.6.1.2.1.1.3.0", gosnmp.TimeTicks, uint32(5))}, nil, ""},
		{"invalid UTF-8", []gosnmp.SnmpPDU{pdu(oidSysDescr, gosnmp.OctetString, []byte("caf\xe9"))},
			[]inventory.Attr{{Field: inventory.SNMPDescr, Value: "caf\uFFFD"}}, ""},
	}
	for _, tt := range tests {
		var ob discovery.Observation
		err := readSystem(&gosnmp.SnmpPacket{Variables: tt.vars}, &ob)
		if diff := cmp.Diff(tt.attrs, ob.Attrs); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if got := errText(err); got != tt.err {
			t.Errorf("%s: error %q, want %q", tt.name, got, tt.err)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDisplayText(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes
	tests := []struct{ in, want string }{
		{"  Hikvision \t camera\r\n", "Hikvision camera"},
		{"a\x00b\x1bc", "a b c"},
		{"\xff\xfe", "\uFFFD"},
		{long, strings.Repeat("é", maxDisplayText/2)},
		{strings.Repeat("x", maxDisplayText-1) + "é", strings.Repeat("x", maxDisplayText-1)},
	}
	for _, tt := range tests {
		if got := displayText([]byte(tt.in), maxDisplayText); got != tt.want {
			t.Errorf("displayText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWithhold(t *testing.T) {
	for _, msg := range []string{"bad field netlab-ro here", "not enough data: 046e65746c61622d726f30"} {
		if got := withhold(errors.New(msg), "netlab-ro").Error(); strings.Contains(got, "netlab") || strings.Contains(got, "6e65746c6162") {
			t.Errorf("withhold(%q) = %q", msg, got)
		}
	}
	if got := withhold(errors.New("truncated"), "netlab-ro").Error(); got != "truncated" {
		t.Errorf("an error without the community: %q", got)
	}
}

func TestUSMReport(t *testing.T) {
	tests := []struct {
		vars []gosnmp.SnmpPDU
		want string
	}{
		{nil, "an empty report"},
		{[]gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.6.0"}}, "the agent reported usmStatsDecryptionErrors (wrong privacy pass phrase or protocol)"},
		{[]gosnmp.SnmpPDU{{Name: "1.3.6.1.6.3.11.2.1.1.0"}}, "the agent reported .1.3.6.1.6.3.11.2.1.1.0"},
		{[]gosnmp.SnmpPDU{{Name: ".1.3.x\n"}}, "the agent reported a malformed OID"},
	}
	for _, tt := range tests {
		if got := usmReport(&gosnmp.SnmpPacket{Variables: tt.vars}).Error(); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.vars, got, tt.want)
		}
	}
}

// refusingNet fails the test at any dial.
type refusingNet struct{ t *testing.T }

func (n refusingNet) DialContext(_ context.Context, network, address string) (net.Conn, error) {
	n.t.Errorf("dialled %s %s", network, address)
	return nil, errors.New("refused by the test")
}

func TestSNMPNoCredentials(t *testing.T) {
	a := netip.MustParseAddr("192.0.2.7")
	s := newSession(Options{Targets: []netip.Prefix{netip.PrefixFrom(a, 32)}, Network: refusingNet{t}, Rate: -1, Now: time.Now})
	ob, err := NewSNMP(nil).Probe(context.Background(), s, a)
	if err != nil || !cmp.Equal(ob, discovery.Observation{}) {
		t.Errorf("%+v %v", ob, err)
	}
}
