package neighbours

import (
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

// dev is what a test compares of a device.
type dev struct {
	Name, Ref, Host string
	Line            int
	Attrs           []string
}

func devs(t *testing.T, inv *inventory.Inventory) []dev {
	t.Helper()
	var out []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i {
			t.Errorf("item %+v", it)
		}
		d := dev{Name: it.Name, Ref: it.Location.Ref, Host: it.Location.Host, Line: it.Location.Line}
		for _, a := range it.Attrs {
			d.Attrs = append(d.Attrs, string(a.Field)+"="+a.Value)
		}
		out = append(out, d)
	}
	return out
}

func d(ip, mac, iface string, line int) dev {
	ref := ip
	if iface != "" {
		ref += " dev " + iface
	}
	return dev{ip, ref, ip, line, []string{"ip=" + ip, "mac=" + mac}}
}

// TestRead reads each tool's table: devices with their address and MAC,
// entries without a link-layer address and the host's own multicast and
// broadcast mappings passed over, IPv6, names printed by arp, macOS's
// short octets, Windows' interfaces in two languages.
func TestRead(t *testing.T) {
	v4 := []dev{d("192.0.2.21", "00:11:22:33:44:55", "v0", 3), d("192.0.2.20", "04:03:12:00:00:01", "v0", 5)}
	v6 := d("2001:db8::20", "3c:ef:8c:00:00:02", "v0", 6)
	named := func(name, ip, mac string, line int) dev {
		x := d(ip, mac, "eth0", line)
		x.Name, x.Attrs = name, append(x.Attrs, "hostname="+name)
		return x
	}
	for _, c := range []struct {
		file, format string
		want         []dev
	}{
		{"ip-neigh.txt", "ip neigh neighbour table", append(v4, v6)},
		{"ip-s-neigh.txt", "ip neigh neighbour table", []dev{v4[0], v4[1], d("2001:db8::20", "3c:ef:8c:00:00:02", "v0", 8)}},
		{"ip-j-neigh.json", "ip -j neigh neighbour table", []dev{d("192.0.2.21", "00:11:22:33:44:55", "v0", 1), d("192.0.2.20", "04:03:12:00:00:01", "v0", 1), d("2001:db8::20", "3c:ef:8c:00:00:02", "v0", 1)}},
		{"ip-j-p-neigh.json", "ip -j neigh neighbour table", []dev{d("192.0.2.21", "00:11:22:33:44:55", "v0", 10), d("192.0.2.20", "04:03:12:00:00:01", "v0", 19), d("2001:db8::20", "3c:ef:8c:00:00:02", "v0", 24)}},
		{"arp-an.txt", "arp -a neighbour table", v4},
		{"arp-n.txt", "arp -n neighbour table", []dev{d("192.0.2.21", "00:11:22:33:44:55", "v0", 4), d("192.0.2.20", "04:03:12:00:00:01", "v0", 6)}},
		{"proc-net-arp.txt", "/proc/net/arp neighbour table", []dev{d("192.0.2.21", "00:11:22:33:44:55", "v0", 4), d("192.0.2.20", "04:03:12:00:00:01", "v0", 6)}},
		{"linux-arp-a.txt", "arp -a neighbour table", []dev{named("gateway", "192.0.2.1", "02:fc:00:00:00:05", 1), named("nvr.example.org", "192.0.2.40", "04:03:12:aa:bb:01", 2)}},
		{"bsd-arp-an.txt", "arp -a neighbour table", []dev{
			d("10.0.0.1", "00:1b:21:3a:56:b1", "em0", 1), d("10.0.0.5", "04:03:12:aa:bb:05", "em0", 2), d("192.168.1.1", "00:11:22:33:44:55", "en0", 4)}},
		{"windows-arp-a.txt", "Windows arp -a neighbour table", []dev{
			d("192.168.1.1", "d4:8c:b5:ce:a0:c1", "", 4), d("192.168.1.64", "04:03:12:aa:bb:01", "", 5), d("10.0.75.2", "3c:ef:8c:10:20:04", "", 12)}},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			inv := readBytes(t, c.file, data)
			if diff := cmp.Diff(c.want, devs(t, inv)); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if len(inv.Unknowns) != 0 || inv.Format != c.format {
				t.Errorf("%q: unknowns %+v", inv.Format, inv.Unknowns)
			}
		})
	}
}

func read(s string, lim inventory.Limits) (*inventory.Inventory, error) {
	return Reader{}.Read(context.Background(), "t.txt", strings.NewReader(s), lim)
}

