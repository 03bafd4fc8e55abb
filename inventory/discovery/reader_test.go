package discovery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func read(t *testing.T, name string, data []byte) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), inventory.DefaultLimits)
}

// TestRead reads a run: probers' attributes in the document's prober
// order whatever the JSON's member order, the MAC from the neighbour
// table, a prober's fault and a foreign field as unknowns of their host,
// an interrupted run as an unknown of the document.
func TestRead(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !(Reader{}).Sniff("run.json", data) {
		t.Fatal("Sniff refused a discovery document")
	}
	inv, err := read(t, "run.json", data)
	if err != nil {
		t.Fatal(err)
	}
	type dev struct {
		Name, Ref, Host string
		Attrs           []string
	}
	var got []dev
	for _, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" {
			t.Errorf("%s: type %q ecosystem %q id %q", it.Name, it.Type, it.Ecosystem, it.ID)
		}
		d := dev{Name: it.Name, Ref: it.Location.Ref, Host: it.Location.Host}
		for _, a := range it.Attrs {
			d.Attrs = append(d.Attrs, string(a.Field)+"="+a.Value)
		}
		got = append(got, d)
	}
	want := []dev{
		{"ACME-CAM-4", "hosts[0]", "10.250.0.10", []string{"ip=10.250.0.10", "mac=44:47:cc:4e:4c:0a",
			"snmp_sysobjectid=1.3.6.1.4.1.39165.1.1", "snmp_sysdescr=Acme camera", "hostname=cam1",
			"http_server=Acme-Webs", "http_title=Acme",
			"manufacturer=Acme", "model=ACME-CAM-4", "firmware=V1.0", "serial=ACME-0001"}},
		{"10.250.0.11", "hosts[1]", "10.250.0.11", []string{"ip=10.250.0.11", "http_server=lighttpd"}},
		{"homecam", "hosts[2]", "10.250.0.12", []string{"ip=10.250.0.12", "mac=02:4e:4c:00:00:0c", "mdns_service=_http._tcp", "hostname=homecam"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	var unknowns []string
	for _, u := range inv.Unknowns {
		unknowns = append(unknowns, u.Location.Ref+" "+u.Location.Host+": "+u.Reason)
	}
	wantU := []string{
		" : the discovery run was interrupted (context canceled): addresses after that were not probed",
		"hosts[0] 10.250.0.10: ssdp: description XML at line 3: unexpected EOF",
		`hosts[1] 10.250.0.11: http: the attribute "purl" is not one discovery writes`,
	}
	if d := cmp.Diff(wantU, unknowns); d != "" {
		t.Errorf("unknowns (-want +got):\n%s", d)
	}
}

// TestReadErrors: what is not a discovery document is an error naming
// the input and the offset.
func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "empty.json: byte 0: empty document"},
		{"truncated", `{"format": "embargo-discovery/1", "hosts": [`, "truncated.json"},
		{"other format", `{"format": "embargo-discovery/9", "hosts": []}`, `other format.json:1: format "embargo-discovery/9" is not "embargo-discovery/1"`},
		{"bad address", `{"format": "embargo-discovery/1", "hosts": [{"address": "10.0.0.300"}]}`, "bad address.json"},
		{"wrong type", `{"format": "embargo-discovery/1", "hosts": {}}`, "wrong type.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := read(t, c.name+".json", []byte(c.in))
			if err == nil || !bytes.HasPrefix([]byte(err.Error()), []byte(c.want)) {
				t.Fatalf("error %v, want one starting %q", err, c.want)
			}
		})
	}
}

// TestSniff takes only documents of this format.
func TestSniff(t *testing.T) {
	for in, want := range map[string]bool{
		`{"format":"embargo-discovery/1"}`:               true,
		"\ufeff {\n \"format\": \"embargo-discovery/1\"": true,
		`{"format": "embargo-discovery/2"}`:              false,
		`[{"format": "embargo-discovery/1"}]`:            false,
		`<nmaprun>`:                                      false,
	} {
		if got := (Reader{}).Sniff("x", []byte(in)); got != want {
			t.Errorf("Sniff(%q) = %v", in, got)
		}
	}
}
