//go:build linux

package discover

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/internal/netlab"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// identityProbers are the ONVIF, SSDP and mDNS probers.
func identityProbers() []Prober { return []Prober{NewONVIF(), NewSSDP(), NewMDNS()} }

// attrList builds an attribute list from field, value pairs.
func attrList(fv ...string) []inventory.Attr {
	var out []inventory.Attr
	for i := 0; i+1 < len(fv); i += 2 {
		out = append(out, inventory.Attr{Field: inventory.Field(fv[i]), Value: fv[i+1]})
	}
	return out
}

// closedObservation is what a prober observes of a port that answers ICMP port
// unreachable.
func closedObservation(port string) discovery.Observation {
	return discovery.Observation{Answered: true, Notes: []string{port + " closed (ICMP port unreachable)"}}
}

// TestIdentityProbersLab runs the ONVIF, SSDP and mDNS probers against
// the lab's Hikvision, rebranded and consumer cameras, and a printer
// whose mDNS responder adds no additional records, so that the prober
// asks for its instance's SRV and TXT records.
func TestIdentityProbersLab(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	hik := lab.AddDevice(netlab.HikvisionCamera("hik", 1))
	acme := lab.AddDevice(netlab.RebrandedCamera("acme", 2))
	home := lab.AddDevice(netlab.ConsumerCamera("home", 3))
	printer := lab.AddDevice(netlab.DeviceSpec{Name: "printer", MAC: netlab.LocalMAC(4), MDNS: &netlab.MDNS{
		Host: "netlab-printer", Minimal: true,
		Services: []netlab.MDNSService{{Type: "_ipp._tcp", Instance: "Netlab Office Printer", Port: 631,
			TXT: []string{"txtvers=1", "ty=Netlab LaserWriter 9", "usb_MFG=Netlab", "usb_MDL=LaserWriter 9"}}},
	}})
	// A UPnP device whose LOCATION is a closed port of its own, and
	// which answers from a port other than udp/1900, as libupnp does.
	tvAddr := netip.MustParseAddr("10.250.0.20")
	tv := lab.AddDevice(netlab.DeviceSpec{Name: "tv", MAC: netlab.LocalMAC(5), Addr: tvAddr, SSDP: &netlab.SSDP{
		Server: "Netlab/1.0 UPnP/1.0 tv/1", Location: "http://10.250.0.20:8080/description.xml", ReplyFromOwnPort: true}})
	// A file server with more shares than the prober reads.
	var shares []netlab.MDNSService
	for i := range mdnsMaxInstances + 2 {
		shares = append(shares, netlab.MDNSService{Type: "_smb._tcp", Instance: fmt.Sprintf("Share %02d", i), Port: 445})
	}
	nas := lab.AddDevice(netlab.DeviceSpec{Name: "nas", MAC: netlab.LocalMAC(6), MDNS: &netlab.MDNS{Services: shares}})
	var targets []netip.Prefix
	for _, d := range []*netlab.Device{hik, acme, home, printer, tv, nas} {
		targets = append(targets, netip.PrefixFrom(d.Addr, 32))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var (
		mu   sync.Mutex
		what []string
	)
	doc, err := Run(ctx, Options{
		Targets: targets, Probers: identityProbers(), Rate: -1, Timeout: 2 * time.Second,
		Network: labNet{lab},
		Log: func(r Record) {
			mu.Lock()
			defer mu.Unlock()
			if !r.Sent {
				t.Errorf("not sent: %+v", r)
			}
			if r.Probe.Target.Addr() == hik.Addr {
				what = append(what, r.Probe.String())
			}
		},
		Neighbours: func() (map[netip.Addr]string, error) { return nil, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	const server = "Linux/6.1 UPnP/2.0 netlab/1.0"
	want := []discovery.Host{
		{Addr: hik.Addr, Observations: map[string]discovery.Observation{
			"onvif": {Answered: true, Attrs: attrList("manufacturer", "Hikvision", "model", "DS-NETLAB-01",
				"firmware", "V0.0.1 build 260101", "serial", "DS-NETLAB-01000001", "hostname", "hik")},
			"ssdp": {Answered: true, Attrs: attrList("http_server", server, "manufacturer", "Hikvision",
				"model", "DS-NETLAB-01", "serial", "DS-NETLAB-01000001")},
			"mdns": closedObservation("udp/5353"),
		}},
		{Addr: acme.Addr, Observations: map[string]discovery.Observation{
			"onvif": {Answered: true, Attrs: attrList("manufacturer", "Acme Security", "model", "ACME-CAM-4",
				"firmware", "1.0.0", "serial", "AC00000002", "hostname", "acme")},
			"ssdp": {Answered: true, Attrs: attrList("http_server", server, "manufacturer", "Acme Security",
				"model", "ACME-CAM-4", "serial", "AC00000002")},
			"mdns": closedObservation("udp/5353"),
		}},
		{Addr: home.Addr, Observations: map[string]discovery.Observation{
			"onvif": closedObservation("udp/3702"),
			"ssdp":  closedObservation("udp/1900"),
			"mdns":  {Answered: true, Attrs: attrList("mdns_service", "_http._tcp", "hostname", "home")},
		}},
		{Addr: printer.Addr, Observations: map[string]discovery.Observation{
			"onvif": closedObservation("udp/3702"),
			"ssdp":  closedObservation("udp/1900"),
			"mdns": {Answered: true, Attrs: attrList("mdns_service", "_ipp._tcp", "hostname", "netlab-printer",
				"manufacturer", "Netlab", "model", "LaserWriter 9")},
		}},
		{Addr: nas.Addr, Observations: map[string]discovery.Observation{
			"onvif": closedObservation("udp/3702"),
			"ssdp":  closedObservation("udp/1900"),
			"mdns": {Answered: true, Attrs: attrList("mdns_service", "_smb._tcp", "hostname", "nas"),
				Notes: []string{"more than 16 service instances, the rest not read"}},
		}},
		{Addr: tv.Addr, Observations: map[string]discovery.Observation{
			"onvif": closedObservation("udp/3702"),
			"ssdp": {Answered: true, Attrs: attrList("http_server", "Netlab/1.0 UPnP/1.0 tv/1"),
				Notes: []string{"LOCATION http://10.250.0.20:8080/description.xml: connect: connection refused"}},
			"mdns": closedObservation("udp/5353"),
		}},
	}
	if d := cmp.Diff(want, doc.Hosts, cmpopts.EquateComparable(netip.Addr{})); d != "" {
		t.Errorf("hosts (-want +got):\n%s", d)
	}
	wantLog := []string{
		"onvif " + hik.Addr.String() + ":3702/udp WS-Discovery Probe for tds:Device (unicast SOAP-over-UDP)",
		"onvif " + hik.Addr.String() + ":80/tcp ONVIF GetDeviceInformation (SOAP 1.2 POST " + hik.XAddr + ")",
		"ssdp " + hik.Addr.String() + ":1900/udp SSDP M-SEARCH ST upnp:rootdevice (unicast)",
		"ssdp " + hik.Addr.String() + ":49152/tcp UPnP device description GET " + hik.Location,
		"mdns " + hik.Addr.String() + ":5353/udp mDNS query PTR _services._dns-sd._udp.local. (unicast)",
	}
	if d := cmp.Diff(byProber(wantLog), byProber(what)); d != "" {
		t.Errorf("probes of hik (-want +got):\n%s", d)
	}
	// hik and acme 5 each, home 4, printer 5 (its SRV and TXT query),
	// tv 4, nas 4.
	if doc.Probes != 27 {
		t.Errorf("%d probes sent, want 27", doc.Probes)
	}
}

// TestIdentityProbersStayInScope probes one device of two, whose SSDP
// LOCATION points at the other, and watches the other device's
// interface, the scanner's uplink to the outside and the scanner's own
// interface: nothing of the scanner's may reach the other device but its
// ARP request for the target, nothing may leave towards the outside, and
// nothing may be sent to the WS-Discovery/SSDP or mDNS multicast groups
// (the probes are unicast).
func TestIdentityProbersStayInScope(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	spec := netlab.HikvisionCamera("hik", 1)
	spec.SSDP.Location = "http://10.250.0.11:49152/description.xml"
	hik := lab.AddDevice(spec)
	other := lab.AddDevice(netlab.RebrandedCamera("acme", 2))
	if other.Location != spec.SSDP.Location {
		t.Fatalf("the other device's description is at %s", other.Location)
	}
	otherW := lab.Watch(other.Name, "eth0")
	outW := lab.Watch(netlab.Outside, "eth0")
	scanW := lab.Watch(netlab.Scanner, "eth0")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	doc, err := Run(ctx, Options{
		Targets: []netip.Prefix{netip.PrefixFrom(hik.Addr, 32)}, Probers: identityProbers(),
		Rate: -1, Timeout: 2 * time.Second, Network: labNet{lab},
		Neighbours: func() (map[netip.Addr]string, error) { return nil, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := discovery.Observation{Answered: true, Attrs: attrList("http_server", "Linux/6.1 UPnP/2.0 netlab/1.0"),
		Notes: []string{"LOCATION " + other.Location + " outside the targets, not fetched"}}
	if len(doc.Hosts) != 1 || len(doc.Hosts[0].Observations["onvif"].Attrs) == 0 {
		t.Fatalf("hosts %+v", doc.Hosts)
	}
	if d := cmp.Diff(want, doc.Hosts[0].Observations["ssdp"]); d != "" {
		t.Errorf("ssdp (-want +got):\n%s", d)
	}
	time.Sleep(200 * time.Millisecond) // frames in flight reach the watchers
	scanner := map[netip.Addr]bool{netlab.ScannerAddr: true, netlab.ScannerUplinkAddr: true}
	arps := 0
	for _, p := range otherW.Stop() {
		arpForTarget := p.EtherType == netlab.EtherTypeARP && p.ARPOp == 1 && p.Dst == hik.Addr
		if arpForTarget {
			arps++
		} else if scanner[p.Src] {
			t.Errorf("the other device saw %v", p)
		}
	}
	if arps == 0 {
		t.Error("the other device's watcher did not see the broadcast ARP request for the target")
	}
	for _, p := range outW.Stop() {
		if scanner[p.Src] {
			t.Errorf("the outside saw %v", p)
		}
	}
	sent := 0
	for _, p := range scanW.Stop() {
		if !p.Outgoing {
			continue
		}
		sent++
		if p.Dst.IsMulticast() || strings.HasPrefix(p.DstMAC.String(), "01:00:5e") {
			t.Errorf("multicast frame %v", p)
		}
		if p.EtherType == netlab.EtherTypeIPv4 && p.Dst != hik.Addr {
			t.Errorf("frame to a non-target %v", p)
		}
	}
	if sent == 0 {
		t.Error("the scanner's watcher saw nothing sent")
	}
}
