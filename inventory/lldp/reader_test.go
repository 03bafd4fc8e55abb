package lldp

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
	Name, Version, Ref string
	Line               int
	Host               string
	IPs                []string
	MAC                string
	Maker, Model       string
	Serial, Descr      string
}

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// devices reads data and returns its items in the tests' terms, and its
// unknowns' lines and reasons.
func devices(t *testing.T, data []byte) ([]dev, []string, string) {
	t.Helper()
	inv, err := read(t, "neighbours", data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var ds []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i || it.Get(inventory.Firmware) != it.Version {
			t.Errorf("item %+v", it)
		}
		d := dev{Name: it.Name, Version: it.Version, Ref: it.Location.Ref, Line: it.Location.Line, Host: it.Location.Host,
			MAC: it.Get(inventory.MAC), Maker: it.Get(inventory.Manufacturer), Model: it.Get(inventory.DeviceModel),
			Serial: it.Get(inventory.Serial), Descr: it.Get(SystemDescription)}
		for _, a := range it.Attrs {
			if a.Field == inventory.IP {
				d.IPs = append(d.IPs, a.Value)
			}
		}
		ds = append(ds, d)
	}
	var us []string
	for _, u := range inv.Unknowns {
		us = append(us, u.Location.String()+": "+u.Reason)
	}
	return ds, us, inv.Format
}

// lldpdNeighbours are the three neighbours testdata/gen-lldpctl.sh makes,
// as its keyvalue output shows them (JSON keeps the recorder's and the
// CDP neighbour's descriptions' new lines).
func lldpdNeighbours(line bool, nl string) []dev {
	at := func(n int) int {
		if line {
			return n
		}
		return 0
	}
	return []dev{
		{"S5735-L24T4S-A", "V200R021C10SPC600", "interface eth1 rid 2 (LLDP)", at(1), "192.0.2.11", []string{"192.0.2.11"},
			"00:e0:fc:12:34:56", "Huawei Technologies Co., Ltd.", "S5735-L24T4S-A", "102345678901",
			"Huawei Versatile Routing Platform Software, VRP (R) software, Version 5.170 (S5735 V200R021C10SPC600)"},
		// CDPv2 through lldpd: "<platform> running on\n<software>".
		{"ZXR10-5960-52TM-H", "V4.00.10", "interface eth2 rid 1 (CDPv2)", at(32), "192.0.2.12", []string{"192.0.2.12"},
			"", "", "ZXR10-5960-52TM-H", "",
			"ZXR10-5960-52TM-H running on" + nl + "ZTE ZXR10 5960-52TM-H Software, Version V4.00.10"},
		{"nvr-lobby", "", "interface eth3 rid 3 (LLDP)", at(43), "2001:db8::13", []string{"2001:db8::13"},
			"3c:ef:8c:01:02:03", "", "", "", "Embedded Linux 4.9.37" + nl + "Network Video Recorder"},
	}
}

// TestLldpctl reads what Debian's lldpctl printed of three real
// neighbours (testdata/gen-lldpctl.sh) in each of its formats.
func TestLldpctl(t *testing.T) {
	for _, c := range []struct {
		file, format string
		want         []dev
	}{
		{"lldpctl-keyvalue.txt", formatKeyValue, lldpdNeighbours(true, " ")},
		{"lldpctl.json", formatJSON, lldpdNeighbours(false, "\n")},
		{"lldpctl-json0.json", formatJSON, lldpdNeighbours(false, "\n")},
		{"lldpctl-none.json", formatJSON, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !(Reader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("not recognised")
			}
			got, unknowns, format := devices(t, data)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("neighbours (-want +got):\n%s", diff)
			}
			if format != c.format || len(unknowns) != 0 {
				t.Errorf("format %q, unknowns %q", format, unknowns)
			}
		})
	}
}

