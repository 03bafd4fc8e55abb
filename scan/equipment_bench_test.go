package scan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// BenchmarkLeases64kAttributed reads a dnsmasq lease file of 65,536
// devices (one in four in a Hikvision MAC block, the rest in blocks no
// catalogued supplier holds) and attributes every one: issue 18's floor
// is 1 s for the lot.
func BenchmarkLeases64kAttributed(b *testing.B) {
	var sb strings.Builder
	for i := range 65536 {
		oui := "00:1b:21" // Intel's block
		if i%4 == 0 {
			oui = "44:19:b6" // Hikvision's
		}
		fmt.Fprintf(&sb, "1767225600 %s:%02x:%02x:%02x 10.%d.%d.%d dev-%d *\n", oui, i>>16&0xff, i>>8&0xff, i&0xff, 20+(i>>16), i>>8&0xff, i&0xff, i)
	}
	path := filepath.Join(b.TempDir(), "dnsmasq.leases")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	a := attribute.New(cat)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), a, []string{path}, Options{Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Items != 65536 || rep.Summary.BySupplier["hikvision"] != 16384 {
			b.Fatalf("%d items, %d Hikvision's", rep.Summary.Items, rep.Summary.BySupplier["hikvision"])
		}
	}
}

// nmap16 writes an Nmap XML scan of a /16, every one of its 65,536 hosts
// up, made from the real scan inventory/nmap/testdata/loopback-sV.xml
// (nmap -sV with http-server-header, ssl-cert and http-title against a
// test camera): its <host> repeated with each address of 10.20.0.0/16
// and the MAC line Nmap adds on a local network, a quarter of them in a
// Hikvision block, the rest in Intel's.
func nmap16(b *testing.B) string {
	data, err := os.ReadFile(filepath.Join("..", "inventory", "nmap", "testdata", "loopback-sV.xml"))
	if err != nil {
		b.Fatal(err)
	}
	start, end := bytes.Index(data, []byte("<host ")), bytes.Index(data, []byte("</host>\n"))+len("</host>\n")
	addr := []byte(`<address addr="127.0.0.1" addrtype="ipv4"/>` + "\n")
	host := data[start:end]
	i := bytes.Index(host, addr)
	if start < 0 || end < start || i < 0 {
		b.Fatal("loopback-sV.xml has no host of 127.0.0.1")
	}
	var buf bytes.Buffer
	buf.Write(data[:start])
	for n := range 65536 {
		mac, vendor := fmt.Sprintf("00:1B:21:AA:%02X:%02X", n>>8, n&255), "Intel Corporate"
		if n%4 == 0 {
			mac, vendor = fmt.Sprintf("44:19:B6:AA:%02X:%02X", n>>8, n&255), "Hangzhou Hikvision Digital Technology"
		}
		buf.Write(host[:i])
		fmt.Fprintf(&buf, `<address addr="10.20.%d.%d" addrtype="ipv4"/>`+"\n"+`<address addr="%s" addrtype="mac" vendor="%s"/>`+"\n", n>>8, n&255, mac, vendor)
		buf.Write(host[i+len(addr):])
	}
	buf.Write(data[end:])
	path := filepath.Join(b.TempDir(), "scan16.xml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkNmap16Attributed scans a /16 Nmap run end to end (read,
// attribute, report) beside the floor of reading the file's bytes; issue
// 18 asks for under a second.
func BenchmarkNmap16Attributed(b *testing.B) {
	path := nmap16(b)
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	a := attribute.New(cat)
	b.Run("floor=readfile", func(b *testing.B) {
		for b.Loop() {
			if _, err := os.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, err := Run(context.Background(), a, []string{path}, Options{Version: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			// Every host shows the camera's Hikvision Server header and
			// certificate, whatever its MAC block.
			if rep.Summary.Items != 65536 || rep.Summary.BySupplier["hikvision"] != 65536 {
				b.Fatalf("%d items, %d Hikvision's", rep.Summary.Items, rep.Summary.BySupplier["hikvision"])
			}
		}
	})
}
