//go:build linux

package netlab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mSearch is an M-SEARCH request; mx "" leaves the MX header out, as a
// unicast search does (UPnP Device Architecture 2.0 §1.3.2).
func mSearch(host, st, mx string) string {
	s := "M-SEARCH * HTTP/1.1\r\nHOST: " + host + "\r\nMAN: \"ssdp:discover\"\r\nST: " + st + "\r\n"
	if mx != "" {
		s += "MX: " + mx + "\r\n"
	}
	return s + "\r\n"
}

func TestSSDPMatches(t *testing.T) {
	d := &Device{Name: "cam", UDN: "uuid:1234"}
	r := &ssdpResponder{dev: d, spec: &SSDP{DeviceType: BasicDevice}}
	for _, c := range []struct {
		name      string
		msg       string
		multicast bool
		want      []string
	}{
		{"unicast rootdevice", mSearch("10.250.0.10:1900", "upnp:rootdevice", ""), false, []string{"upnp:rootdevice"}},
		{"unicast all", mSearch("10.250.0.10:1900", "ssdp:all", ""), false, []string{"upnp:rootdevice", "uuid:1234", BasicDevice}},
		{"multicast with MX", mSearch("239.255.255.250:1900", BasicDevice, "2"), true, []string{BasicDevice}},
		{"multicast without MX", mSearch("239.255.255.250:1900", "ssdp:all", ""), true, nil},
		{"uuid", mSearch("10.250.0.10:1900", "uuid:1234", ""), false, []string{"uuid:1234"}},
		{"other uuid", mSearch("10.250.0.10:1900", "uuid:9999", ""), false, nil},
		{"other type", mSearch("10.250.0.10:1900", "urn:schemas-upnp-org:device:Printer:1", ""), false, nil},
		{"no MAN", strings.Replace(mSearch("h", "ssdp:all", ""), "MAN: \"ssdp:discover\"\r\n", "", 1), false, nil},
		{"NOTIFY", strings.Replace(mSearch("h", "ssdp:all", ""), "M-SEARCH", "NOTIFY", 1), false, nil},
		{"garbage", "\x00\x01", false, nil},
	} {
		if got := r.matches([]byte(c.msg), c.multicast); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// search sends an M-SEARCH from the scanner and returns the responses
// that arrive within wait, by the responder's address.
func search(t *testing.T, lab *Lab, dst *net.UDPAddr, msg string, wait time.Duration) map[string][]*http.Response {
	t.Helper()
	conn, err := lab.ListenPacket(Scanner, "udp4", ScannerAddr.String()+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.WriteTo([]byte(msg), dst); err != nil {
		t.Fatal(err)
	}
	got := map[string][]*http.Response{}
	buf := make([]byte, 8<<10)
	conn.SetReadDeadline(time.Now().Add(wait))
	for {
		n, from, err := conn.ReadFrom(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return got
		} else if err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(buf[:n])), nil)
		if err != nil {
			t.Fatalf("response from %v: %v\n%s", from, err, buf[:n])
		}
		u := from.(*net.UDPAddr)
		if u.Port != SSDPPort {
			t.Errorf("response from port %d", u.Port)
		}
		got[u.IP.String()] = append(got[u.IP.String()], resp)
	}
}

// upnpDevice is the part of a root device description the test reads.
type upnpDevice struct {
	XMLName      xml.Name `xml:"urn:schemas-upnp-org:device-1-0 root"`
	Major        int      `xml:"specVersion>major"`
	DeviceType   string   `xml:"device>deviceType"`
	Manufacturer string   `xml:"device>manufacturer"`
	ModelName    string   `xml:"device>modelName"`
	SerialNumber string   `xml:"device>serialNumber"`
	UDN          string   `xml:"device>UDN"`
}

// TestSSDP searches a lab's UPnP devices from the scanner, unicast and
// multicast, and fetches a description.
func TestSSDP(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "snmpd")
	lab := New(t)
	hik := lab.AddDevice(HikvisionCamera("hik", 1))
	acme := lab.AddDevice(RebrandedCamera("acme", 2))
	lab.AddDevice(ConsumerCamera("home", 3))

	uni := &net.UDPAddr{IP: hik.Addr.AsSlice(), Port: SSDPPort}
	got := search(t, lab, uni, mSearch(hik.Addr.String()+":1900", "upnp:rootdevice", ""), time.Second)
	if len(got) != 1 || len(got[hik.Addr.String()]) != 1 {
		t.Fatalf("unicast search answered by %v", got)
	}
	resp := got[hik.Addr.String()][0]
	h := resp.Header
	if resp.StatusCode != 200 || h.Get("Location") != hik.Location || h.Get("St") != "upnp:rootdevice" ||
		h.Get("Usn") != hik.UDN+"::upnp:rootdevice" || h.Get("Server") != netlabUPnPServer ||
		h.Get("Cache-Control") != "max-age=1800" || h.Values("Ext") == nil {
		t.Errorf("response %d %v", resp.StatusCode, h)
	}

	group := &net.UDPAddr{IP: SSDPGroup, Port: SSDPPort}
	got = search(t, lab, group, mSearch("239.255.255.250:1900", "ssdp:all", "1"), 1500*time.Millisecond)
	if len(got) != 2 || len(got[hik.Addr.String()]) != 3 || len(got[acme.Addr.String()]) != 3 {
		t.Errorf("multicast ssdp:all answered by %v, want hik and acme 3 times each", got)
	}
	if got = search(t, lab, group, mSearch("239.255.255.250:1900", "ssdp:all", ""), 500*time.Millisecond); len(got) != 0 {
		t.Errorf("multicast search without MX answered by %v", got)
	}

	r, body := get(t, lab.HTTPClient(Scanner), hik.Location)
	var desc upnpDevice
	if err := xml.Unmarshal([]byte(body), &desc); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	want := upnpDevice{XMLName: desc.XMLName, Major: 2, DeviceType: BasicDevice, Manufacturer: "Hikvision",
		ModelName: "DS-NETLAB-01", SerialNumber: "DS-NETLAB-01000001", UDN: hik.UDN}
	if d := cmp.Diff(want, desc); d != "" || r.Header.Get("Server") != netlabUPnPServer {
		t.Errorf("description (-want +got):\n%s\nServer %q", d, r.Header.Get("Server"))
	}
}

// TestNmapUPnP reads a lab camera's UPnP identity with nmap's upnp-info
// script, an independent client of the responder.
func TestNmapUPnP(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "snmpd", "nmap")
	lab := New(t)
	hik := lab.AddDevice(HikvisionCamera("hik", 1))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := lab.Run(ctx, Scanner, "nmap", "-n", "-v", "-Pn", "-sU", "-p", "1900", "--script", "upnp-info",
		"--script-args", "upnp-info.override=false", hik.Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Server: " + netlabUPnPServer, "Location: " + hik.Location, "Webserver: " + netlabUPnPServer,
		"Manufacturer: Hikvision", "Model Name: DS-NETLAB-01", "Model Version: DS-NETLAB-01",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("nmap's output lacks %q:\n%s", want, out)
		}
	}
}
