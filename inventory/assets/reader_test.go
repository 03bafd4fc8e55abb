package assets

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
	"golang.org/x/text/encoding/unicode"

	"github.com/embargo-dev/embargo/inventory"
)

// dev is what a test compares of a device.
type dev struct {
	Name, Version, Ref, Host string
	Line                     int
	Attrs                    []string
}

func devs(t *testing.T, inv *inventory.Inventory) []dev {
	t.Helper()
	var out []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i {
			t.Errorf("item %+v", it)
		}
		d := dev{Name: it.Name, Version: it.Version, Ref: it.Location.Ref, Host: it.Location.Host, Line: it.Location.Line}
		for _, a := range it.Attrs {
			d.Attrs = append(d.Attrs, string(a.Field)+"="+a.Value)
		}
		out = append(out, d)
	}
	return out
}

func unknowns(inv *inventory.Inventory) []string {
	var out []string
	for _, u := range inv.Unknowns {
		out = append(out, u.Location.String()+" "+u.Location.Host+": "+u.Reason)
	}
	return out
}

func read(t *testing.T, name string, data []byte) *inventory.Inventory {
	t.Helper()
	if !(Reader{}).Sniff(name, data[:min(len(data), 8<<10)]) {
		t.Errorf("%s: not recognised", name)
	}
	inv, err := Reader{}.Read(context.Background(), name, bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestRead reads registers as departments keep them: columns in any
// order under their synonyms, comma or semicolon, a BOM and CRLF, quoted
// values with separators, quotes and line breaks, several MACs in a cell
// or in two columns, MACs in three notations, IPv6, a row with an address
// only, a row with no device, bad addresses.
func TestRead(t *testing.T) {
	for _, c := range []struct {
		file, format string
		want         []dev
		unknowns     []string
	}{
		{"register.csv", "asset register CSV (comma-separated)", []dev{
			{"AC-2000", "V5.5.3 build 180504", "row 1", "10.20.0.4", 2, []string{"ip=10.20.0.4", "mac=3c:ef:8c:10:20:04", "manufacturer=Acme", "model=AC-2000",
				"serial=AC20-77341", "firmware=V5.5.3 build 180504", "hostname=cam-lobby", "asset_tag=FAC-0001", "device_type=camera", "site=HQ / A / Lobby"}},
			{"DS-7608NI-K2", "V4.22.005", "row 2", "10.20.0.2", 3, []string{"ip=10.20.0.2", "mac=04:03:12:aa:bb:01", "mac=04:03:12:aa:bb:02", "manufacturer=Hikvision",
				"model=DS-7608NI-K2", "serial=DS-7608NI-K20820190412CCRRD12345678", "firmware=V4.22.005", "hostname=nvr-gate", "asset_tag=FAC-0002",
				"device_type=recorder", "site=HQ / A / Server room, rack 2"}},
			{"IPC-HDW2431T", "", "row 3", "2001:db8:20::9", 4, []string{"ip=2001:db8:20::9", "manufacturer=Dahua", "model=IPC-HDW2431T", "serial=6J0A1B2PAZ11D4E",
				"asset_tag=FAC-0003", "device_type=camera", "site=Depot\nNorth"}},
			{"AR651", "V300R021C00", "row 4", "00:e0:fc:12:34:56", 6, []string{"mac=00:e0:fc:12:34:56", "manufacturer=Huawei", "model=AR651", "serial=2102113089P0K8001234",
				"firmware=V300R021C00", "asset_tag=FAC-0004", "device_type=router", "site=HQ / B"}},
			{"LNB8005", "", "row 6", "10.20.0.99", 9, []string{"ip=10.20.0.99", "manufacturer=Lorex", "model=LNB8005", "asset_tag=FAC-0006", "device_type=camera"}},
			{"UAP-AC-PRO", "", "row 7", "", 10, []string{"manufacturer=Ubiquiti", "model=UAP-AC-PRO", "asset_tag=FAC-0007", "device_type=access point"}},
		}, []string{
			"register.csv:7 row 5 : a row without a manufacturer, model, serial, address, MAC, host name or asset tag",
			`register.csv:9 row 6 10.20.0.99: column "MAC Address": "not-a-mac" is not a MAC address`,
			`register.csv:10 row 7 : column "IP Address": "10.20.0.300" is not an IP address`,
		}},
		{"register-semicolon.csv", "asset register CSV (semicolon-separated)", []dev{
			{"DS-2CD2143G2-I", "", "row 1", "192.168.10.21", 2, []string{"ip=192.168.10.21", "mac=04:03:12:00:aa:01", "manufacturer=Hikvision", "model=DS-2CD2143G2-I",
				"serial=G12345678", "site=Lager; Halle 3"}},
			{"TL-SG108", "", "row 2", "192.168.10.2", 3, []string{"ip=192.168.10.2", "mac=50:c7:bf:01:02:03", "mac=50:c7:bf:01:02:04", "manufacturer=TP-Link",
				"model=TL-SG108", "site=Halle 3", "tags=s889-no-user-data", "tags=lab"}},
		}, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			inv := read(t, c.file, data)
			if diff := cmp.Diff(c.want, devs(t, inv)); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns(inv), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
			if inv.Format != c.format {
				t.Errorf("format %q", inv.Format)
			}
		})
	}
}

// Excel's "Unicode Text" (UTF-16 with a BOM, tabs) and its western
// Windows "CSV" (Windows-1252) are read; a row of the wrong length or
// with broken quotes is an unknown at its line.
func TestReadEncodings(t *testing.T) {
	tab := "Brand\tModel\tSerial No\tLocation\r\nHikvision\tDS-2CD2043G0-I\tE1234\tBüro 1\r\n"
	wide, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(tab))
	if err != nil {
		t.Fatal(err)
	}
	inv := read(t, "wide.txt", wide)
	if diff := cmp.Diff([]dev{{"DS-2CD2043G0-I", "", "row 1", "", 2, []string{"manufacturer=Hikvision", "model=DS-2CD2043G0-I", "serial=E1234", "site=Büro 1"}}}, devs(t, inv)); diff != "" || inv.Format != "asset register CSV (tab-separated)" {
		t.Errorf("%s (-want +got):\n%s", inv.Format, diff)
	}

	ansi := "Vendor,Model,MAC\nM\xfcller GmbH,X1,00:11:22:33:44:55\nA,\"B\"x,00:11:22:33:44:56\nC,D,00:11:22:33:44:57,extra\nE,F\n"
	inv = read(t, "ansi.csv", []byte(ansi))
	if diff := cmp.Diff([]string{"X1 Müller GmbH", "F E"}, names(inv)); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		`ansi.csv:3 row 2 : not a CSV row: extraneous or missing " in quoted-field`,
		"ansi.csv:4 row 3 : 4 fields where the header has 3",
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}

