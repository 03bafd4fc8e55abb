package djicloud

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// brief is an item as these tests compare it: name, host and its
// attributes but the manufacturer.
func brief(inv *inventory.Inventory) []string {
	var out []string
	for _, it := range inv.Items {
		s := it.Name + " @" + it.Location.Ref + " " + it.Location.Host
		for _, a := range it.Attrs {
			if a.Field != inventory.Manufacturer && a.Field != inventory.Serial {
				s += " " + string(a.Field) + "=" + a.Value
			}
		}
		out = append(out, s)
	}
	return out
}

// TestMalformed: what cannot be read is an unknown at its JSON pointer,
// and the rest of the list is read; a response that is an error, is not
// JSON or exceeds a limit is an InputError naming the input.
func TestMalformed(t *testing.T) {
	small := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 32, MaxDepth: 8}
	for _, c := range []struct {
		name, in string
		lim      inventory.Limits
		items    []string
		unknowns []string
		err      string
		// skipModelNotes leaves out the unknowns of devices without a
		// model, which the case is not about.
		skipModelNotes bool
	}{
		{name: "error response", in: `{"code": 200401, "message": "X-User-Token is invalid"}`,
			err: `x.json: byte 0: DJI's API answered with error 200401 ("X-User-Token is invalid"): the response holds no device list`},
		{name: "error after a list", in: `{"data": {"list": [{"sn": "A1"}]}, "code": "212015", "message": "Device is offline."}`,
			err: `error 212015 ("Device is offline.")`},
		{name: "no list", in: `{"code": 0, "data": {"device_sn": "A1", "device_state": {}}}`, err: "x.json: byte 0: not a DJI device list: no data.list"},
		{name: "empty", in: " \n", err: "x.json: byte 0: the input is empty"},
		{name: "truncated", in: `{"data": {"list": [{"sn": "A1", "device_model": {"key": "0-6`, err: "the JSON ends early: the file is truncated"},
		{name: "not an object", in: `[{"list": []}]`, err: "x.json: byte 0: a JSON array where an object was expected"},
		{name: "not JSON", in: `{"data": {"list": [} }`, err: "x.json: byte 19"},
		{name: "list null", in: `{"code": 0, "data": {"list": null}}`},
		{name: "list not an array", in: `{"data": {"list": {"sn": "A1"}}}`, unknowns: []string{"/data/list : list is a JSON object, not an array"}},
		{name: "entries not objects", in: `{"list": [1, "x", null, {"sn": "A1", "device_model": {"key": "3-1-0"}}]}`,
			items: []string{"DJI Dock @/list/3 dji:A1 model=DJI Dock device_type=drone dock dji_model_key=3-1-0"},
			unknowns: []string{
				"/list/0 : an entry of the list that is a JSON number, not an object",
				"/list/1 : an entry of the list that is a JSON string, not an object",
				"/list/2 : an entry of the list that is a JSON null, not an object",
			}},
		{name: "entry without a device", in: `{"data": {"list": [{"index": "ab12"}]}}`,
			unknowns: []string{"/data/list/0 : an entry of the list with no device: no sn, hosts, host, parents, gateway or drone"}},
		{name: "no serial, bad serial", in: `{"data": {"list": [{"hosts": [{"device_model": {"key": "0-67-0"}}, {"sn": "A 1/2", "device_model": {"key": "0-67-1"}}, "A3"], "parents": [{"sn": "R1", "device_model": {"key": "2-119-0"}}]}]}}`,
			lim:   inventory.Limits{MaxBytes: 1 << 20, MaxItems: 9, MaxString: 32, MaxDepth: 8},
			items: []string{"DJI RC Plus @/data/list/0/parents/0 dji:R1 model=DJI RC Plus device_type=drone remote controller dji_model_key=2-119-0"},
			unknowns: []string{
				"/data/list/0/hosts/2 : a device that is a JSON string, not an object",
				"/data/list/0/hosts/0 : a device without its serial number (sn or device_sn): it cannot be told from others",
				`/data/list/0/hosts/1 : the serial number "A 1/2" is not one (letters, digits, dots, underscores and hyphens)`,
			}},
		{name: "model keys", in: `{"list": [
			{"sn": "K1", "device_model": {"key": "0-67", "domain": "0", "type": "67", "sub_type": "1"}},
			{"sn": "K2", "device_model": {"key": "0-067-0", "domain": 0, "type": 67, "sub_type": 1}},
			{"sn": "K3", "device_model": {"key": "0-500-0"}},
			{"sn": "K4", "device_model": {"domain": "3", "type": "2", "sub_type": "0"}, "device_model_key": "3-2-0"},
			{"sn": "K5"},
			{"sn": "K6", "device_model": "Matrice 30"},
			{"sn": "K7", "device_model": {"key": "x-y-z", "name": "Some Model", "class": "airport"}},
			{"sn": "K8", "device_model": {"key": "0-1", "class": "rc"}},
			{"device_model": {"key": "0-67-0"}}]}`,
			lim: inventory.DefaultLimits,
			items: []string{
				"Matrice 30T @/list/0 dji:K1 model=Matrice 30T device_type=drone dji_model_key=0-67-1",
				"Matrice 30 @/list/1 dji:K2 model=Matrice 30 device_type=drone dji_model_key=0-67-0",
				"DJI drone @/list/2 dji:K3 device_type=drone dji_model_key=0-500-0",
				"DJI Dock 2 @/list/3 dji:K4 model=DJI Dock 2 device_type=drone dock dji_model_key=3-2-0",
				"DJI device @/list/4 dji:K5",
				"DJI device @/list/5 dji:K6",
				"Some Model @/list/6 dji:K7 model=Some Model device_type=drone dock",
				"DJI drone remote controller @/list/7 dji:K8 device_type=drone remote controller",
			},
			unknowns: []string{
				`/list/0 dji:K1: device_model key "0-67" is not domain-type-sub_type`,
				`/list/1 dji:K2: device_model key "0-067-0" and its domain, type and sub_type (0-67-1) disagree: the key is taken`,
				"/list/2 dji:K3: model key 0-500-0 is not in DJI's documented enumeration and the list gives no name: the model is unknown",
				"/list/4 dji:K5: a device without its device_model: the model is unknown",
				"/list/5 dji:K6: device_model is a JSON string, not an object",
				"/list/5 dji:K6: a device without its device_model: the model is unknown",
				`/list/6 dji:K7: device_model key "x-y-z" is not domain-type-sub_type`,
				`/list/7 dji:K8: device_model key "0-1" is not domain-type-sub_type`,
				"/list/7 dji:K8: device_model gives no model key or name: the model is unknown",
				"/list/8 : a device without its serial number (sn or device_sn): it cannot be told from others",
			}},
		{name: "listed twice", in: `{"data": {"list": [
			{"gateway": {"sn": "D1", "device_model": {"key": "3-2-0"}}, "drone": {"sn": "A1", "device_model": {"key": "0-91-1"}}},
			{"gateway": {"sn": "D2", "device_model": {"key": "3-2-0"}}, "drone": {"sn": "A1", "callsign": "night", "firmware_version": "10.1"}},
			{"gateway": {"sn": "D1", "callsign": "east"}, "drone": null}]}}`,
			lim: inventory.DefaultLimits,
			items: []string{
				"DJI Dock 2 @/data/list/0/gateway dji:D1 model=DJI Dock 2 device_type=drone dock hostname=east dji_model_key=3-2-0",
				"Matrice 3TD @/data/list/0/drone dji:A1 model=Matrice 3TD device_type=drone hostname=night firmware=10.1 dji_model_key=0-91-1 dji_gateway=D1 dji_gateway=D2",
				"DJI Dock 2 @/data/list/1/gateway dji:D2 model=DJI Dock 2 device_type=drone dock dji_model_key=3-2-0",
			},
			unknowns: []string{
				"/data/list/1/drone dji:A1: a device without its device_model: the model is unknown",
				"/data/list/2/gateway dji:D1: a device without its device_model: the model is unknown",
			}},
		{name: "two documents", in: `{"code": 0, "data": {"list": [{"sn": "A1", "device_model": {"key": "3-1-0"}}]}}
{"code": 0, "data": {"list": [{"sn": "A2", "device_model": {"key": "3-1-0"}}]}}`,
			items: []string{"DJI Dock @/data/list/0 dji:A1 model=DJI Dock device_type=drone dock dji_model_key=3-1-0",
				"DJI Dock @#2/data/list/0 dji:A2 model=DJI Dock device_type=drone dock dji_model_key=3-1-0"}},
		{name: "bare data, paged", in: `{"pagination": {"page": 1, "page_size": 1, "total": 2}, "list": [{"sn": "A1", "device_model": {"key": "3-1-0"}}]}`,
			items:    []string{"DJI Dock @/list/0 dji:A1 model=DJI Dock device_type=drone dock dji_model_key=3-1-0"},
			unknowns: []string{"/pagination : page 1 of a listing of 2 devices in pages of 1: the devices of the pages after it are not in this input"}},
		{name: "long and bad values", in: "{\"list\": [{\"sn\": \"A1\", \"callsign\": \"a callsign far too long for the limit\", \"firmware_version\": \"v\xff1\", \"device_model\": {\"key\": \"3-1-0\"}}]}",
			items: []string{"DJI Dock @/list/0 dji:A1 model=DJI Dock device_type=drone dock firmware=v\uFFFD1 dji_model_key=3-1-0"},
			unknowns: []string{
				"/list/0 dji:A1: callsign of the device is longer than 32 bytes",
				" : 1 values held bytes that are not UTF-8, read as U+FFFD (the first at byte 96)",
			}},
		{name: "many gateways", in: `{"list": [{"hosts": [{"sn": "A1", "device_model": {"key": "0-67-0"}}], "parents": [` +
			`{"sn": "R1"}, {"sn": "R2"}, {"sn": "R3"}, {"sn": "R4"}, {"sn": "R5"}, {"sn": "R1"}, {"sn": "R6"}, {"sn": "R7"}, {"sn": "R8"}, {"sn": "R9"}]}]}`,
			lim: inventory.Limits{MaxBytes: 1 << 20, MaxItems: 20, MaxString: 32, MaxDepth: 8},
			items: []string{"Matrice 30 @/list/0/hosts/0 dji:A1 model=Matrice 30 device_type=drone dji_model_key=0-67-0 " +
				"dji_gateway=R1 dji_gateway=R2 dji_gateway=R3 dji_gateway=R4 dji_gateway=R5 dji_gateway=R6 dji_gateway=R7 dji_gateway=R8",
				"DJI device @/list/0/parents/0 dji:R1", "DJI device @/list/0/parents/1 dji:R2", "DJI device @/list/0/parents/2 dji:R3",
				"DJI device @/list/0/parents/3 dji:R4", "DJI device @/list/0/parents/4 dji:R5", "DJI device @/list/0/parents/6 dji:R6",
				"DJI device @/list/0/parents/7 dji:R7", "DJI device @/list/0/parents/8 dji:R8", "DJI device @/list/0/parents/9 dji:R9"},
			unknowns:       []string{"/list/0 : the entry pairs its aircraft with more than 8 docks or controllers: the others are not recorded on them"},
			skipModelNotes: true},
		{name: "entry limit", in: `{"list": [{"hosts": [{"sn": "A1"}, {"sn": "A2"}, {"sn": "A3"}]}]}`, err: "x.json: byte 49: an entry of more than 2 devices (the item limit)"},
		{name: "item limit", in: `{"list": [{"sn": "A1"}, {"sn": "A2"}, {"sn": "A1"}, {"sn": "A3"}]}`, err: "x.json: byte 52: more than 2 devices (the item limit)"},
		{name: "depth limit", in: `{"data": {"list": [{"hosts": [{"sn": "A1"}]}]}}`, lim: inventory.Limits{MaxBytes: 1 << 20, MaxItems: 9, MaxString: 32, MaxDepth: 4},
			err: "x.json: byte 30: JSON nested deeper than 4 (the depth limit)"},
		{name: "size limit", in: `{"list": [{"sn": "A1"}]}` + strings.Repeat(" ", 1<<20), err: "input exceeds the size limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			lim := c.lim
			if lim.MaxItems == 0 {
				lim = small
			}
			inv, err := Reader{}.Read(context.Background(), "x.json", strings.NewReader(c.in), lim)
			if c.err != "" {
				var ie *inventory.InputError
				if err == nil || !errors.As(err, &ie) || ie.Source != "x.json" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want an InputError with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.items, brief(inv), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			got := unknowns(inv)
			if c.skipModelNotes {
				got = slices.DeleteFunc(got, func(u string) bool {
					return strings.HasSuffix(u, "a device without its device_model: the model is unknown")
				})
			}
			if diff := cmp.Diff(c.unknowns, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCancelled: a cancelled read stops with the context's error.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := `{"list": [` + strings.Repeat(`{"sn": "A1", "device_model": {"key": "3-1-0"}},`, 2000) + `{"sn": "A2"}]}`
	if _, err := (Reader{}).Read(ctx, "x.json", strings.NewReader(in), inventory.DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
}
