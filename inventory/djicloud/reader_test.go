package djicloud

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// dev is what a test compares of a device item.
type dev struct {
	Name, Version, Ref, Host string
	Attrs                    []string
}

func devs(t *testing.T, inv *inventory.Inventory) []dev {
	t.Helper()
	var out []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i || it.Location.Source != inv.Source {
			t.Errorf("item %+v", it)
		}
		d := dev{Name: it.Name, Version: it.Version, Ref: it.Location.Ref, Host: it.Location.Host}
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
		out = append(out, u.Location.Ref+" "+u.Location.Host+": "+u.Reason)
	}
	return out
}

func readFile(t *testing.T, file string) *inventory.Inventory {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if !(Reader{}).Sniff(file, data[:min(len(data), 8<<10)]) {
		t.Errorf("%s: not recognised", file)
	}
	inv, err := Reader{}.Read(context.Background(), file, bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestRead reads each documented shape: the Cloud API topology, the
// FlightHub 2 OpenAPI organisation list (an aircraft under two docks, a
// dock without its aircraft, a controller as gateway), a FlightHub Sync
// project list's first page (later pages missing) and its last page (a
// model the table does not hold, named by the list), and a FlightHub Sync
// project topology with firmware in device_state and data before code.
func TestRead(t *testing.T) {
	for _, c := range []struct {
		file, format string
		want         []dev
		unknowns     []string
	}{
		{"cloudapi-topology.json", "DJI Cloud API device topology JSON", []dev{
			{"Matrice 30T", "", "/data/list/0/hosts/0", "dji:1581F5BKD23A100B0001", []string{"manufacturer=DJI", "model=Matrice 30T",
				"serial=1581F5BKD23A100B0001", "device_type=drone", "hostname=Bridge survey 1", "dji_model_key=0-67-1", "dji_gateway=4LFCL1A0010001"}},
			{"DJI RC Plus", "", "/data/list/0/parents/0", "dji:4LFCL1A0010001", []string{"manufacturer=DJI", "model=DJI RC Plus",
				"serial=4LFCL1A0010001", "device_type=drone remote controller", "hostname=RC north", "dji_model_key=2-119-0"}},
			{"Matrice 300 RTK", "", "/data/list/1/hosts/0", "dji:1ZNBJ3A00C0002", []string{"manufacturer=DJI", "model=Matrice 300 RTK",
				"serial=1ZNBJ3A00C0002", "device_type=drone", "dji_model_key=0-60-0", "dji_gateway=1ZMBH3A0030002"}},
			{"DJI Smart Controller Enterprise", "", "/data/list/1/parents/0", "dji:1ZMBH3A0030002", []string{"manufacturer=DJI",
				"model=DJI Smart Controller Enterprise", "serial=1ZMBH3A0030002", "device_type=drone remote controller", "hostname=Spare controller", "dji_model_key=2-56-0"}},
		}, nil},
		{"fh2-org-devices.json", "DJI FlightHub 2 OpenAPI device list JSON", []dev{
			{"DJI Dock 2", "", "/data/list/0/gateway", "dji:7CTDM3A00B0101", []string{"manufacturer=DJI", "model=DJI Dock 2",
				"serial=7CTDM3A00B0101", "device_type=drone dock", "hostname=Depot dock", "dji_model_key=3-2-0"}},
			{"Matrice 3TD", "", "/data/list/0/drone", "dji:1581F6Q8X24A100D0101", []string{"manufacturer=DJI", "model=Matrice 3TD",
				"serial=1581F6Q8X24A100D0101", "device_type=drone", "hostname=M3TD-1", "dji_model_key=0-91-1", "dji_gateway=7CTDM3A00B0101", "dji_gateway=8UUXN3A00A0102"}},
			{"DJI Dock 3", "", "/data/list/1/gateway", "dji:8UUXN3A00A0102", []string{"manufacturer=DJI", "model=DJI Dock 3",
				"serial=8UUXN3A00A0102", "device_type=drone dock", "hostname=River dock", "dji_model_key=3-3-0"}},
			{"DJI Dock 2", "", "/data/list/2/gateway", "dji:7CTDM3A00B0103", []string{"manufacturer=DJI", "model=DJI Dock 2",
				"serial=7CTDM3A00B0103", "device_type=drone dock", "hostname=Spare dock", "dji_model_key=3-2-0"}},
			{"DJI RC Plus 2", "", "/data/list/3/gateway", "dji:9N9CM3A0010104", []string{"manufacturer=DJI", "model=DJI RC Plus 2",
				"serial=9N9CM3A0010104", "device_type=drone remote controller", "hostname=Pilot 1", "dji_model_key=2-174-0"}},
			{"Matrice 4T", "", "/data/list/3/drone", "dji:1581F8HGX24A100E0104", []string{"manufacturer=DJI", "model=Matrice 4T",
				"serial=1581F8HGX24A100E0104", "device_type=drone", "hostname=Matrice 4T", "dji_model_key=0-99-1", "dji_gateway=9N9CM3A0010104"}},
		}, nil},
		{"fh-sync-project-devices-1.json", "DJI FlightHub Sync project device list JSON", []dev{
			{"Matrice 350 RTK", "", "/data/list/0", "dji:1581F6GKB24A100F0201", []string{"manufacturer=DJI", "model=Matrice 350 RTK",
				"serial=1581F6GKB24A100F0201", "device_type=drone", "hostname=M350 RTK", "dji_model_key=0-89-0"}},
			{"Matrice 4E", "", "/data/list/1", "dji:1581F7FVC24A100F0202", []string{"manufacturer=DJI", "model=Matrice 4E",
				"serial=1581F7FVC24A100F0202", "device_type=drone", "hostname=Matrice 4E", "dji_model_key=0-99-0"}},
			{"DJI RC Pro Enterprise", "", "/data/list/2", "dji:5YSZK3A0010203", []string{"manufacturer=DJI", "model=DJI RC Pro Enterprise",
				"serial=5YSZK3A0010203", "device_type=drone remote controller", "hostname=RM510", "dji_model_key=2-144-0"}},
		}, []string{"/data/pagination : page 1 of a listing of 5 devices in pages of 3: the devices of the pages after it are not in this input"}},
		{"fh-sync-project-devices-2.json", "DJI FlightHub Sync project device list JSON", []dev{
			{"Test Aircraft X", "", "/data/list/0", "dji:1581F9ZZZ24A100F0204", []string{"manufacturer=DJI", "model=Test Aircraft X",
				"serial=1581F9ZZZ24A100F0204", "device_type=drone", "hostname=Test Aircraft X", "dji_model_key=0-998-0"}},
			{"DJI RC Plus", "", "/data/list/1", "dji:4LFCL1A0010205", []string{"manufacturer=DJI", "model=DJI RC Plus",
				"serial=4LFCL1A0010205", "device_type=drone remote controller", "hostname=DJI RC Plus", "dji_model_key=2-119-0"}},
		}, nil},
		{"fh-sync-project-topology.json", "DJI FlightHub Sync project topology JSON", []dev{
			{"Matrice 3D", "10.01.32.05", "/data/list/0/host", "dji:1581F6Q8D24A100G0301", []string{"manufacturer=DJI", "model=Matrice 3D",
				"serial=1581F6Q8D24A100G0301", "device_type=drone", "hostname=Roof inspection", "firmware=10.01.32.05", "dji_model_key=0-91-0", "dji_gateway=7CTDM3A00B0302"}},
			{"DJI Dock 2", "10.01.32.05", "/data/list/0/parents/0", "dji:7CTDM3A00B0302", []string{"manufacturer=DJI", "model=DJI Dock 2",
				"serial=7CTDM3A00B0302", "device_type=drone dock", "hostname=Dock on the roof", "firmware=10.01.32.05", "dji_model_key=3-2-0"}},
		}, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			inv := readFile(t, c.file)
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

// TestPages: the first page's unknown (later pages missing) is dropped
// when the last page of the same listing is read with it, and stays when
// it is read alone.
func TestPages(t *testing.T) {
	first, last := readFile(t, "fh-sync-project-devices-1.json"), readFile(t, "fh-sync-project-devices-2.json")
	if len(first.Pages) != 1 || first.Pages[0].Next == "" || len(last.Pages) != 1 || last.Pages[0].Next != "" {
		t.Fatalf("pages %+v %+v", first.Pages, last.Pages)
	}
	if len(first.Unknowns) != 1 || first.Unknowns[0].Location != first.Pages[0].Location {
		t.Fatalf("the first page's unknown %+v is not at its page %+v", first.Unknowns, first.Pages[0])
	}
	if got := inventory.FollowedPages(append(first.Pages, last.Pages...)); !got[first.Unknowns[0].Location] {
		t.Errorf("the first page is not followed when the last is read: %v", got)
	}
	if got := inventory.FollowedPages(first.Pages); len(got) != 0 {
		t.Errorf("the first page alone is followed: %v", got)
	}
}

// TestSniff recognises every test file and its data object alone, and
// no other reader's JSON: a Workspace ONE device search, an Intune Graph
// page, a CycloneDX BOM, a FlightHub 2 device state (no list), a DJI error
// response.
func TestSniff(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(files) < 5 {
		t.Fatalf("%d test files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !(Reader{}).Sniff(f, data) {
			t.Errorf("%s not recognised", f)
		}
	}
	for _, c := range []struct {
		head string
		want bool
	}{
		{"\xef\xbb\xbf\n {\"list\": [{\"sn\": \"X1\", \"device_model\": {\"key\": \"0-67-0\", \"sub_type\": \"0\"}}]}", true},
		{`{"pagination": {"page": 1}, "list": [{"device_sn": "X1", "device_model_key": "0-67-0"}]}`, true},
		{`{"Devices": [{"Id": {"Value": 1}, "Model": "iPad"}], "Page": 0, "PageSize": 500}`, false},
		{`{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices", "value": [{"model": "x"}]}`, false},
		{`{"bomFormat": "CycloneDX", "components": [{"name": "list", "type": "device"}]}`, false},
		{`{"code": 0, "data": {"device_sn": "X1", "device_state": {"firmware_version": "1"}}}`, false},
		{`{"code": 200401, "message": "X-User-Token is invalid"}`, false},
		{`[{"list": [], "device_model": {"sub_type": "0"}}]`, false},
	} {
		if got := (Reader{}).Sniff("x.json", []byte(c.head)); got != c.want {
			t.Errorf("Sniff(%q) = %v", c.head, got)
		}
	}
}
