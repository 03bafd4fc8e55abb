package dhcp

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// TestRealServers runs Debian's dhcpd, Kea and dnsmasq in network
// namespaces of their own, with real clients (busybox udhcpc, ISC
// dhclient) in others (testdata/gen-leases.sh), and reads the lease file
// each server wrote: the three clients that hold leases are there with
// their MACs and host names (and, from dhcpd, their vendor classes); the
// laptop that released its lease is not. Runs as root, as CI does.
func TestRealServers(t *testing.T) {
	// These tests are how the reader is held to the servers' real files:
	// a missing server fails them.
	testtool.Commands(t,
		[2]string{"ip", "iproute2"}, [2]string{"busybox", "busybox"}, [2]string{"dhclient", "isc-dhcp-client"},
		[2]string{"dhcpd", "isc-dhcp-server"}, [2]string{"kea-dhcp4", "kea-dhcp4-server"}, [2]string{"dnsmasq", "dnsmasq-base"})
	if os.Geteuid() != 0 {
		t.Fatal("making network namespaces needs root")
	}
	type client struct{ Name, Vendor string }
	for _, c := range []struct {
		server string
		want   map[string]client // by MAC
	}{
		{"dhcpd", map[string]client{
			"c0:56:e3:00:00:01": {"cam-01", "udhcp 1.35.0"},
			"d4:6b:a6:00:00:02": {"HUAWEI_P30", "HUAWEI:android:ELE-L29"},
			"08:ed:ed:00:00:03": {"nvr-lobby", "DHI-NVR4208"},
		}},
		{"kea", map[string]client{
			"c0:56:e3:00:00:01": {"cam-01", ""},
			"d4:6b:a6:00:00:02": {"huaweip30", ""},
			"08:ed:ed:00:00:03": {"nvr-lobby", ""},
		}},
		{"dnsmasq", map[string]client{
			"c0:56:e3:00:00:01": {"cam-01", ""},
			"d4:6b:a6:00:00:02": {"HUAWEI_P30", ""},
			"08:ed:ed:00:00:03": {"nvr-lobby", ""},
		}},
	} {
		t.Run(c.server, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "leases")
			if b, err := exec.Command("bash", filepath.Join("testdata", "gen-leases.sh"), c.server, out).CombinedOutput(); err != nil {
				t.Fatalf("gen-leases.sh %s: %v\n%s", c.server, err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			devs, unknowns, _ := devices(t, string(data))
			got := map[string]client{}
			v6 := 0
			for _, d := range devs {
				if a, err := netip.ParseAddr(d.Host); err == nil && a.Is6() && d.MAC == "d4:6b:a6:00:00:02" && d.Name == d.Host {
					v6++ // dnsmasq's DHCPv6 lease of the phone: named by its address
					continue
				}
				got[d.MAC] = client{d.Name, d.Vendor}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("clients (-want +got):\n%s\nfile:\n%s", diff, data)
			}
			if wantV6 := map[bool]int{true: 1}[c.server == "dnsmasq"]; v6 != wantV6 || len(unknowns) != 0 {
				t.Errorf("%d DHCPv6 leases of the phone (want %d), unknowns %+v\nfile:\n%s", v6, wantV6, unknowns, data)
			}
		})
	}
}
