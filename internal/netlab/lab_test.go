//go:build linux

package netlab

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestLab builds one lab with a Hikvision-like camera, a rebranded
// ("Acme") one and a consumer camera, and checks every service from the
// scanner namespace with real clients. nmap's scan of it is in
// nmap_test.go.
func TestLab(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "snmpd", "snmpget")
	lab := New(t)
	hik := lab.AddDevice(HikvisionCamera("hik", 1))
	acmeSpec := RebrandedCamera("acme", 2)
	acmeSpec.SNMP.Community = "netlab-ro"
	acme := lab.AddDevice(acmeSpec)
	home := lab.AddDevice(ConsumerCamera("home", 3))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("addresses", func(t *testing.T) {
		for _, d := range []*Device{hik, acme, home} {
			if !Subnet.Contains(d.Addr) || d.Namespace != lab.Namespace(d.Name) {
				t.Errorf("%s: addr %v namespace %q", d.Name, d.Addr, d.Namespace)
			}
		}
		if hik.MAC.String() != "44:47:cc:4e:4c:01" || home.MAC[0] != 0x02 {
			t.Errorf("MACs %v %v", hik.MAC, home.MAC)
		}
	})

	t.Run("snmpget", func(t *testing.T) {
		out, err := lab.Run(ctx, Scanner, "snmpget", "-v2c", "-c", "public", "-On", "-t", "2", "-r", "1",
			hik.Addr.String(), "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.39165.1.1",
			`.1.3.6.1.2.1.1.1.0 = STRING: "Hikvision network camera DS-NETLAB-01 (netlab)"`,
			`.1.3.6.1.2.1.1.5.0 = STRING: "hik"`,
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("snmpget output lacks %q:\n%s", want, out)
			}
		}
		// The rebranded camera answers its own community only.
		out, err = lab.Run(ctx, Scanner, "snmpget", "-v2c", "-c", "netlab-ro", "-On", "-t", "2", "-r", "1",
			acme.Addr.String(), "1.3.6.1.2.1.1.2.0")
		if err != nil || !strings.Contains(string(out), "OID: .1.3.6.1.4.1.39165.1.1") {
			t.Errorf("acme with its community: %v\n%s", err, out)
		}
		if out, err := lab.Run(ctx, Scanner, "snmpget", "-v2c", "-c", "public", "-t", "1", "-r", "0",
			acme.Addr.String(), "1.3.6.1.2.1.1.2.0"); err == nil {
			t.Errorf("acme answered community public:\n%s", out)
		}
	})

	t.Run("http", func(t *testing.T) {
		c := lab.HTTPClient(Scanner)
		resp, body := get(t, c, "http://"+hik.Addr.String()+"/")
		if resp.Header.Get("Server") != HikvisionServer || !strings.Contains(body, "<title>netlab camera login</title>") {
			t.Errorf("hik: Server %q, body %q", resp.Header.Get("Server"), body)
		}
		resp, body = get(t, c, "http://"+home.Addr.String()+"/")
		if _, ok := resp.Header["Server"]; ok || !strings.Contains(body, "Netlab Home Cam") {
			t.Errorf("home: header %v, body %q", resp.Header, body)
		}
		if _, err := c.Get("https://" + home.Addr.String() + "/"); err == nil {
			t.Error("home answered HTTPS")
		}
	})

	t.Run("header order", func(t *testing.T) {
		conn, err := lab.DialContext(ctx, Scanner, "tcp", netip.AddrPortFrom(hik.Addr, 80).String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n")
		r := bufio.NewReader(conn)
		var lines []string
		for range 3 {
			line, _ := r.ReadString('\n')
			lines = append(lines, line)
		}
		// The shape nmap's "Hikvision camera httpd" signature expects.
		if lines[0] != "HTTP/1.1 200 OK\r\n" || lines[1] != "Server: Hikvision-Webs\r\n" ||
			!strings.HasPrefix(lines[2], "Date: ") || len(lines[2]) != len("Date: Mon Jan  2 15:04:05 2006\r\n") {
			t.Errorf("response head %q", lines)
		}
	})

	t.Run("https", func(t *testing.T) {
		resp, _ := get(t, lab.HTTPClient(Scanner), "https://"+hik.Addr.String()+"/")
		if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
			t.Fatal("no TLS state")
		}
		cert := resp.TLS.PeerCertificates[0]
		if !cert.Equal(hik.Cert) || cert.Subject.CommonName != "IP Camera hik" ||
			strings.Join(cert.Subject.Organization, ",") != "Hikvision" || cert.Issuer.String() != cert.Subject.String() {
			t.Errorf("certificate subject %q issuer %q", cert.Subject, cert.Issuer)
		}
	})

	t.Run("onvif", func(t *testing.T) { testONVIF(t, lab, hik, acme) })
	t.Run("ws-discovery", func(t *testing.T) { testWSDiscovery(t, lab, hik, acme, home) })
	t.Run("watch", func(t *testing.T) { testWatch(t, lab, home) })
}

// get fetches a URL and returns the response and its body.
func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// testWatch sends a datagram from the scanner to an address off the
// lab's LAN and finds it on the outside sink's interface, and not on a
// device's.
func testWatch(t *testing.T, lab *Lab, home *Device) {
	out := lab.Watch(Outside, "eth0")
	dev := lab.Watch(home.Name, "eth0")
	conn, err := lab.ListenPacket(Scanner, "udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	offLAN := netip.MustParseAddr("10.250.99.1")
	if _, err := conn.WriteTo([]byte("netlab"), &net.UDPAddr{IP: offLAN.AsSlice(), Port: 9}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := out.WaitFor(ctx, func(p Packet) bool { return p.Dst == offLAN && p.DstPort == 9 })
	if err != nil {
		t.Fatalf("%v; seen: %v", err, out.Packets())
	}
	if p.Outgoing || p.Src != ScannerUplinkAddr || p.Proto != ProtoUDP || !strings.HasSuffix(string(p.Frame), "netlab") {
		t.Errorf("packet %v", p)
	}
	for _, p := range dev.Stop() {
		if p.Dst == offLAN {
			t.Errorf("the LAN saw %v", p)
		}
	}
	t.Logf("outside saw %d packets, first %v", len(out.Packets()), out.Packets()[0])
}
