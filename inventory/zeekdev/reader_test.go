package zeekdev

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
	Host      string
	IPs       []string
	MAC       string
	Vendor    string
	Servers   []string
	Subjects  []string
}

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// readDevices reads data and returns its items in the tests' terms, and its
// unknowns as "line: reason".
func readDevices(t *testing.T, data []byte) ([]dev, []string) {
	t.Helper()
	inv, err := read(t, "zeek", data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var ds []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i {
			t.Errorf("item %+v", it)
		}
		d := dev{Name: it.Name, Ref: it.Location.Ref, Line: it.Location.Line, Host: it.Location.Host, MAC: it.Get(inventory.MAC), Vendor: it.Get(VendorClass)}
		for _, a := range it.Attrs {
			switch a.Field {
			case inventory.IP:
				d.IPs = append(d.IPs, a.Value)
			case inventory.HTTPServer:
				d.Servers = append(d.Servers, a.Value)
			case inventory.TLSSubject:
				d.Subjects = append(d.Subjects, a.Value)
			}
		}
		ds = append(ds, d)
	}
	var us []string
	for _, u := range inv.Unknowns {
		us = append(us, u.Location.String()+": "+u.Reason)
	}
	return ds, us
}

func fixture(t *testing.T, names ...string) []byte {
	t.Helper()
	var b []byte
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, data...)
	}
	return b
}

const (
	camSubject = "CN=192.168.1.64,OU=Camera,O=Acme Vision,L=Springfield,C=US"
	nvrSubject = "CN=DH-NVR4208,O=Example NVR Co."
	lostCert   = "1 server certificates of x509.log are named by no ssl.log record of this input: their servers' addresses are unknown (give ssl.log with x509.log)"
)

