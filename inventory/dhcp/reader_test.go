package dhcp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// dev is what a test checks of an item.
type dev struct {
	Name, Ref string
	Line      int
	Host, MAC string
	Vendor    string
}

// unk is what a test checks of an unknown: its line and a part of its
// reason.
type unk struct {
	Line int
	Why  string
}

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// devices reads data and returns its items and unknowns in the tests'
// terms, checking what every item must be.
func devices(t *testing.T, data string) ([]dev, []unk, string) {
	t.Helper()
	inv, err := read(t, "leases", []byte(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var ds []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i ||
			it.Location.Source != "leases" || it.Get(inventory.IP) != it.Location.Host {
			t.Errorf("item %+v", it)
		}
		ds = append(ds, dev{it.Name, it.Location.Ref, it.Location.Line, it.Location.Host, it.Get(inventory.MAC), it.Get(VendorClass)})
	}
	var us []unk
	for _, u := range inv.Unknowns {
		us = append(us, unk{u.Location.Line, u.Reason})
	}
	return ds, us, inv.Format
}

// equalWhy compares unknowns by line and by the part of the reason the
// test names.
var equalWhy = cmp.Comparer(func(a, b unk) bool {
	return a.Line == b.Line && (strings.Contains(a.Why, b.Why) || strings.Contains(b.Why, a.Why))
})

// TestRealLeaseFiles reads the lease files that Debian's dhcpd, Kea and
// dnsmasq wrote for four clients (testdata/gen-leases.sh): the released
// laptop is gone from each, and the others are there with their MACs,
// host names and, where dhcpd recorded it, the vendor class.
func TestRealLeaseFiles(t *testing.T) {
	for _, c := range []struct {
		file, format string
		want         []dev
	}{
		{"dhcpd.leases", "ISC dhcpd leases", []dev{
			{"cam-01", "lease 192.0.2.100", 9, "192.0.2.100", "c0:56:e3:00:00:01", "udhcp 1.35.0"},
			{"HUAWEI_P30", "lease 192.0.2.101", 21, "192.0.2.101", "d4:6b:a6:00:00:02", "HUAWEI:android:ELE-L29"},
			{"nvr-lobby", "lease 192.0.2.102", 32, "192.0.2.102", "08:ed:ed:00:00:03", "DHI-NVR4208"},
		}},
		{"kea-leases4.csv", "Kea memfile leases", []dev{
			{"cam-01", "lease 192.0.2.100", 2, "192.0.2.100", "c0:56:e3:00:00:01", ""},
			// Kea's default hostname-char-set drops the underscore; it
			// also writes names in lower case.
			{"huaweip30", "lease 192.0.2.101", 3, "192.0.2.101", "d4:6b:a6:00:00:02", ""},
			{"nvr-lobby", "lease 192.0.2.102", 4, "192.0.2.102", "08:ed:ed:00:00:03", ""},
		}},
		{"dnsmasq.leases", "dnsmasq leases", []dev{
			{"nvr-lobby", "lease 192.0.2.113", 1, "192.0.2.113", "08:ed:ed:00:00:03", ""},
			{"HUAWEI_P30", "lease 192.0.2.136", 2, "192.0.2.136", "d4:6b:a6:00:00:02", ""},
			{"cam-01", "lease 192.0.2.111", 3, "192.0.2.111", "c0:56:e3:00:00:01", ""},
			// The phone's DHCPv6 lease: its MAC is in its DUID-LLT.
			{"2001:db8::1d6", "lease 2001:db8::1d6", 5, "2001:db8::1d6", "d4:6b:a6:00:00:02", ""},
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !(Reader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("not recognised")
			}
			got, unknowns, format := devices(t, string(data))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if format != c.format || len(unknowns) != 0 {
				t.Errorf("format %q, unknowns %+v", format, unknowns)
			}
		})
	}
}

// TestReadErrors: an input that is no lease database is an error naming
// it; so is one past the limits.
func TestReadErrors(t *testing.T) {
	for name, data := range map[string]string{
		"empty":     "",
		"blank":     " \n\r\n",
		"json":      `{"leases": []}`,
		"plain csv": "ip,mac\n10.0.0.1,00:11:22:33:44:55\n",
		"prose":     "lease the flat from March\n",
	} {
		_, err := read(t, "x.leases", []byte(data), inventory.DefaultLimits)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "x.leases" {
			t.Errorf("%s: %v, want an InputError naming the input", name, err)
		}
	}
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 8, MaxDepth: 4}
	three := "1 00:11:22:33:44:01 10.0.0.1 a *\n1 00:11:22:33:44:02 10.0.0.2 b *\n1 00:11:22:33:44:03 10.0.0.3 c *\n"
	if _, err := read(t, "x", []byte(three), lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
	inv, err := read(t, "x", []byte("1 00:11:22:33:44:01 10.0.0.1 a-very-long-name *\n"), lim)
	if err != nil || len(inv.Items) != 1 || inv.Items[0].Name != "10.0.0.1" || len(inv.Unknowns) != 1 {
		t.Errorf("string limit: %+v %v", inv, err)
	}
	bad := strings.Repeat("x\n", 3)
	if _, err := read(t, "x", []byte("1 00:11:22:33:44:01 10.0.0.1 a *\n"+bad), lim); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("unknown limit: %v", err)
	}
	lim.MaxBytes = 10
	if _, err := read(t, "x", []byte(three), lim); !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("byte limit: %v", err)
	}
}

// TestReadCancelled: a cancelled context stops a long read.
func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := genDhcpd(4096)
	if _, err := (Reader{}).Read(ctx, "x", bytes.NewReader(data), inventory.DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestSniff takes each format by its start, and nothing else.
func TestSniff(t *testing.T) {
	var got []string
	for _, head := range []string{
		"# The format of this file is documented in the dhcpd.leases(5) manual page.\n",
		"lease 10.0.0.7 {\n  starts 1 2024/01/01 00:00:00;\n",
		"\xef\xbb\xbfauthoring-byte-order little-endian;\n",
		"server-duid \"\\000\\001\";\n",
		"ia_na \"\\001\\000\\000\\000\" {\n",
		"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n",
		"address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state\n",
		"1700000000 00:11:22:33:44:55 10.0.0.7 cam-01 *\n",
		"duid 00:01:00:01:2a:2b:2c:2d:00:11:22:33:44:55\n",
		// not lease files
		"lease 10.0.0.7\n",
		"lease agreement {\n",
		"address,port\n",
		"1700000000 00:11:22:33:44:55 not-an-ip cam-01 *\n",
		"host cam { hardware ethernet 00:11:22:33:44:55; }\n",
		"",
	} {
		if (Reader{}).Sniff("x", []byte(head)) {
			got = append(got, head)
		}
	}
	want := []string{
		"# The format of this file is documented in the dhcpd.leases(5) manual page.\n",
		"lease 10.0.0.7 {\n  starts 1 2024/01/01 00:00:00;\n",
		"\xef\xbb\xbfauthoring-byte-order little-endian;\n",
		"server-duid \"\\000\\001\";\n",
		"ia_na \"\\001\\000\\000\\000\" {\n",
		"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n",
		"address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state\n",
		"1700000000 00:11:22:33:44:55 10.0.0.7 cam-01 *\n",
		"duid 00:01:00:01:2a:2b:2c:2d:00:11:22:33:44:55\n",
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("sniffed (-want +got):\n%s", diff)
	}
}
