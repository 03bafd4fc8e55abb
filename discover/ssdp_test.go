package discover

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSSDPResponse(t *testing.T) {
	for _, c := range []struct {
		name    string
		msg     string
		want    ssdpResponse
		wantErr string
	}{
		{name: "testdata", msg: string(probeFixture(t, "ssdp-response.txt")), want: ssdpResponse{
			Location: "http://10.20.0.7:49152/rootDesc.xml", Server: "Linux/5.10 UPnP/2.0 NetlabMedia/3.1",
			ST: "upnp:rootdevice", USN: "uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice",
		}},
		{name: "mixed case", msg: string(probeFixture(t, "ssdp-response-mixedcase.txt")), want: ssdpResponse{
			Location: "http://10.20.0.8:80/desc.xml", Server: "NetlabOS/1.0 UPnP/1.0 netlab-upnpd/0.9",
			ST: "upnp:rootdevice", USN: "uuid:0d1f-2::upnp:rootdevice",
		}},
		{name: "bare LF", msg: "HTTP/1.1 200 OK\nLOCATION: http://10.20.0.9/d.xml\n\n", want: ssdpResponse{Location: "http://10.20.0.9/d.xml"}},
		{name: "no blank line", msg: "HTTP/1.1 200 OK\r\nLOCATION: http://10.20.0.9/d.xml\r\n", want: ssdpResponse{Location: "http://10.20.0.9/d.xml"}},
		{name: "no LOCATION", msg: "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n", wantErr: "no LOCATION header"},
		{name: "an M-SEARCH", msg: "M-SEARCH * HTTP/1.1\r\nHOST: 10.20.0.7:1900\r\n\r\n", wantErr: "is not HTTP"},
		{name: "error status", msg: "HTTP/1.1 500 Internal Server Error\r\nLOCATION: http://x/\r\n\r\n", wantErr: `status "500 Internal Server Error"`},
		{name: "empty", msg: "", wantErr: "no status line"},
		{name: "binary", msg: "\x00\xff\x10", wantErr: "is not HTTP"},
	} {
		got, err := parseSSDPResponse([]byte(c.msg))
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

func TestParseDescription(t *testing.T) {
	nested := `<root xmlns="urn:schemas-upnp-org:device-1-0">` + strings.Repeat(`<device><manufacturer>M</manufacturer><deviceList>`, 40) +
		strings.Repeat(`</deviceList></device>`, 40) + `</root>`
	for _, c := range []struct {
		name    string
		doc     string
		want    []upnpDevice
		wantN   int
		wantErr string
	}{
		{name: "root and embedded", doc: string(probeFixture(t, "ssdp-description.xml")), want: []upnpDevice{
			{DeviceType: "urn:schemas-upnp-org:device:MediaServer:1", FriendlyName: "Netlab media shelf", Manufacturer: "Netlab Audio",
				ModelName: "Shelf", ModelNumber: "NS-200", SerialNumber: "NS200-4411", UDN: "uuid:2fac1234-31f8-11b4-a222-08002b34c003"},
			{DeviceType: "urn:schemas-upnp-org:device:MediaRenderer:1", FriendlyName: "Netlab media shelf renderer", Manufacturer: "Netlab Audio",
				ModelName: "Shelf Renderer", ModelNumber: "NS-200", UDN: "uuid:2fac1234-31f8-11b4-a222-08002b34c004"},
		}},
		{name: "ISO-8859-1", doc: string(probeFixture(t, "ssdp-description-latin1.xml")), want: []upnpDevice{
			{DeviceType: "urn:schemas-upnp-org:device:Basic:1", FriendlyName: "Caméra du hall", Manufacturer: "Netlab Électronique",
				ModelName: "Vue 3", UDN: "uuid:0d1f-2"},
		}},
		{name: "deeply nested", doc: nested, wantN: ssdpMaxDevices},
		{name: "no device", doc: `<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion/></root>`, wantErr: "has no <device>"},
		{name: "other namespace", doc: `<root><device><manufacturer>M</manufacturer></device></root>`, wantErr: "not a UPnP device description"},
		{name: "unknown charset", doc: `<?xml version="1.0" encoding="x-netlab"?><root xmlns="urn:schemas-upnp-org:device-1-0"/>`, wantErr: `unknown encoding "x-netlab"`},
		{name: "HTML", doc: `<!DOCTYPE html><html><body>Login</body></html>`, wantErr: "not a UPnP device description"},
	} {
		got, err := parseDescription([]byte(c.doc))
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantN != 0:
			if len(got) != c.wantN {
				t.Errorf("%s: %d devices, want %d", c.name, len(got), c.wantN)
			}
		default:
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("%s (-want +got):\n%s", c.name, d)
			}
		}
	}
}