// TestLogs reads each log in its documented layout (testdata/SOURCES.md),
// alone and all concatenated, when a device's records meet.
func TestLogs(t *testing.T) {
	for _, c := range []struct {
		files    []string
		want     []dev
		unknowns []string
	}{
		{[]string{"dhcp.log"}, []dev{
			{"IPC", "dhcp mac c0:56:e3:00:00:01", 9, "192.168.1.64", []string{"192.168.1.64"}, "c0:56:e3:00:00:01", "udhcp 1.19.4", nil, nil},
			// The RELEASE record names the same MAC and address.
			{"HUAWEI_P30", "dhcp mac d4:6b:a6:00:00:02", 10, "192.168.1.77", []string{"192.168.1.77"}, "d4:6b:a6:00:00:02", "HUAWEI:android:ELE-L29", nil, nil},
			{"nvr-lobby.example.lan", "dhcp mac 08:ed:ed:00:00:03", 12, "192.168.1.108", []string{"192.168.1.108"}, "08:ed:ed:00:00:03", "", nil, nil},
			{"laptop\tx", "dhcp mac 02:42:ac:11:00:02", 13, "192.168.1.90", []string{"192.168.1.90"}, "02:42:ac:11:00:02", "", nil, nil},
		}, nil},
		{[]string{"known_devices.log"}, []dev{
			{"nvr-lobby", "known_devices mac 08:ed:ed:00:00:03", 9, "08:ed:ed:00:00:03", nil, "08:ed:ed:00:00:03", "", nil, nil},
			{"bc:ad:28:00:00:05", "known_devices mac bc:ad:28:00:00:05", 10, "bc:ad:28:00:00:05", nil, "bc:ad:28:00:00:05", "", nil, nil},
			{"DS-7608NI", "known_devices mac bc:ad:28:00:00:06", 11, "bc:ad:28:00:00:06", nil, "bc:ad:28:00:00:06", "", nil, nil},
		}, nil},
		{[]string{"software.log"}, []dev{
			{"192.168.1.64", "software host 192.168.1.64", 9, "192.168.1.64", []string{"192.168.1.64"}, "", "", []string{"App-webs/"}, nil},
			// No unparsed_version: the name and the parsed version.
			{"192.168.1.108", "software host 192.168.1.108", 11, "192.168.1.108", []string{"192.168.1.108"}, "", "", []string{"lighttpd/1.4.59"}, nil},
			{"192.168.1.120", "software host 192.168.1.120", 12, "192.168.1.120", []string{"192.168.1.120"}, "",
				"dhcpcd-9.4.1:Linux-5.10.0:armv7l:Hikvision", nil, nil},
		}, nil},
		{[]string{"ssl-x509.log"}, []dev{
			// The server at 203.0.113.10 is on the internet: not read.
			{"192.168.1.64", "ssl host 192.168.1.64", 9, "192.168.1.64", []string{"192.168.1.64"}, "", "", nil, []string{camSubject}},
		}, []string{"zeek:23: " + lostCert}},
		{[]string{"known_certs.log"}, []dev{
			{"192.168.1.108", "known_certs host 192.168.1.108", 9, "192.168.1.108", []string{"192.168.1.108"}, "", "", nil, []string{nvrSubject}},
		}, nil},
		{[]string{"devices.json"}, []dev{
			{"IPC", "dhcp mac c0:56:e3:00:00:01", 1, "192.168.1.64", []string{"192.168.1.64"}, "c0:56:e3:00:00:01", "udhcp 1.19.4", []string{"App-webs/"}, []string{camSubject}},
		}, nil},
		{[]string{"software.log", "known_certs.log", "ssl-x509.log", "dhcp.log", "known_devices.log"}, []dev{
			{"IPC", "dhcp mac c0:56:e3:00:00:01", 56, "192.168.1.64", []string{"192.168.1.64"}, "c0:56:e3:00:00:01", "udhcp 1.19.4", []string{"App-webs/"}, []string{camSubject}},
			{"HUAWEI_P30", "dhcp mac d4:6b:a6:00:00:02", 57, "192.168.1.77", []string{"192.168.1.77"}, "d4:6b:a6:00:00:02", "HUAWEI:android:ELE-L29", nil, nil},
			{"nvr-lobby", "dhcp mac 08:ed:ed:00:00:03", 59, "192.168.1.108", []string{"192.168.1.108"}, "08:ed:ed:00:00:03", "", []string{"lighttpd/1.4.59"}, []string{nvrSubject}},
			{"laptop\tx", "dhcp mac 02:42:ac:11:00:02", 60, "192.168.1.90", []string{"192.168.1.90"}, "02:42:ac:11:00:02", "", nil, nil},
			{"bc:ad:28:00:00:05", "known_devices mac bc:ad:28:00:00:05", 71, "bc:ad:28:00:00:05", nil, "bc:ad:28:00:00:05", "", nil, nil},
			{"DS-7608NI", "known_devices mac bc:ad:28:00:00:06", 72, "bc:ad:28:00:00:06", nil, "bc:ad:28:00:00:06", "", nil, nil},
			{"192.168.1.120", "software host 192.168.1.120", 12, "192.168.1.120", []string{"192.168.1.120"}, "", "dhcpcd-9.4.1:Linux-5.10.0:armv7l:Hikvision", nil, nil},
		}, []string{"zeek:46: " + lostCert}},
	} {
		t.Run(strings.Join(c.files, "+"), func(t *testing.T) {
			data := fixture(t, c.files...)
			if !(Reader{}).Sniff(c.files[0], data[:min(len(data), 8<<10)]) {
				t.Error("not recognised")
			}
			got, unknowns := readDevices(t, data)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadErrors: input that is not a Zeek log, or past the limits, is an
// error naming the input.
func TestReadErrors(t *testing.T) {
	for name, data := range map[string]string{
		"empty":      "",
		"plain text": "mac\tip\n00:11:22:33:44:55\t10.0.0.1\n",
	} {
		_, err := read(t, "z.log", []byte(data), inventory.DefaultLimits)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "z.log" {
			t.Errorf("%s: %v, want an InputError naming the input", name, err)
		}
	}
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 12, MaxDepth: 8}
	if _, err := read(t, "z", fixture(t, "dhcp.log"), lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
	lim.MaxItems = 10
	inv, err := read(t, "z", fixture(t, "dhcp.log"), lim)
	if err != nil || len(inv.Items) != 4 || inv.Items[2].Name != "192.168.1.108" || inv.Items[1].Get(VendorClass) != "" || len(inv.Unknowns) != 2 {
		t.Errorf("string limit: %+v %v", inv, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := bytes.Repeat([]byte(`{"mac":"00:11:22:33:44:55","msg_types":["ACK"]}`+"\n"), 5000)
	if _, err := (Reader{}).Read(ctx, "z", bytes.NewReader(big), inventory.DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
