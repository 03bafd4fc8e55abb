//go:build linux

package discover

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/netlab"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/nmap"
)

// TestHTTPLab fetches the front pages of the lab's Hikvision camera
// (HTTP and HTTPS) and of a consumer camera (HTTP only), one target per
// run, and checks that what is read is what Nmap reads of the same
// camera and what the catalogue attributes.
func TestHTTPLab(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	hik := lab.AddDevice(netlab.HikvisionCamera("hik", 1))
	home := lab.AddDevice(netlab.ConsumerCamera("home", 3))

	t.Run("camera", func(t *testing.T) {
		doc, recs := discoverLab(t, lab, labRun{target: hik.Addr, others: []*netlab.Device{home}}, NewHTTP())
		ob := only(t, doc, hik.Addr, "http")
		want := []inventory.Attr{
			{Field: inventory.HTTPServer, Value: netlab.HikvisionServer},
			{Field: inventory.HTTPTitle, Value: "netlab camera login"},
			{Field: inventory.TLSSubject, Value: "CN=IP Camera hik,O=Hikvision"},
		}
		if diff := cmp.Diff(want, ob.Attrs); diff != "" || !ob.Answered || len(ob.Notes) > 0 {
			t.Errorf("attributes (-want +got):\n%s\nnotes %q", diff, ob.Notes)
		}
		if got := certSubject(hik.Cert.Subject); got != want[2].Value {
			t.Errorf("the certificate's subject is %q", got)
		}
		wantLog(t, recs, true, "http 10.250.0.10:80/tcp HTTP GET /", "http 10.250.0.10:443/tcp HTTPS GET / (TLS handshake)")
		attributed(t, ob.Attrs[2:], catalog.TLSSubject)
		attributed(t, ob.Attrs[:1], catalog.HTTPServer)
		sameAsNmap(t, hik.Addr, ob.Attrs)
	})

	t.Run("consumer camera", func(t *testing.T) {
		doc, _ := discoverLab(t, lab, labRun{target: home.Addr, others: []*netlab.Device{hik}}, NewHTTP())
		ob := only(t, doc, home.Addr, "http")
		want := []inventory.Attr{{Field: inventory.HTTPTitle, Value: "Netlab Home Cam"}}
		if diff := cmp.Diff(want, ob.Attrs); diff != "" || !slices.Equal(ob.Notes, []string{"tcp/443 closed"}) {
			t.Errorf("attributes (-want +got):\n%s\nnotes %q", diff, ob.Notes)
		}
	})
}

// sameAsNmap compares what was read with what inventory/nmap reads of
// Nmap 7.93's scan of the same lab camera (internal/netlab's
// lab-nmap.xml, whose sources list how it was made).
func sameAsNmap(t *testing.T, a netip.Addr, attrs []inventory.Attr) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "internal", "netlab", "testdata", "lab-nmap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := nmap.Reader{}.Read(context.Background(), "lab-nmap.xml", f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range inv.Items {
		if it.Get(inventory.IP) != a.String() {
			continue
		}
		for _, f := range []inventory.Field{inventory.HTTPServer, inventory.TLSSubject} {
			var ours string
			for _, at := range attrs {
				if at.Field == f {
					ours = at.Value
				}
			}
			if theirs := it.Get(f); theirs != ours {
				t.Errorf("%s: Nmap's %q, ours %q", f, theirs, ours)
			}
		}
		return
	}
	t.Fatalf("lab-nmap.xml has no host %v", a)
}

// TestDryRunLab plans every probe of both probers and sends nothing:
// the target's own interface is watched too.
func TestDryRunLab(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	hik := lab.AddDevice(netlab.HikvisionCamera("hik", 1))
	creds := labCreds(t, "netlab-ro\nv3 user=ops auth=SHA authpass=netlab-auth-1")
	doc, recs := discoverLab(t, lab, labRun{target: hik.Addr, dry: true, others: []*netlab.Device{hik}}, NewSNMP(creds), NewHTTP())
	if doc.Probes != 0 || len(doc.Hosts) != 0 {
		t.Errorf("a dry run sent %d probes, found %+v", doc.Probes, doc.Hosts)
	}
	wantLog(t, recs, false,
		"snmp 10.250.0.10:161/udp SNMPv2c GET sysObjectID.0 sysDescr.0 sysName.0 (credential 1 of 2)",
		"snmp 10.250.0.10:161/udp SNMPv3 engine discovery (empty GET, noAuthNoPriv, no user)",
		"snmp 10.250.0.10:161/udp SNMPv3 GET sysObjectID.0 sysDescr.0 sysName.0 (credential 2 of 2, authNoPriv)",
		"http 10.250.0.10:80/tcp HTTP GET /",
		"http 10.250.0.10:443/tcp HTTPS GET / (TLS handshake)")
}