// TestCDP reads show cdp neighbors detail as IOS and NX-OS print it
// (testdata/SOURCES.md): the platform is the model, the version is taken
// from the software banner, the entry and management addresses are the
// device's, an NX-OS Device ID gives the serial number.
func TestCDP(t *testing.T) {
	ios := "Cisco IOS Software [Everest], Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.6.4, RELEASE SOFTWARE (fc3)\n" +
		"Technical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2018 by Cisco Systems, Inc.\nCompiled Sun 08-Jul-18 04:33 by mcpre"
	for _, c := range []struct {
		file string
		want []dev
	}{
		{"cdp-ios.txt", []dev{
			{"cisco WS-C3850-24P", "16.6.4", "Device ID: core-1.example.net", 3, "192.0.2.1",
				[]string{"192.0.2.1", "2001:db8::1", "fe80::2a3:d1ff:fe00:1", "198.51.100.1"}, "", "", "cisco WS-C3850-24P", "", ios},
			{"Cisco IP Phone 8845", "", "Device ID: SEP00B0C7123456", 27, "192.0.2.40", []string{"192.0.2.40"}, "", "",
				"Cisco IP Phone 8845", "", "sip8845_65.12-5-1SR3-1"},
			{"PCM6220", "3.1.3.9", "Device ID: CN0G4F2X282981", 44, "192.0.2.63", []string{"192.0.2.63"}, "", "", "PCM6220", "", "3.1.3.9"},
		}},
		{"cdp-nxos.txt", []dev{
			{"N9K-C9364C", "9.3(9)", "Device ID: spine-1(FDO21120ABC)", 3, "192.0.2.11", []string{"192.0.2.11", "198.51.100.11"}, "", "",
				"N9K-C9364C", "FDO21120ABC", "Cisco Nexus Operating System (NX-OS) Software, Version 9.3(9)"},
			{"cisco ISR4331/K9", "16.9.5", "Device ID: edge-r1.example.net", 25, "192.0.2.254", []string{"192.0.2.254"}, "", "",
				"cisco ISR4331/K9", "", "Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc1)"},
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
			got, unknowns, format := devices(t, data)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("neighbours (-want +got):\n%s", diff)
			}
			if format != formatCDP || len(unknowns) != 0 {
				t.Errorf("format %q, unknowns %q", format, unknowns)
			}
		})
	}
}

// TestReadErrors: input that is none of the formats, or past the limits,
// is an error naming the input.
func TestReadErrors(t *testing.T) {
	for name, data := range map[string]string{
		"empty":        "",
		"plain format": "-------------------------------------------------------------------------------\nLLDP neighbors:\n",
		"other json":   `{"neighbours": []}`,
		"bad json":     "{\"lldp\": {\"interface\": [}\n",
		"cut json":     "{\"lldp\": {\"interface\": {\"eth0\": {\"via\": \"LLDP\"",
		"deep json":    `{"lldp": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}",
	} {
		_, err := read(t, "n.txt", []byte(data), inventory.DefaultLimits)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "n.txt" {
			t.Errorf("%s: %v, want an InputError naming the input", name, err)
		}
	}
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 10, MaxDepth: 16}
	two := "lldp.eth0.via=LLDP\nlldp.eth0.chassis.name=a\nlldp.eth1.via=LLDP\nlldp.eth1.chassis.name=b\n"
	if _, err := read(t, "n", []byte(two), lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
	lim.MaxItems = 10
	inv, err := read(t, "n", []byte("lldp.eth0.via=LLDP\nlldp.eth0.chassis.name=a-very-long-name\nlldp.eth0.chassis.mgmt-ip=192.0.2.9\n"), lim)
	if err != nil || len(inv.Items) != 1 || inv.Items[0].Name != "192.0.2.9" || len(inv.Unknowns) != 0 {
		t.Errorf("a name past the string limit: %+v %v", inv, err)
	}
	inv, err = read(t, "n", []byte("lldp.eth0.via=LLDP\nlldp.eth0.chassis.name=a\nlldp.eth0.chassis.descr=a-very-long-description\nlldp.eth0.via=LLDP\n"), lim)
	if err != nil || len(inv.Items) != 1 || inv.Items[0].Get(SystemDescription) != "" || len(inv.Unknowns) != 2 {
		t.Errorf("a description past the string limit, a neighbour with nothing to name it by: %+v %v", inv, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := bytes.Repeat([]byte("lldp.eth0.via=LLDP\n"), 5000)
	if _, err := (Reader{}).Read(ctx, "n", bytes.NewReader(big), inventory.DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestSniff takes each format by its start.
func TestSniff(t *testing.T) {
	var got []string
	for _, head := range []string{
		"lldp.eth0.via=LLDP\n",
		"\xef\xbb\xbflldp.eno1.via=LLDP\r\n",
		"{\n  \"lldp\": {\n",
		`{"lldp": [{"interface": [`,
		"R1#show cdp neighbors detail\n-------------------------\nDevice ID: R2\nEntry address(es):\n",
		"Device ID:PERIMETER\nVTP Management Domain Name: null\nInterface address(es):\n",
		// not neighbour tables
		"lldp.=x\n",
		"lldpd is running\n",
		`{"lldp-added": {}}`,
		"Device ID: R2\nLocal Intrfce: Ser 1/0\n",
		"",
	} {
		if (Reader{}).Sniff("x", []byte(head)) {
			got = append(got, head)
		}
	}
	want := []string{
		"lldp.eth0.via=LLDP\n",
		"\xef\xbb\xbflldp.eno1.via=LLDP\r\n",
		"{\n  \"lldp\": {\n",
		`{"lldp": [{"interface": [`,
		"R1#show cdp neighbors detail\n-------------------------\nDevice ID: R2\nEntry address(es):\n",
		"Device ID:PERIMETER\nVTP Management Domain Name: null\nInterface address(es):\n",
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("sniffed (-want +got):\n%s", diff)
	}
}
