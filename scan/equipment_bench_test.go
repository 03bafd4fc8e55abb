package scan

import (
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
