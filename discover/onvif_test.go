package discover

import (
	"context"
	"encoding/xml"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// probeFixture reads a file of testdata/.
func probeFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseProbeMatches(t *testing.T) {
	envelope := func(action, body string) string {
		return `<s:Envelope xmlns:s="` + nsSOAP12 + `" xmlns:a="` + nsWSAddressing + `" xmlns:d="` + nsWSDiscovery +
			`"><s:Header><a:Action>` + action + `</a:Action></s:Header><s:Body>` + body + `</s:Body></s:Envelope>`
	}
	for _, c := range []struct {
		name    string
		doc     string
		want    wsdAnswer
		wantErr string
	}{
		{name: "testdata", doc: string(probeFixture(t, "onvif-probematches.xml")), want: wsdAnswer{
			RelatesTo: "urn:uuid:5c0e9e8a-3b7f-4d1e-9a55-000000000001",
			Matches: []wsdMatch{{
				Address: "urn:uuid:5c0e9e8a-3b7f-4d1e-9a55-0123456789ab",
				Types:   "dn:NetworkVideoTransmitter tds:Device",
				Scopes: "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming " +
					"onvif://www.onvif.org/hardware/NL-CAM-2 onvif://www.onvif.org/name/Lobby%20Camera " +
					"onvif://www.onvif.org/location/country/netland onvif://www.onvif.org/location/building/north%20wing " +
					"http://example.invalid/vendor/scope",
				XAddrs: "http://[fe80::1]/onvif/device_service http://10.20.0.7/onvif/device_service https://10.20.0.7/onvif/device_service",
			}},
		}},
		{name: "no matches", doc: envelope(wsdMatchesAction, `<d:ProbeMatches/>`), want: wsdAnswer{}},
		{name: "fault", doc: string(probeFixture(t, "onvif-fault-actionnotsupported.xml")), want: wsdAnswer{Fault: &soapFault{
			Code: xml.Name{Space: nsSOAP12, Local: "Receiver"}, Subcode: xml.Name{Space: nsONVIFError, Local: "ActionNotSupported"},
			Reason: "Optional Action Not Implemented",
		}}},
		{name: "hello", doc: envelope(nsWSDiscovery+"/Hello", `<d:Hello/>`), wantErr: `action "http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello" is not ProbeMatches`},
		{name: "matches of another namespace", doc: envelope(wsdMatchesAction, `<ProbeMatches xmlns="urn:other"/>`), wantErr: "is not ProbeMatches"},
		{name: "SOAP 1.1", doc: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>`, wantErr: "not a SOAP 1.2 envelope"},
		{name: "truncated", doc: string(probeFixture(t, "onvif-probematches.xml"))[:900], wantErr: "unexpected EOF"},
		{name: "not XML", doc: "\x00\x01binary", wantErr: "not a SOAP 1.2 envelope"},
	} {
		got, err := parseProbeMatches([]byte(c.doc))
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
}

func TestONVIFScopes(t *testing.T) {
	pm, err := parseProbeMatches(probeFixture(t, "onvif-probematches.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var sc onvifScopes
	sc.read(pm.Matches[0].Scopes)
	sc.read("onvif://www.onvif.org/hardware/Other onvif://www.onvif.org/name/ onvif://www.onvif.org/hardware/%zz")
	want := onvifScopes{hardware: "NL-CAM-2", name: "Lobby Camera", location: []string{"country/netland", "building/north wing"}}
	if d := cmp.Diff(want, sc, cmp.AllowUnexported(onvifScopes{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseSOAP(t *testing.T) {
	for _, c := range []struct {
		name    string
		doc     string
		want    soapReply
		wantErr string
	}{
		{name: "GetDeviceInformationResponse", doc: string(probeFixture(t, "onvif-getdeviceinformation.xml")), want: soapReply{
			Body: xml.Name{Space: nsONVIFDevice, Local: "GetDeviceInformationResponse"},
			Fields: map[string]string{"Manufacturer": "Netlab Optics", "Model": "NL-CAM-2", "FirmwareVersion": "2.4.1 build 251130",
				"SerialNumber": "NL2-000123", "HardwareId": "NL-HW-7"},
		}},
		{name: "NotAuthorized", doc: string(probeFixture(t, "onvif-fault-notauthorized.xml")), want: soapReply{
			Body:   xml.Name{Space: nsSOAP12, Local: "Fault"},
			Fields: map[string]string{},
			Fault: &soapFault{Code: xml.Name{Space: nsSOAP12, Local: "Sender"},
				Subcode: xml.Name{Space: nsONVIFError, Local: "NotAuthorized"}, Reason: "Sender not Authorized"},
		}},
		{name: "undeclared subcode prefix",
			doc: `<e:Envelope xmlns:e="` + nsSOAP12 + `"><e:Body><e:Fault><e:Code><e:Value>e:Sender</e:Value><e:Subcode><e:Value>ter:NotAuthorized</e:Value></e:Subcode></e:Code></e:Fault></e:Body></e:Envelope>`,
			want: soapReply{Body: xml.Name{Space: nsSOAP12, Local: "Fault"}, Fields: map[string]string{},
				Fault: &soapFault{Code: xml.Name{Space: nsSOAP12, Local: "Sender"}, Subcode: xml.Name{Local: "NotAuthorized"}}}},
		{name: "first field wins",
			doc:  `<e:Envelope xmlns:e="` + nsSOAP12 + `"><e:Body><r><Model>A</Model><Model>B</Model></r><x><Model>C</Model></x></e:Body></e:Envelope>`,
			want: soapReply{Body: xml.Name{Local: "r"}, Fields: map[string]string{"Model": "A"}}},
		{name: "empty body", doc: `<e:Envelope xmlns:e="` + nsSOAP12 + `"><e:Body/></e:Envelope>`, wantErr: "the SOAP body is empty"},
		{name: "not an envelope", doc: `<html><body>login</body></html>`, wantErr: "html is not a SOAP 1.2 envelope"},
		{name: "truncated", doc: string(probeFixture(t, "onvif-getdeviceinformation.xml"))[:300], wantErr: "offset"},
	} {
		got, err := parseSOAP([]byte(c.doc))
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
}

func TestDocumentTarget(t *testing.T) {
	for _, c := range []struct {
		raw, want, why string
	}{
		{raw: "http://10.20.0.7/onvif/device_service", want: "10.20.0.7:80"},
		{raw: "https://10.20.0.7/onvif/device_service", want: "10.20.0.7:443"},
		{raw: "http://10.20.0.7:49152/rootDesc.xml", want: "10.20.0.7:49152"},
		{raw: "http://[fd00::7]:8080/d.xml", want: "[fd00::7]:8080"},
		{raw: "http://[::ffff:10.20.0.7]/d.xml", want: "10.20.0.7:80"},
		{raw: "http://camera.local/d.xml", why: "names a host, not an address"},
		{raw: "http://[fe80::1%25eth0]/d.xml", why: "names a host, not an address"},
		{raw: "ftp://10.20.0.7/d.xml", why: "is not an http(s) URL"},
		{raw: "/rootDesc.xml", why: "is not an http(s) URL"},
		{raw: "http://10.20.0.7:0/", why: "has a bad port"},
		{raw: "http://10.20.0.7:99999/", why: "has a bad port"},
		{raw: "http://10.20.0.7/" + strings.Repeat("a", 2048), why: "is too long"},
	} {
		_, ap, why := documentTarget(c.raw)
		got := ""
		if ap.IsValid() {
			got = ap.String()
		}
		if got != c.want || why != c.why {
			t.Errorf("%.40s: %q %q, want %q %q", c.raw, got, why, c.want, c.why)
		}
	}
}

// TestIdentityProbersDryRun: a dry run of the three probers plans each
// one's first exchange, logs it unsent and sends nothing (no Network is
// given, so a sent probe would reach the host's stack, and be counted).
func TestIdentityProbersDryRun(t *testing.T) {
	var got []string
	doc, err := Run(context.Background(), Options{
		Targets: []netip.Prefix{netip.MustParsePrefix("192.0.2.7/32")},
		Probers: []Prober{NewONVIF(), NewSSDP(), NewMDNS()}, DryRun: true, Rate: -1,
		Log: func(r Record) {
			if r.Sent {
				t.Errorf("sent %v", r.Probe)
			}
			got = append(got, r.Probe.String())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"onvif 192.0.2.7:3702/udp WS-Discovery Probe for tds:Device (unicast SOAP-over-UDP)",
		"ssdp 192.0.2.7:1900/udp SSDP M-SEARCH ST upnp:rootdevice (unicast)",
		"mdns 192.0.2.7:5353/udp mDNS query PTR _services._dns-sd._udp.local. (unicast)",
	}
	if d := cmp.Diff(byProber(want), byProber(got)); d != "" || doc.Probes != 0 || len(doc.Hosts) != 0 {
		t.Errorf("(-want +got):\n%s\nprobes %d hosts %v", d, doc.Probes, doc.Hosts)
	}
}
