package jamf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// ProReader reads the Jamf Pro API's mobile device inventory: pages of
// GET /api/v2/mobile-devices/detail and single devices of
// GET /api/v2/mobile-devices/{id}/detail.
type ProReader struct{}

// Name implements inventory.Reader.
func (ProReader) Name() string { return "jamf-pro" }

// proMarkers are member names only the Jamf Pro API's mobile device
// documents use near their start: a page's first result begins with
// mobileDeviceId, a device's detail has enforceName among its first
// members.
var proMarkers = [][]byte{[]byte(`"mobileDeviceId"`), []byte(`"deviceOwnershipType"`), []byte(`"deviceOwnershipLevel"`), []byte(`"enforceName"`)}

// Sniff implements inventory.Reader: a JSON object naming a Jamf Pro API
// mobile device member. An empty page ({"totalCount": 0, "results": []})
// names none and is read only when asked for by name.
func (ProReader) Sniff(_ string, head []byte) bool {
	h := trimHead(head)
	if !bytes.HasPrefix(h, []byte("{")) {
		return false
	}
	for _, m := range proMarkers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return false
}

// proFields are the fields of an inventory result used.
var proFields = jsonwalk.Paths(
	"mobileDeviceId", "deviceType",
	"general/displayName", "general/osVersion", "general/deviceOwnershipType",
	"hardware/serialNumber", "hardware/model", "hardware/modelIdentifier",
	"userAndLocation/username", "userAndLocation/emailAddress", "userAndLocation/department",
	"network/imei",
)

// detailFields are the fields of a device's detail used, and totalCount,
// which tells a page from a detail at the same level.
var detailFields = jsonwalk.Paths(
	"totalCount", "id", "name", "serialNumber", "osVersion", "deviceOwnershipLevel", "type",
	"location/username", "location/emailAddress",
	"ios/model", "ios/modelIdentifier", "ios/network/imei",
	"visionos/model", "visionos/modelIdentifier", "visionos/network/imei",
	"watchos/model", "watchos/modelIdentifier", "watchos/network/imei",
	"tvos/model", "tvos/modelIdentifier",
)

var (
	proLists    = map[string]bool{"applications": true}
	detailLists = map[string]bool{"results": true, "ios/applications": true, "visionos/applications": true, "watchos/applications": true, "tvos/applications": true}
	proApp      = appKeys{"name", "version", "shortVersion", "identifier"}
)

// Read implements inventory.Reader.
func (ProReader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	w := jsonwalk.New(ctx, name, in, lim)
	b := newBuilder(name, lim)
	pages, details := 0, 0
	err := w.Documents(func(doc string, off int64) error {
		root := newRecord(inventory.Location{Source: name, Ref: doc, Offset: off})
		page := false
		err := w.Fields(&root.Record, detailFields, detailLists, "", doc, func(path, p string, off int64) error {
			if path != "results" {
				return readApps(w, b, root, p, off, "", proApp)
			}
			page = true
			_, err := readList(w, b, p, "", off, readProResult)
			return err
		})
		switch {
		case err != nil:
			return err
		case page:
			pages++
		case root.Vals["id"] == "" && root.Vals["name"] == "" && root.Vals["serialNumber"] == "" && !root.listed:
			return &inventory.InputError{Source: name, Offset: off, Err: errors.New("neither a page of mobile devices (no results) nor a mobile device's detail (no id)")}
		default:
			details++
			return b.finish(root, b.proDetail(root))
		}
		return nil
	})
	if err != nil {
		return nil, w.Fail(err)
	}
	switch {
	case pages == 0 && details == 0:
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("the input is empty")}
	case details == 0:
		b.inv.Format = "Jamf Pro API mobile device inventory JSON"
	case pages == 0:
		b.inv.Format = "Jamf Pro API mobile device detail JSON"
	default:
		b.inv.Format = "Jamf Pro API mobile device inventory and detail JSON"
	}
	if u := w.BadUTF8(); u != nil {
		b.inv.Unknowns = append(b.inv.Unknowns, *u)
	}
	return b.inv, nil
}

// readProResult reads one result of an inventory page and adds its device
// and apps.
func readProResult(w *jsonwalk.Walker, b *builder, ptr string, off int64) error {
	if k, _ := w.Peek(); k != '{' {
		b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("a device record that is a JSON %s, not an object", jsonwalk.KindName(k)))
		return w.Skip()
	}
	rec := newRecord(inventory.Location{Source: b.source, Ref: ptr, Offset: off})
	err := w.Fields(&rec.Record, proFields, proLists, "", ptr, func(_, p string, off int64) error {
		return readApps(w, b, rec, p, off, "", proApp)
	})
	if err != nil {
		return err
	}
	return b.finish(rec, b.proDevice(rec))
}

// proDevice is the device an inventory result describes.
func (b *builder) proDevice(rec *record) inventory.ManagedDevice {
	var d inventory.ManagedDevice
	d.ID = b.pick(rec, "mobileDeviceId")
	d.Name = b.pick(rec, "general/displayName")
	d.Model = b.pick(rec, "hardware/model")
	d.Platform = platform(b.pick(rec, "deviceType"), d.Model, b.pick(rec, "hardware/modelIdentifier"))
	d.OSVersion = b.pick(rec, "general/osVersion")
	d.Serial = b.pick(rec, "hardware/serialNumber")
	d.IMEI = inventory.NormalIMEI(b.pick(rec, "network/imei"))
	d.Ownership, d.Scope = ownership(b.pick(rec, "general/deviceOwnershipType"))
	d.User = b.pick(rec, "userAndLocation/username", "userAndLocation/emailAddress")
	d.Group = b.pick(rec, "userAndLocation/department")
	return d
}

// proDetail is the device a device's detail describes; its model and
// network are in the sub-object of its type.
func (b *builder) proDetail(rec *record) inventory.ManagedDevice {
	var d inventory.ManagedDevice
	d.ID = b.pick(rec, "id")
	d.Name = b.pick(rec, "name")
	d.Model = b.pick(rec, "ios/model", "visionos/model", "watchos/model", "tvos/model")
	d.Platform = platform(b.pick(rec, "type"), d.Model,
		b.pick(rec, "ios/modelIdentifier", "visionos/modelIdentifier", "watchos/modelIdentifier", "tvos/modelIdentifier"))
	d.OSVersion = b.pick(rec, "osVersion")
	d.Serial = b.pick(rec, "serialNumber")
	d.IMEI = inventory.NormalIMEI(b.pick(rec, "ios/network/imei", "visionos/network/imei", "watchos/network/imei"))
	d.Ownership, d.Scope = ownership(b.pick(rec, "deviceOwnershipLevel"))
	d.User = b.pick(rec, "location/username", "location/emailAddress")
	return d
}
