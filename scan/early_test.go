package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// TestEarlyAttribution scans a Nmap run long enough for the reader to
// hand over devices while it reads (every 4,096 hosts) and checks that
// every device is attributed exactly as attributing it alone would, that
// the early worker did take part, and that items of another stream are
// not taken for this one's.
func TestEarlyAttribution(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<nmaprun scanner="nmap" args="nmap -sn 10.20.0.0/16" start="1767225600" version="7.93" xmloutputversion="1.05">` + "\n")
	const hosts = 9000
	for n := range hosts {
		oui := "00:1B:21" // Intel's
		if n%3 == 0 {
			oui = "44:19:B6" // Hikvision's
		}
		fmt.Fprintf(&b, `<host><status state="up" reason="arp-response"/><address addr="10.20.%d.%d" addrtype="ipv4"/><address addr="%s:%02X:%02X:%02X" addrtype="mac"/></host>`+"\n",
			n>>8, n&255, oui, n>>16, n>>8&255, n&255)
	}
	b.WriteString(`<runstats><finished time="1767225700"/><hosts up="9000" down="0" total="9000"/></runstats></nmaprun>` + "\n")
	path := filepath.Join(t.TempDir(), "lan.xml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)

	pre := newEarly(a)
	inv, _, err := readInput(inventory.WithItemsReady(context.Background(), pre.ready), path, "", inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := pre.results()
	if len(ids) != 8191 { // handed over on reaching the 8,192nd host
		t.Fatalf("the early worker attributed %d items, want the 8,191 handed over", len(ids))
	}

	rep, err := Run(context.Background(), a, []string{path}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != hosts || len(inv.Items) != hosts {
		t.Fatalf("%d items in the report, %d read", len(rep.Items), len(inv.Items))
	}
	hik := 0
	for i, e := range rep.Items {
		alone := a.Attribute(&inv.Items[i])
		if d := cmp.Diff(who(alone), who(e.Attribution)); d != "" {
			t.Fatalf("item %d (%s) (-alone +scan):\n%s", i, e.Item.Location.Host, d)
		}
		if who(alone) == "hikvision" {
			hik++
		}
	}
	if hik != hosts/3 {
		t.Errorf("%d Hikvision devices, want %d", hik, hosts/3)
	}

	// A second stream under the same worker is refused, not mixed in.
	other := newEarly(a)
	other.ready(inv.Items[:10])
	other.ready(inv.Items[100:105]) // starts with another item
	if ids, ats := other.results(); len(ids) != 10 || len(ats) != 10 {
		t.Errorf("after a foreign stream: %d ids, %d attributions", len(ids), len(ats))
	}
}

func who(at *attribute.Attribution) string {
	if at == nil {
		return ""
	}
	return at.Entity.ID
}