func names(inv *inventory.Inventory) []string {
	var out []string
	for _, it := range inv.Items {
		out = append(out, it.Name+" "+it.Get(inventory.Manufacturer))
	}
	return out
}

// Files that are not registers, and limits, are errors naming the input.
func TestReadErrors(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 20, MaxDepth: 4}
	for name, s := range map[string]string{
		"empty":      "",
		"no maker":   "Model,Serial\nX,1\n",
		"maker only": "Manufacturer,Location\nHikvision,HQ\n",
		"bad header": "Manufacturer,\"Model\n",
		"items":      "Make,Model\nA,B\nC,D\n",
		"bytes":      "Make,Model\n" + strings.Repeat("A,B\n", 1<<18),
	} {
		_, err := Reader{}.Read(context.Background(), "r.csv", strings.NewReader(s), lim)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "r.csv" {
			t.Errorf("%s: %v, want an InputError", name, err)
		}
	}
	inv, err := Reader{}.Read(context.Background(), "r.csv", strings.NewReader("Make,Model\nHikvision,"+strings.Repeat("X", 30)+"\n"), lim)
	if err != nil || len(inv.Items) != 0 || len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "longer than 20") {
		t.Errorf("string limit: %+v %v", inv, err)
	}
}

// Sniff takes a header with a manufacturer and a model, serial or address
// column, under any synonym and separator.
func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		"Manufacturer,Model,Serial\n":                  true,
		"\xef\xbb\xbfmake;ip address;room\r\n":         true,
		"\"Asset Tag\"\t\"Brand\"\t\"S/N\"\n":          true,
		"Vendor,MAC 2\n":                               true,
		"Manufacturer,Location\n":                      false,
		"Model,Serial Number,IP\n":                     false,
		"Package,Version,Vendor\n":                     false,
		"10.0.0.7 dev eth0 lladdr 00:11:22:33:44:55\n": false,
		"": false,
	} {
		if got := (Reader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", head, got, want)
		}
	}
}
