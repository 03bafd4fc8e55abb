package workspaceone

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// Reader reads Workspace ONE UEM device and app listings.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "workspace-one" }

// markers are member names only Workspace ONE's device and app listings
// use; "Devices" is taken only beside "PageSize", which its pages end with.
var markers = [][]byte{[]byte(`"DeviceApps"`), []byte(`"app_items"`), []byte(`"DeviceFriendlyName"`), []byte(`"LocationGroupName"`)}

// Sniff implements inventory.Reader: a JSON object with a member name of
// Workspace ONE's listings, or any JSON object in a file named as the MDM
// pull names a device's apps pages.
func (Reader) Sniff(name string, head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("\xef\xbb\xbf")), " \t\r\n")
	if !bytes.HasPrefix(h, []byte("{")) {
		return false
	}
	if fileDevice(name) != "" {
		return true
	}
	for _, m := range markers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return bytes.Contains(h, []byte(`"Devices"`)) && bytes.Contains(h, []byte(`"PageSize"`))
}

// fileDevice is the device id a file name gives: <id> in
// ws1-device-<id>-apps*.json, the name the MDM pull saves a device's apps
// pages under; "" for any other name.
func fileDevice(name string) string {
	base := path.Base(filepath.ToSlash(name))
	rest, ok := strings.CutPrefix(base, "ws1-device-")
	i := strings.Index(rest, "-apps")
	if !ok || i <= 0 || i > 64 {
		return ""
	}
	id := rest[:i]
	for _, c := range []byte(id) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return ""
		}
	}
	return id
}

// builder collects what one input holds.
type builder struct {
	source  string
	lim     inventory.Limits
	inv     *inventory.Inventory
	fileID  string  // the device id the file name gives, or ""
	pending int     // app entries read, against the item limit
	groups  []group // apps read, added once the input is read
}

var (
	rootFields = jsonwalk.Paths(append(deviceFields, "DeviceId", "DeviceId/Id/Value", "DeviceId/Value")...)
	rootLists  = map[string]bool{"Devices": true, "DeviceApps": true, "app_items": true}
)

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	w := jsonwalk.New(ctx, name, in, lim)
	b := &builder{source: name, lim: lim, inv: &inventory.Inventory{Source: name}, fileID: fileDevice(name)}
	var shapes []string
	err := w.Documents(func(doc string, off int64) error {
		root := jsonwalk.NewRecord(inventory.Location{Source: name, Ref: doc, Offset: off})
		var apps []entry
		listed := false
		seen := map[string]string{}
		err := w.Fields(root, rootFields, rootLists, "", doc, func(key, p string, off int64) error {
			if key == "Devices" {
				seen[key] = p
				return b.readDevices(w, p, off)
			}
			keys := deviceApp
			if key == "app_items" {
				keys = appItem
			}
			seen["apps"] = p
			ok, err := b.readApps(w, root, &apps, p, off, keys)
			listed = listed || ok
			return err
		})
		switch {
		case err != nil:
			return err
		case seen["apps"] != "":
			shapes = append(shapes, "device apps")
			b.finishApps(root, apps, seen["apps"], listed)
		case seen["Devices"] != "":
			b.notes(root.Notes, "")
		case root.Vals["Id/Value"] != "" || root.Vals["Id"] != "" || root.Vals["Uuid"] != "" || root.Vals["SerialNumber"] != "":
			shapes = append(shapes, "device")
			return b.addRecord(root)
		default:
			return &inventory.InputError{Source: name, Offset: off, Err: errors.New("not a Workspace ONE listing: no Devices, DeviceApps or app_items, and no device Id")}
		}
		if seen["Devices"] != "" {
			shapes = append(shapes, "device search")
		}
		return nil
	})
	if err == nil && len(shapes) == 0 {
		err = &inventory.InputError{Source: name, Offset: 0, Err: errors.New("the input is empty")}
	}
	if err == nil {
		err = b.flush()
	}
	if err != nil {
		return nil, w.Fail(err)
	}
	slices.Sort(shapes)
	b.inv.Format = "Workspace ONE UEM " + strings.Join(slices.Compact(shapes), " and ") + " JSON"
	b.inv.Devices = inventory.MergeDevices(b.inv.Devices)
	if u := w.BadUTF8(); u != nil {
		b.inv.Unknowns = append(b.inv.Unknowns, *u)
	}
	return b.inv, nil
}

// readDevices reads the Devices of a device search page.
func (b *builder) readDevices(w *jsonwalk.Walker, ptr string, off int64) error {
	if k, _ := w.Peek(); k != '[' {
		if k != 'n' {
			b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("Devices is a JSON %s, not an array", jsonwalk.KindName(k)))
		}
		return w.Skip()
	}
	return w.Array(func(i int, off int64) error {
		loc := inventory.Location{Source: b.source, Ref: ptr + "/" + strconv.Itoa(i), Offset: off}
		if k, _ := w.Peek(); k != '{' {
			b.unknown(loc, "", fmt.Sprintf("a device record that is a JSON %s, not an object", jsonwalk.KindName(k)))
			return w.Skip()
		}
		rec := jsonwalk.NewRecord(loc)
		if err := w.Fields(rec, wantDevice, nil, "", loc.Ref, nil); err != nil {
			return err
		}
		return b.addRecord(rec)
	})
}

// addRecord adds the device a device record describes. A record without
// an id gives no device: there is no host to name it by.
func (b *builder) addRecord(rec *jsonwalk.Record) error {
	d := b.device(rec)
	if d.ID != "" && !inventory.ValidDeviceID(d.ID) {
		rec.Note(rec.Loc, "", fmt.Sprintf("the device's Id %q is not an id", inventory.Clip(d.ID)))
		d.ID = ""
	}
	if d.ID == "" {
		rec.Note(rec.Loc, d.Name, "a device record without its Id: no device is recorded")
		b.notes(rec.Notes, "")
		return nil
	}
	d.Host, d.MDM, d.Location = inventory.DeviceHost(mdm, d.ID), mdm, rec.Loc
	b.notes(rec.Notes, d.Host)
	return b.add(d)
}

// add adds device d, keeping to the item limit.
func (b *builder) add(d inventory.ManagedDevice) error {
	if len(b.inv.Devices) >= b.lim.MaxItems {
		return &inventory.InputError{Source: b.source, Offset: d.Location.Offset, Err: fmt.Errorf("more than %d devices (the item limit)", b.lim.MaxItems)}
	}
	b.inv.Devices = append(b.inv.Devices, d)
	return nil
}

// notes adds unknowns of the device host.
func (b *builder) notes(us []inventory.Unknown, host string) {
	for _, u := range us {
		u.Location.Host = host
		b.inv.Unknowns = append(b.inv.Unknowns, u)
	}
}

func (b *builder) unknown(loc inventory.Location, name, reason string) {
	b.inv.Unknowns = append(b.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}
