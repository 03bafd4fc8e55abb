package discover

import (
	"testing"
)

// seedProbeFixtures adds the testdata files as seeds.
func seedProbeFixtures(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(probeFixture(f, n))
	}
}

// FuzzParseProbeMatches: any datagram is an answer or an error, never a
// panic; an answer holds matches or a fault, not both.
func FuzzParseProbeMatches(f *testing.F) {
	seedProbeFixtures(f, "onvif-probematches.xml", "onvif-fault-actionnotsupported.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseProbeMatches(b)
		if err == nil && a.Fault != nil && len(a.Matches) > 0 {
			t.Fatalf("matches and a fault: %+v", a)
		}
		for _, m := range a.Matches {
			var sc onvifScopes
			sc.read(m.Scopes)
		}
	})
}

// FuzzParseSOAP: any response is a reply with a body element, or an
// error.
func FuzzParseSOAP(f *testing.F) {
	seedProbeFixtures(f, "onvif-getdeviceinformation.xml", "onvif-fault-notauthorized.xml", "onvif-fault-actionnotsupported.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseSOAP(b)
		if err == nil && (r.Body.Local == "" || r.Fields == nil) {
			t.Fatalf("reply without a body: %+v", r)
		}
		if r.Fault != nil {
			_ = r.Fault.String()
		}
	})
}

// FuzzParseSSDPResponse: any datagram is a response with a LOCATION, or
// an error; the LOCATION is checked without panicking.
func FuzzParseSSDPResponse(f *testing.F) {
	seedProbeFixtures(f, "ssdp-response.txt", "ssdp-response-mixedcase.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseSSDPResponse(b)
		if err != nil {
			return
		}
		if r.Location == "" {
			t.Fatalf("no LOCATION: %+v", r)
		}
		if _, ap, why := documentTarget(r.Location); why == "" && !ap.IsValid() {
			t.Fatalf("%q: no address and no reason", r.Location)
		}
	})
}

// FuzzParseDescription: any document is at most ssdpMaxDevices devices,
// or an error.
func FuzzParseDescription(f *testing.F) {
	seedProbeFixtures(f, "ssdp-description.xml", "ssdp-description-latin1.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		devs, err := parseDescription(b)
		if err == nil && (len(devs) == 0 || len(devs) > ssdpMaxDevices) {
			t.Fatalf("%d devices", len(devs))
		}
	})
}

// FuzzParseMDNS: any datagram is an answer, nothing or an error; what
// the prober reads of an answer is read without panicking.
func FuzzParseMDNS(f *testing.F) {
	seedProbeFixtures(f, "mdns-avahi-services.bin", "mdns-avahi-ipp.bin", "mdns-avahi-instance.bin")
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 2 {
			return
		}
		m, err := parseMDNS(b, uint16(b[0])<<8|uint16(b[1]))
		if err != nil || m == nil {
			return
		}
		for _, name := range pointers(m, mdnsEnumeration) {
			serviceType(name)
			for _, inst := range pointers(m, name) {
				srv, txt := instanceRecords(m, inst)
				if srv != nil {
					localHost(srv.Target)
				}
				if txt != nil {
					txtPairs(txt.Txt)
				}
			}
		}
	})
}
