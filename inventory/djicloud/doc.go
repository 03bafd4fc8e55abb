// Package djicloud reads the device lists of DJI's own fleet systems: what
// DJI FlightHub 2 and DJI's Cloud API say of an organisation's drones,
// docks and remote controllers, as their HTTPS APIs answer in JSON. The
// lists are DJI's own, of DJI's own equipment, so every device is recorded
// with manufacturer DJI; attribution needs nothing else to name the maker
// (issue 18: the FCC Covered List entry of December 2025 and the American
// Security Drone Act name DJI's equipment).
//
// Four documented shapes are read, each in DJI's response envelope
// {"code": 0, "message": "...", "data": {...}} or as its data object alone:
//
//   - Cloud API, Obtain Device Topology List (GET /manage/api/v1/workspaces/
//     {workspace_id}/devices/topologies): data.list of groups {"hosts":
//     [aircraft], "parents": [gateways]}.
//   - FlightHub 2 OpenAPI, the devices of an organisation or a project (GET
//     /openapi/v0.1/device, /openapi/v0.1/project/device): data.list of
//     pairs {"gateway": {...}, "drone": {...}}; a dock without its aircraft
//     has "drone": null, and a remote controller can be the gateway.
//   - FlightHub Sync, Get Project Device List (GET /manage/api/v1.0/
//     projects/{project_uuid}/devices): data.list of devices, with
//     data.pagination {page, page_size, total}.
//   - FlightHub Sync, Project Equipment Topology (GET /manage/api/v1.0/
//     projects/{project_uuid}/topologies): data.list of {"host": aircraft,
//     "parents": [gateways]}.
//
// A device is an object with its serial number (sn, or device_sn) and its
// model, device_model {key, domain, type, sub_type, name, class}: the key
// is "domain-type-sub_type", domain 0 an aircraft, 1 a payload, 2 a remote
// controller, 3 a dock. Its callsign, the name the organisation gave it,
// is device_project_callsign, device_callsign, callsign, nickname or
// device_organization_callsign, the first given; its firmware version is
// firmware_version, on the device or in its device_state (a property every
// DJI device reports to the cloud).
//
// Each device becomes one item of type device and ecosystem "network", like
// the other equipment readers': its name and inventory.DeviceModel are the
// model's name as DJI's Cloud API documentation gives it ("Matrice 30T",
// "DJI Dock 2", "DJI RC Plus"; models.go lists them and
// testdata/SOURCES.md where each comes from), or the list's own
// device_model.name for a model the table does not hold; inventory.Serial
// is the serial number, inventory.Manufacturer "DJI", inventory.DeviceType
// "drone", "drone dock", "drone remote controller" or "drone payload" (by
// the key's domain, else device_model.class, else an aircraft's place in
// its group), inventory.Hostname the callsign, inventory.Firmware (and the
// version) the firmware version. ModelKey keeps the model key, and
// Gateway, on an aircraft, the serial of
// each dock or remote controller the list pairs it with. The item's host is
// inventory.DeviceHost("dji", serial), and Location.Ref the JSON pointer of
// the device. A device listed more than once (an aircraft under two docks,
// a remote controller in several groups) is one item, at its first place.
//
// What cannot be read is an unknown at its JSON pointer and byte offset: a
// device without a serial number, or with one that is not one (letters,
// digits, dots, underscores and hyphens), an entry that is not an object,
// a model key that is not domain-type-sub_type or disagrees with its
// domain, type and sub_type, a model that neither the table nor the list
// names. A page that says more devices follow (page × page_size < total) is
// an unknown, dropped when the directory read holds the last page of the
// same listing (inventory.Page). A response whose code is not 0 (an error,
// with no list) is an InputError, as is input that is not JSON, is
// truncated, nests deeper than the depth limit or holds more devices than
// the item limit. Input is read as a stream, within the size limit.
//
// Autel Robotics' Cloud API follows DJI's topics, but no export of its
// device lists is documented; it is not read.
package djicloud

import "github.com/embargo-dev/embargo/inventory"

// Fields this reader records beside the equipment fields of inventory.
const (
	// ModelKey is DJI's model key, "domain-type-sub_type" ("0-67-1").
	ModelKey inventory.Field = "dji_model_key"
	// Gateway is the serial number of a dock or remote controller that the
	// list pairs an aircraft with.
	Gateway inventory.Field = "dji_gateway"
)
