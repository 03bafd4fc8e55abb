package nmap

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// scan16 is an Nmap XML scan of a /16 with every one of its 65,536 hosts
// up, made from the real scan testdata/loopback-sV.xml (nmap -sV with
// http-server-header, ssl-cert and http-title against the test's camera):
// its <host> repeated with the address of each host of 10.20.0.0/16, and
// the MAC address line Nmap adds for a host on the local network.
func scan16(tb testing.TB) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", "loopback-sV.xml"))
	if err != nil {
		tb.Fatal(err)
	}
	start, end := bytes.Index(data, []byte("<host ")), bytes.Index(data, []byte("</host>\n"))+len("</host>\n")
	addr := []byte(`<address addr="127.0.0.1" addrtype="ipv4"/>` + "\n")
	host := data[start:end]
	i := bytes.Index(host, addr)
	if start < 0 || end < start || i < 0 {
		tb.Fatal("testdata/loopback-sV.xml has no host of 127.0.0.1")
	}
	var b bytes.Buffer
	b.Grow(65536 * (len(host) + 100))
	b.Write(data[:start])
	for n := range 65536 {
		b.Write(host[:i])
		fmt.Fprintf(&b, `<address addr="10.20.%d.%d" addrtype="ipv4"/>`+"\n"+`<address addr="04:03:12:AA:%02X:%02X" addrtype="mac" vendor="Hangzhou Hikvision Digital Technology"/>`+"\n",
			n>>8, n&255, n>>8, n&255)
		b.Write(host[i+len(addr):])
	}
	b.Write(data[end:])
	return b.Bytes()
}

// BenchmarkNmap16 reads a /16 scan: 65,536 devices, under a second.
func BenchmarkNmap16(b *testing.B) {
	data := scan16(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		inv, err := Reader{}.Read(context.Background(), "scan.xml", bytes.NewReader(data), inventory.DefaultLimits)
		if err != nil || len(inv.Items) != 65536 || len(inv.Unknowns) != 0 {
			b.Fatalf("%v %d items %d unknowns", err, len(inv.Items), len(inv.Unknowns))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/65536, "ns/host")
}

// TestScan16 reads the benchmark's scan once: every host a device with
// its address, MAC and the camera's signs.
func TestScan16(t *testing.T) {
	if testing.Short() {
		t.Skip("a 65,536-host scan")
	}
	inv, err := Reader{}.Read(context.Background(), "scan.xml", bytes.NewReader(scan16(t)), inventory.DefaultLimits)
	if err != nil || len(inv.Items) != 65536 || len(inv.Unknowns) != 0 {
		t.Fatalf("%v %d items %d unknowns", err, len(inv.Items), len(inv.Unknowns))
	}
	last := inv.Items[65535]
	if last.Location.Host != "10.20.255.255" || last.Get(inventory.MAC) != "04:03:12:aa:ff:ff" || last.Get(inventory.HTTPServer) != "Hikvision-Webs" || last.Location.Ref != "host[65536]" {
		t.Errorf("last device %+v", last)
	}
}
