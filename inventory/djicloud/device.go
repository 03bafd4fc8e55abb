package djicloud

import (
	"fmt"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// Roles of a device in an entry of a list.
const (
	roleDrone   = "drone"
	roleGateway = "gateway"
)

// groups are the members of a list entry that hold devices, with the role
// of their devices and the shape of listing they mark.
var groups = map[string]struct{ role, shape string }{
	"hosts":   {roleDrone, "Cloud API device topology"},
	"parents": {roleGateway, ""},
	"host":    {roleDrone, "FlightHub Sync project topology"},
	"drone":   {roleDrone, "FlightHub 2 OpenAPI device list"},
	"gateway": {roleGateway, "FlightHub 2 OpenAPI device list"},
}

var (
	deviceFields = jsonwalk.Paths("sn", "device_sn", "device_model_key",
		"device_model/key", "device_model/domain", "device_model/type", "device_model/sub_type",
		"device_model/name", "device_model/class",
		"device_project_callsign", "device_callsign", "callsign", "nickname", "device_organization_callsign",
		"firmware_version", "device_state/firmware_version")
	groupLists = func() map[string]bool {
		m := map[string]bool{}
		for k := range groups {
			m[k] = true
		}
		return m
	}()
)

// maxGateways bounds the gateways recorded on an aircraft: DJI pairs an
// aircraft with a controller, or with two docks for a leapfrog mission.
const maxGateways = 8

// found is a device record read, with its role in its entry.
type found struct {
	rec  *jsonwalk.Record
	role string
}

// builder collects the devices of one input.
type builder struct {
	source string
	lim    inventory.Limits
	inv    *inventory.Inventory
	devs   []*device
	at     map[string]int // serial → index in devs
	shapes map[string]bool
}

// device is what the input says of one device.
type device struct {
	serial, key, model, typ, callsign, firmware string
	gateways                                    []string
	loc                                         inventory.Location
}

// entry reads one entry of a list: a device, or a group of devices
// (hosts and parents, host and parents, gateway and drone).
func (b *builder) entry(w *jsonwalk.Walker, loc inventory.Location) error {
	rec := jsonwalk.NewRecord(loc)
	var in []found
	err := w.Fields(rec, deviceFields, groupLists, "", loc.Ref, func(path, ptr string, off int64) error {
		g := groups[path]
		k, _ := w.Peek()
		if k == 'n' {
			return w.Skip()
		}
		if g.shape != "" {
			b.shapes[g.shape] = true
		}
		if k == '[' {
			return w.Array(func(i int, off int64) error {
				return b.record(w, inventory.Location{Source: b.source, Ref: fmt.Sprintf("%s/%d", ptr, i), Offset: off}, g.role, &in)
			})
		}
		return b.record(w, inventory.Location{Source: b.source, Ref: ptr, Offset: off}, g.role, &in)
	})
	if err != nil {
		return err
	}
	if len(in) == 0 {
		if len(rec.Vals) == 0 {
			b.notes(rec.Notes, "")
			b.unknown(loc, "", "an entry of the list with no device: no sn, hosts, host, parents, gateway or drone")
			return nil
		}
		b.shapes["FlightHub Sync project device list"] = true
		in = append(in, found{rec: rec})
	} else {
		b.notes(rec.Notes, "")
	}
	var gateways []string
	for _, f := range in {
		if sn := serialOf(f.rec); f.role == roleGateway && inventory.ValidDeviceID(sn) && !slices.Contains(gateways, sn) {
			if len(gateways) == maxGateways {
				b.unknown(loc, "", fmt.Sprintf("the entry pairs its aircraft with more than %d docks or controllers: the others are not recorded on them", maxGateways))
				break
			}
			gateways = append(gateways, sn)
		}
	}
	for _, f := range in {
		var gw []string
		if f.role == roleDrone {
			gw = gateways
		}
		if err := b.add(f, gw); err != nil {
			return err
		}
	}
	return nil
}

// record reads one device record of a group.
func (b *builder) record(w *jsonwalk.Walker, loc inventory.Location, role string, in *[]found) error {
	if k, _ := w.Peek(); k != '{' {
		b.unknown(loc, "", fmt.Sprintf("a device that is a JSON %s, not an object", jsonwalk.KindName(k)))
		return w.Skip()
	}
	if len(*in) >= b.lim.MaxItems {
		return &inventory.InputError{Source: b.source, Offset: loc.Offset, Err: fmt.Errorf("an entry of more than %d devices (the item limit)", b.lim.MaxItems)}
	}
	rec := jsonwalk.NewRecord(loc)
	if err := w.Fields(rec, deviceFields, nil, "", loc.Ref, nil); err != nil {
		return err
	}
	*in = append(*in, found{rec: rec, role: role})
	return nil
}

// add adds the device a record describes, or what it adds to a device
// listed before, keeping to the item limit.
func (b *builder) add(f found, gateways []string) error {
	rec, limit := f.rec, b.lim.MaxString
	serial := rec.Pick(limit, "sn", "device_sn")
	key, model := b.model(rec)
	host := ""
	switch {
	case serial == "":
		b.unknown(rec.Loc, model, "a device without its serial number (sn or device_sn): it cannot be told from others")
	case !inventory.ValidDeviceID(serial):
		b.unknown(rec.Loc, model, fmt.Sprintf("the serial number %q is not one (letters, digits, dots, underscores and hyphens)", inventory.Clip(serial)))
	default:
		host = inventory.DeviceHost("dji", serial)
	}
	if host == "" {
		b.notes(rec.Notes, "")
		return nil
	}
	d := &device{serial: serial, key: key, model: model, typ: deviceType(key, rec.Pick(limit, "device_model/class"), f.role),
		callsign: rec.Pick(limit, "device_project_callsign", "device_callsign", "callsign", "nickname", "device_organization_callsign"),
		firmware: rec.Pick(limit, "firmware_version", "device_state/firmware_version"), gateways: gateways, loc: rec.Loc}
	b.notes(rec.Notes, host)
	if i, ok := b.at[serial]; ok {
		b.devs[i].merge(d)
		return nil
	}
	if len(b.devs) >= b.lim.MaxItems {
		return &inventory.InputError{Source: b.source, Offset: rec.Loc.Offset, Err: fmt.Errorf("more than %d devices (the item limit)", b.lim.MaxItems)}
	}
	b.at[serial] = len(b.devs)
	b.devs = append(b.devs, d)
	return nil
}

// model reads a record's model key and names its model: by DJI's
// enumeration, else by the list's own name. What disagrees or is missing
// is noted in rec.
func (b *builder) model(rec *jsonwalk.Record) (key, name string) {
	limit := b.lim.MaxString
	given := rec.Pick(limit, "device_model/key", "device_model_key")
	parts, partsOK := joinKey(rec.Vals["device_model/domain"], rec.Vals["device_model/type"], rec.Vals["device_model/sub_type"])
	switch k, ok := parseKey(given); {
	case ok:
		key = k
		if partsOK && parts != k {
			rec.Note(rec.Loc, "", fmt.Sprintf("device_model key %q and its domain, type and sub_type (%s) disagree: the key is taken", inventory.Clip(given), parts))
		}
	case given != "":
		rec.Note(rec.Loc, "", fmt.Sprintf("device_model key %q is not domain-type-sub_type", inventory.Clip(given)))
		fallthrough
	default:
		if partsOK {
			key = parts
		}
	}
	listed := rec.Pick(limit, "device_model/name")
	switch name = models[key]; {
	case name != "":
	case listed != "":
		name = listed
	case key != "":
		rec.Note(rec.Loc, "", fmt.Sprintf("model key %s is not in DJI's documented enumeration and the list gives no name: the model is unknown", key))
	case given != "" || rec.Vals["device_model/domain"]+rec.Vals["device_model/type"]+rec.Vals["device_model/sub_type"]+rec.Vals["device_model/class"] != "":
		rec.Note(rec.Loc, "", "device_model gives no model key or name: the model is unknown")
	default:
		rec.Note(rec.Loc, "", "a device without its device_model: the model is unknown")
	}
	return key, name
}

// merge adds what d2, the same device listed again, says that d does not.
func (d *device) merge(d2 *device) {
	for _, f := range []struct{ to, from *string }{{&d.key, &d2.key}, {&d.model, &d2.model}, {&d.typ, &d2.typ}, {&d.callsign, &d2.callsign}, {&d.firmware, &d2.firmware}} {
		if *f.to == "" {
			*f.to = *f.from
		}
	}
	for _, g := range d2.gateways {
		if len(d.gateways) < maxGateways && !slices.Contains(d.gateways, g) {
			d.gateways = append(d.gateways, g)
		}
	}
}

// serialOf is a record's serial number as the list gives it.
func serialOf(rec *jsonwalk.Record) string {
	if sn := strings.TrimSpace(rec.Vals["sn"]); sn != "" {
		return sn
	}
	return strings.TrimSpace(rec.Vals["device_sn"])
}