// Lines that are no table's are unknowns at their line; a binding met
// twice is one device; tables of several tools may be joined; an input
// with no table line is an error.
func TestReadMixed(t *testing.T) {
	in := strings.Join([]string{
		"10.0.0.7 dev eth0 lladdr 00:11:22:33:44:55 REACHABLE",
		"? (10.0.0.7) at 00:11:22:33:44:55 [ether] on eth0",
		"10.0.0.8 dev eth0 lladdr 00:11:22 STALE",
		"fe80::1 dev eth0 lladdr 80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:01 router REACHABLE",
		"10.0.0.9 dev eth0 lladdr 02:00:00:00:00:09 router extern_learn offload PERMANENT",
		"Entries: 2\tSkipped: 0\tFound: 2",
		"10.0.0.10 dev",
		"0.0.0.0 dev lo lladdr 04:03:12:00:00:01 PERMANENT",
		"10.0.0.11  0x1  0xz  00:11:22:33:44:66  *  eth0",
	}, "\n")
	inv, err := read(in, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []dev{d("10.0.0.7", "00:11:22:33:44:55", "eth0", 1), d("10.0.0.9", "02:00:00:00:00:09", "eth0", 5)}
	if diff := cmp.Diff(want, devs(t, inv)); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	var got []string
	for _, u := range inv.Unknowns {
		got = append(got, u.Location.String()+": "+u.Reason)
	}
	if diff := cmp.Diff([]string{
		`t.txt:3: link-layer address "00:11:22" is not a 6-octet MAC address`,
		`t.txt:4: link-layer address "80:00:02:08:fe:80:00:00:00:00:00:00:00:0..." is not a 6-octet MAC address`,
		"t.txt:6: not a line of a neighbour table",
		`t.txt:7: "dev" without a value`,
		`t.txt:9: flags "0xz" are not hexadecimal`,
	}, got); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if inv.Format != "neighbour tables (ip neigh and others)" {
		t.Errorf("format %q", inv.Format)
	}

	for name, s := range map[string]string{
		"no table":  "Linux 6.1 #1 SMP\nhello\n",
		"bad json":  `[{"dst":"10.0.0.1",}]`,
		"not array": `[1, 2`,
		"too long":  "10.0.0.1 dev " + strings.Repeat("x", maxLine),
	} {
		_, err := read(s, inventory.DefaultLimits)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "t.txt" {
			t.Errorf("%s: %v, want an InputError", name, err)
		}
	}
	for _, s := range []string{"", "\n\n", "[]"} {
		if inv, err := read(s, inventory.DefaultLimits); err != nil || len(inv.Items)+len(inv.Unknowns) != 0 {
			t.Errorf("%q: %+v %v, want an empty table", s, inv, err)
		}
	}
}

// JSON entries of the wrong shape are unknowns at their line.
func TestReadJSONUnknowns(t *testing.T) {
	inv, err := read("[{\"dst\":\"10.0.0.1\",\"lladdr\":\"00:11:22:33:44:55\"},\n{\"dst\":7},\n{\"dst\":\"x\",\"lladdr\":\"00:11:22:33:44:56\"},\n{\"dst\":\"10.0.0.4\",\"lladdr\":\"zz\"}]", inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range inv.Unknowns {
		got = append(got, u.Location.String()+": "+u.Reason)
	}
	if diff := cmp.Diff([]string{
		`t.txt:2 [1]: field "dst": JSON number where string was expected`,
		`t.txt:3 [2]: dst "x" is not an IP address`,
		`t.txt:4 [3]: link-layer address "zz" is not a 6-octet MAC address`,
	}, got); diff != "" || len(inv.Items) != 1 {
		t.Errorf("%d items; unknowns (-want +got):\n%s", len(inv.Items), diff)
	}
}

// Limits: a name past the string limit is an unknown; past the item limit
// the input is refused.
func TestReadLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 20, MaxDepth: 4}
	inv, err := read("a-very-long-host-name.example.org (10.0.0.1) at 00:11:22:33:44:55 [ether] on eth0\n10.0.0.2 dev eth0 lladdr 00:11:22:33:44:56 STALE\n", lim)
	if err != nil || len(inv.Items) != 1 || len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "longer than 20") {
		t.Errorf("string limit: %+v %v", inv, err)
	}
	if _, err := read("10.0.0.1 lladdr 00:11:22:33:44:01 STALE\n10.0.0.2 lladdr 00:11:22:33:44:02 STALE\n10.0.0.3 lladdr 00:11:22:33:44:03 STALE\n", lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
}

// Sniff takes the tables by their first line, not other text.
func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		"10.0.0.7 dev eth0 lladdr 00:11:22:33:44:55 REACHABLE\n":                             true,
		"fd00::1 dev eth0 FAILED\n":                                                          true,
		"? (10.0.0.7) at 00:11:22:33:44:55 [ether] on eth0\n":                                true,
		"IP address       HW type     Flags       HW address            Mask     Device\n":   true,
		"Address                  HWtype  HWaddress           Flags Mask            Iface\n": true,
		"\r\nInterface: 192.168.1.3 --- 0xb\r\n":                                             true,
		`[{"dst":"10.0.0.1","dev":"eth0"}]`:                                                  true,
		"[ {\n    \"dst\": \"10.0.0.1\"":                                                     true,
		`[{"bomFormat":"CycloneDX"}]`:                                                        false,
		"1700000000 00:11:22:33:44:55 10.0.0.7 cam *\n":                                      false,
		"lease 10.0.0.7 {\n":                                                                 false,
		"#separator \\x09\n":                                                                 false,
		"":                                                                                   false,
	} {
		if got := (Reader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", head, got, want)
		}
	}
}

// NormalMAC reads the forms tools print.
func TestNormalMAC(t *testing.T) {
	var got []string
	for _, s := range []string{"00:11:22:33:44:55", "00-11-22-33-44-AA", "0:1b:63:84:45:e6", "0011.2233.44ff", "00:11:22:33:44", "00:11:22:33:44:55:66", "0:1:2:3:4:5g", "001:1:2:3:4:5", "+1:1:2:3:4:5", "00:11-22:33-44:55"} {
		mac, ok := NormalMAC(s)
		got = append(got, mac+" "+map[bool]string{true: "ok", false: "no"}[ok])
	}
	if diff := cmp.Diff([]string{"00:11:22:33:44:55 ok", "00:11:22:33:44:aa ok", "00:1b:63:84:45:e6 ok", "00:11:22:33:44:ff ok", " no", " no", " no", " no", " no", "00:11:22:33:44:55 ok"}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Error(diff)
	}
}
