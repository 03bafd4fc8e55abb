//go:build linux

package netlab

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// probeXML is a WS-Discovery Probe as an ONVIF client sends it; types is
// the content of <d:Types> ("" for none).
func probeXML(messageID, types string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="%s" xmlns:a="%s" xmlns:d="%s" xmlns:dn="%s" xmlns:tds="%s">
<s:Header><a:MessageID>%s</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>
<a:Action>%s</a:Action></s:Header>
<s:Body><d:Probe>`, nsSOAP, nsWSA, nsWSD, nsDN, nsTDS, messageID, wsdProbe)
	if types != "" {
		fmt.Fprintf(&b, "<d:Types>%s</d:Types>", types)
	}
	b.WriteString("</d:Probe></s:Body></s:Envelope>")
	return b.String()
}

// probeMatch is one ProbeMatch of a ProbeMatches message.
type probeMatch struct {
	Address string `xml:"EndpointReference>Address"`
	Types   string `xml:"Types"`
	Scopes  string `xml:"Scopes"`
	XAddrs  string `xml:"XAddrs"`
}

type probeMatches struct {
	Action    string       `xml:"Header>Action"`
	RelatesTo string       `xml:"Header>RelatesTo"`
	Matches   []probeMatch `xml:"Body>ProbeMatches>ProbeMatch"`
}

// collect sends a probe from the scanner to dst and gathers the answers
// that arrive within wait, keyed by the answering address.
func collect(t *testing.T, lab *Lab, dst *net.UDPAddr, msg string, wait time.Duration) map[string]probeMatches {
	t.Helper()
	conn, err := lab.ListenPacket(Scanner, "udp4", ScannerAddr.String()+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.WriteTo([]byte(msg), dst); err != nil {
		t.Fatal(err)
	}
	got := map[string]probeMatches{}
	buf := make([]byte, 64<<10)
	conn.SetReadDeadline(time.Now().Add(wait))
	for {
		n, from, err := conn.ReadFrom(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return got
		} else if err != nil {
			t.Fatal(err)
		}
		var m probeMatches
		if err := xml.Unmarshal(buf[:n], &m); err != nil {
			t.Fatalf("answer from %v: %v\n%s", from, err, buf[:n])
		}
		got[from.(*net.UDPAddr).IP.String()] = m
	}
}

func testWSDiscovery(t *testing.T, lab *Lab, hik, acme, home *Device) {
	group := &net.UDPAddr{IP: WSDiscoveryGroup, Port: WSDiscoveryPort}
	id := newUUID()
	got := collect(t, lab, group, probeXML(id, "dn:NetworkVideoTransmitter"), 1500*time.Millisecond)
	if len(got) != 2 {
		t.Fatalf("answers from %v, want the two ONVIF devices", slices.Sorted(maps.Keys(got)))
	}
	if _, ok := got[home.Addr.String()]; ok {
		t.Error("the consumer camera answered")
	}
	for _, d := range []*Device{hik, acme} {
		m, ok := got[d.Addr.String()]
		if !ok || len(m.Matches) != 1 {
			t.Fatalf("%s: %+v", d.Name, m)
		}
		pm := m.Matches[0]
		if m.RelatesTo != id || m.Action != wsdProbeMatches || pm.Address != d.Endpoint || pm.XAddrs != d.XAddr {
			t.Errorf("%s: %+v", d.Name, m)
		}
		if !strings.Contains(pm.Types, "dn:NetworkVideoTransmitter") ||
			!strings.Contains(pm.Scopes, "onvif://www.onvif.org/name/"+d.Name) {
			t.Errorf("%s: types %q scopes %q", d.Name, pm.Types, pm.Scopes)
		}
	}
	if s := got[hik.Addr.String()].Matches[0].Scopes; !strings.Contains(s, "onvif://www.onvif.org/hardware/DS-NETLAB-01") {
		t.Errorf("hik scopes %q", s)
	}
	// Unicast, the way a scanner limited to its targets probes.
	uni := &net.UDPAddr{IP: hik.Addr.AsSlice(), Port: WSDiscoveryPort}
	got = collect(t, lab, uni, probeXML(newUUID(), "tds:Device"), time.Second)
	if _, ok := got[hik.Addr.String()]; !ok || len(got) != 1 {
		t.Errorf("unicast probe answered by %v", slices.Sorted(maps.Keys(got)))
	}
	// A type the devices do not have gets no answer.
	got = collect(t, lab, group, probeXML(newUUID(), "tds:Printer"), 500*time.Millisecond)
	if len(got) != 0 {
		t.Errorf("probe for another type answered by %v", slices.Sorted(maps.Keys(got)))
	}
}

func testONVIF(t *testing.T, lab *Lab, hik, acme *Device) {
	c := lab.HTTPClient(Scanner)
	call := func(d *Device, op string) (int, []byte) {
		body := `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="` + nsSOAP +
			`"><s:Body><tds:` + op + ` xmlns:tds="` + nsTDS + `"/></s:Body></s:Envelope>`
		resp, err := c.Post(d.XAddr, soapContentType, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	var info struct {
		Manufacturer    string `xml:"Body>GetDeviceInformationResponse>Manufacturer"`
		Model           string `xml:"Body>GetDeviceInformationResponse>Model"`
		FirmwareVersion string `xml:"Body>GetDeviceInformationResponse>FirmwareVersion"`
		SerialNumber    string `xml:"Body>GetDeviceInformationResponse>SerialNumber"`
		HardwareID      string `xml:"Body>GetDeviceInformationResponse>HardwareId"`
	}
	for d, want := range map[*Device][2]string{hik: {"Hikvision", "DS-NETLAB-01"}, acme: {"Acme Security", "ACME-CAM-4"}} {
		status, b := call(d, "GetDeviceInformation")
		if err := xml.Unmarshal(b, &info); status != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %v\n%s", d.Name, status, err, b)
		}
		if info.Manufacturer != want[0] || info.Model != want[1] || info.SerialNumber == "" ||
			info.FirmwareVersion == "" || info.HardwareID == "" {
			t.Errorf("%s: %+v", d.Name, info)
		}
	}
	if status, b := call(hik, "GetUsers"); status != http.StatusInternalServerError ||
		!strings.Contains(string(b), "ter:ActionNotSupported") {
		t.Errorf("unsupported operation: %d %s", status, b)
	}
}
