package nmap

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

var writeFixtures = flag.Bool("write-fixtures", false, "write the scans of TestNmapLive to testdata (testdata/gen.sh)")

// camera starts a TLS server on a loopback address that answers every
// request as a Hikvision camera's web server does by Nmap's own service
// probes (nmap-service-probes: "Server: Hikvision-Webs" then a Date of
// the form "Mon Jan  2 15:04:05 2006" is "Hikvision camera httpd",
// device type webcam), with a self-signed certificate whose subject
// names the vendor. It returns the port.
func camera(t *testing.T, network, addr string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		Subject: pkix.Name{CommonName: "IPC", Organization: []string{"Hikvision"}, Country: []string{"CN"}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	l := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go answer(c)
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// answer reads a request and answers with the camera's page.
func answer(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil || strings.TrimSpace(line) == "" {
			break
		}
	}
	const body = "<html><head><title>Network Camera</title></head><body></body></html>"
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nServer: Hikvision-Webs\r\nDate: %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		time.Now().UTC().Format("Mon Jan _2 15:04:05 2006"), len(body), body)
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

// scan runs Debian's nmap with args, XML to standard output.
func scan(t *testing.T, nmap, fixture string, args ...string) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, nmap, append(args, "-oX", "-")...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nmap %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	if *writeFixtures {
		if err := os.WriteFile(filepath.Join("testdata", fixture), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestNmapLive scans the test's own loopback listeners with the real
// nmap (Debian's package nmap; -O needs root) and reads its XML: a ping
// scan, service and script scans over IPv4 and IPv6, an OS scan. It
// fails when nmap is missing.
func TestNmapLive(t *testing.T) {
	nmap := testtool.Command(t, "nmap", "nmap")
	port4, port6, closed := camera(t, "tcp4", "127.0.0.1:0"), camera(t, "tcp6", "[::1]:0"), closedPort(t)
	camera := map[inventory.Field][]string{
		ServiceProduct: {"Hikvision camera httpd"}, DeviceType: {"webcam"},
		inventory.HTTPServer: {"Hikvision-Webs"}, inventory.TLSSubject: {"CN=IPC,O=Hikvision,C=CN"},
	}
	for _, c := range []struct {
		fixture string
		args    []string
		host    string
		want    map[inventory.Field][]string
	}{
		// --system-dns names 127.0.0.1 from /etc/hosts, and -n asks no one
		// about ::1: no packet leaves the loopback interface.
		{"loopback-sn.xml", []string{"--system-dns", "-sn", "127.0.0.1"}, "127.0.0.1", nil},
		{"loopback-sV.xml", []string{"--system-dns", "-sV", "-p", port4, "--script", "http-server-header,ssl-cert,http-title", "127.0.0.1"}, "127.0.0.1",
			merge(camera, map[inventory.Field][]string{HTTPTitle: {"Network Camera"}})},
		{"loopback6-sV.xml", []string{"-n", "-6", "-sV", "-p", port6, "--script", "http-server-header,ssl-cert", "::1"}, "::1", camera},
		{"loopback-O.xml", []string{"--system-dns", "-O", "-p", port4 + "," + closed, "127.0.0.1"}, "127.0.0.1", nil},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			t.Parallel()
			out := scan(t, nmap, c.fixture, c.args...)
			if !(Reader{}).Sniff("scan.xml", out[:min(len(out), 8<<10)]) {
				t.Error("not recognised")
			}
			inv, err := Reader{}.Read(context.Background(), "scan.xml", bytes.NewReader(out), inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Items) != 1 || len(inv.Unknowns) != 0 || !strings.HasPrefix(inv.Format, "Nmap 7.") {
				t.Fatalf("%s: items %+v unknowns %+v", inv.Format, inv.Items, inv.Unknowns)
			}
			it := inv.Items[0]
			if it.Location.Host != c.host || it.Get(inventory.IP) != c.host || it.Location.Ref != "host[1]" || it.Type != inventory.Device || it.ID == "" {
				t.Errorf("item %+v", it)
			}
			got := map[inventory.Field][]string{}
			for f := range c.want {
				got[f] = values(&it, f)
			}
			if diff := cmp.Diff(c.want, got); c.want != nil && diff != "" {
				t.Errorf("attributes (-want +got):\n%s", diff)
			}
			if strings.HasSuffix(c.fixture, "-O.xml") {
				m := it.Get(OSMatch)
				if !strings.HasPrefix(m, "Linux") || !strings.HasSuffix(m, "%)") || !strings.HasPrefix(it.Get(inventory.CPE), "cpe:/o:linux:linux_kernel") {
					t.Errorf("OS match %q, CPE %q", m, it.Get(inventory.CPE))
				}
			}
		})
	}
}

func merge(a, b map[inventory.Field][]string) map[inventory.Field][]string {
	out := map[inventory.Field][]string{}
	for _, m := range []map[inventory.Field][]string{a, b} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// values lists the values of field f of an item.
func values(it *inventory.Item, f inventory.Field) []string {
	var out []string
	for _, a := range it.Attrs {
		if a.Field == f {
			out = append(out, a.Value)
		}
	}
	return out
}
