//go:build linux

package netlab

import (
	"encoding/xml"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

func TestParseProbe(t *testing.T) {
	p, ok := parseProbe([]byte(probeXML("urn:uuid:1", "dn:NetworkVideoTransmitter tds:Device")))
	if !ok || p.MessageID != "urn:uuid:1" || len(p.Types) != 2 ||
		p.Types[0] != (xml.Name{Space: nsDN, Local: "NetworkVideoTransmitter"}) {
		t.Fatalf("%+v %v", p, ok)
	}
	// Prefixes are resolved where they are declared, whatever they are.
	doc := `<e:Envelope xmlns:e="` + nsSOAP + `"><e:Body><Probe xmlns="` + nsWSD + `">` +
		`<Types xmlns:x="` + nsDN + `">x:NetworkVideoTransmitter</Types>` +
		`<Scopes MatchBy="` + wsdRFC3986 + `">onvif://www.onvif.org/hardware</Scopes></Probe></e:Body></e:Envelope>`
	p, ok = parseProbe([]byte(doc))
	if !ok || !p.matches(deviceTypes, []string{"onvif://www.onvif.org/hardware/X"}) || p.MatchBy != wsdRFC3986 {
		t.Errorf("%+v %v", p, ok)
	}
	for _, bad := range []string{
		probeXML("urn:uuid:2", "nope:Device"), // undeclared prefix
		strings.Replace(probeXML("u", ""), "d:Probe", "d:Hello", 2),
		"<not xml",
		probeXML("u", "")[:200], // truncated
	} {
		if _, ok := parseProbe([]byte(bad)); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestProbeMatches(t *testing.T) {
	scopes := []string{"onvif://www.onvif.org/hardware/D1-566", "onvif://www.onvif.org/location/country/china",
		"onvif://www.onvif.org/name/ARV-453"}
	for _, c := range []struct {
		types  []xml.Name
		scopes []string
		rule   string
		want   bool
	}{
		{nil, nil, "", true},
		{[]xml.Name{{Space: nsTDS, Local: "Device"}}, nil, "", true},
		{[]xml.Name{{Space: nsTDS, Local: "Printer"}}, nil, "", false},
		{[]xml.Name{{Space: nsDN, Local: "Device"}}, nil, "", false},
		// The ONVIF Core Specification's scope examples.
		{nil, []string{"onvif://www.onvif.org"}, "", true},
		{nil, []string{"onvif://www.onvif.org/location/country/china"}, "", true},
		{nil, []string{"onvif://www.onvif.org/hardware/D1"}, "", false},
		{nil, []string{"ONVIF://WWW.onvif.org/name"}, wsdRFC3986, true},
		{nil, []string{"onvif://www.onvif.org/Name"}, wsdRFC3986, false},
		{nil, []string{"onvif://www.onvif.org/name/../hardware"}, "", false},
		{nil, []string{"onvif://www.onvif.org/name/ARV-453"}, wsdStrcmp0, true},
		{nil, []string{"onvif://www.onvif.org/name"}, wsdStrcmp0, false},
		{nil, []string{"onvif://www.onvif.org/name"}, "urn:other-rule", false},
		{nil, []string{"onvif://www.onvif.org/name", "onvif://www.onvif.org/location/city"}, "", false},
	} {
		p := probe{Types: c.types, Scopes: c.scopes, MatchBy: c.rule}
		if got := p.matches(deviceTypes, scopes); got != c.want {
			t.Errorf("%+v: %v", p, got)
		}
	}
}

func TestProbeMatchesMessage(t *testing.T) {
	d := &Device{Name: "cam", MAC: LocalMAC(1), XAddr: "http://10.250.0.10/onvif/device_service"}
	d.Endpoint = endpointUUID(d.Name, d.MAC)
	o := &ONVIF{Model: "M 1"}
	r := &wsdResponder{dev: d, scopes: o.scopes(d), instance: 5}
	var m probeMatches
	if err := xml.Unmarshal(r.probeMatches("urn:uuid:x<y"), &m); err != nil {
		t.Fatal(err)
	}
	if m.RelatesTo != "urn:uuid:x<y" || len(m.Matches) != 1 || m.Matches[0].XAddrs != d.XAddr ||
		!strings.Contains(m.Matches[0].Scopes, "onvif://www.onvif.org/hardware/M%201") {
		t.Errorf("%+v", m)
	}
	uuid := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(d.Endpoint) || !uuid.MatchString(newUUID()) {
		t.Errorf("uuids %s %s", d.Endpoint, newUUID())
	}
}

func TestDecodeFrame(t *testing.T) {
	mac := net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	bcast := net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	arp := append(append(append([]byte{}, bcast...), mac...), 0x08, 0x06,
		0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 250, 0, 1, 0, 0, 0, 0, 0, 0, 10, 250, 0, 10)
	p := decodeFrame(arp)
	if p.ARPOp != 1 || p.Src != ScannerAddr || p.Dst != firstDeviceAddr ||
		p.String() != "in  02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 10.250.0.10 tell 10.250.0.1" {
		t.Errorf("ARP: %v", p)
	}
	udp := append(append(append([]byte{}, mac...), mac...), 0x08, 0x00,
		0x45, 0, 0, 29, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 250, 0, 1, 10, 250, 99, 1,
		0x30, 0x39, 0, 9, 0, 9, 0, 0, 'x')
	p = decodeFrame(udp)
	if p.Proto != ProtoUDP || p.SrcPort != 12345 || p.DstPort != 9 || p.Dst != netip.MustParseAddr("10.250.99.1") {
		t.Errorf("UDP: %v", p)
	}
	if p := decodeFrame(udp[:10]); p.EtherType != 0 || len(p.Frame) != 10 {
		t.Errorf("short: %v", p)
	}
	if p := decodeFrame(udp[:20]); p.EtherType != EtherTypeIPv4 || p.Src.IsValid() {
		t.Errorf("truncated IPv4: %v", p)
	}
}

func TestSNMPdConfig(t *testing.T) {
	conf, err := snmpdConfig(firstDeviceAddr, &SNMP{ObjectID: ".1.3.6.1.4.1.39165.1.1", Descr: "a b", Name: "n"})
	if err != nil {
		t.Fatal(err)
	}
	want := "agentaddress udp:10.250.0.10:161\nrocommunity public 10.250.0.0/24\n" +
		"sysObjectID 1.3.6.1.4.1.39165.1.1\nsysDescr a b\nsysName n\n"
	if conf != want {
		t.Errorf("got\n%s", conf)
	}
	for _, bad := range []*SNMP{
		{Community: "a b"}, {ObjectID: "1.3.x"}, {ObjectID: "enterprises.1"},
		{Descr: "two\nlines"}, {Name: "x\rrocommunity evil"},
	} {
		if _, err := snmpdConfig(firstDeviceAddr, bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestClaim(t *testing.T) {
	l := &Lab{ns: map[string]string{}, devices: map[string]*Device{}, next: firstDeviceAddr}
	for _, spec := range []DeviceSpec{
		{Name: "Bad", MAC: LocalMAC(1)}, {Name: "scanner", MAC: LocalMAC(1)},
		{Name: "toolongname123", MAC: LocalMAC(1)}, {Name: "a", MAC: net.HardwareAddr{1, 0, 0, 0, 0, 1}},
		{Name: "a", MAC: LocalMAC(1), Addr: netip.MustParseAddr("10.250.1.5")},
		{Name: "a", MAC: LocalMAC(1), Addr: ScannerAddr},
		{Name: "a", MAC: LocalMAC(1), Addr: netip.MustParseAddr("10.250.0.255")},
	} {
		if _, err := l.claim(spec); err == nil {
			t.Errorf("accepted %+v", spec)
		}
	}
	if a, err := l.claim(DeviceSpec{Name: "a", MAC: LocalMAC(1)}); err != nil || a != firstDeviceAddr {
		t.Errorf("%v %v", a, err)
	}
}
