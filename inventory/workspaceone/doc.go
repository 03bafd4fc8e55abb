// Package workspaceone reads what Omnissa Workspace ONE UEM (formerly
// VMware AirWatch) reports of its phones, tablets and computers, as its
// REST API returns it in JSON (Accept: application/json):
//
//   - a page of the device search, GET /api/mdm/devices/search:
//     {"Devices": [...], "Page", "PageSize", "Total"}, each device with
//     Id {Value}, Uuid, Udid, SerialNumber, Imei, DeviceFriendlyName,
//     LocationGroupName, UserName, UserEmailAddress, Ownership, Platform,
//     Model, OperatingSystem, OEMInfo; or one device as the lookup
//     GET /api/mdm/devices?searchby=Serialnumber&id=... returns it, the
//     bare device object. These list devices without their apps.
//   - a page of one device's apps, GET /api/mdm/devices/{id}/apps:
//     {"DeviceApps": [...], "Page", "PageSize", "Total"}, each app with
//     ApplicationName, Version, BuildVersion, Status,
//     ApplicationIdentifier, Type, IsManaged, Size.
//   - a page of the newer per-device app search,
//     GET /api/mdm/devices/{uuid}/apps/search: {"app_items": [...]}, each
//     with name, bundle_id, installed_version, installed_status.
//
// Several pages may follow one another in one file. Omnissa's API
// reference could not be read for this package: the field names come
// from clients that work against real servers (Palo Alto's XSOAR
// integration and its captured responses, Teclib's GLPI plugin, an
// Omnissa admin's scripts, a PHP client's field lists), and what stays
// unconfirmed is listed in testdata/SOURCES.md. The API answers in XML
// when JSON is not asked for; no example of that XML was found, so it is
// not read: ask for JSON.
//
// Hosts. A device is inventory.DeviceHost("workspace-one", id), id being
// its numeric Id.Value (or its Uuid when it has no Id). A device's apps
// response need not say whose apps it lists. The device is taken, in this
// order, from a DeviceId in the document (the envelope's, {"Id":
// {"Value": n}} or a bare number, or each app's own), or from the file
// name the MDM pull (embargo mdm pull) gives each page it saves:
//
//	ws1-device-<id>-apps<anything>.json    e.g. ws1-device-5614-apps-0001.json
//
// so that a device search page and the apps pages of its devices meet on
// one host. An apps file with neither gives items without a host, and an
// unknown says the device is not named.
//
// Ownership: C is corporate, E (employee-owned) personal, S shared;
// Undefined, N and anything else are unknown. Platform (Apple, Android,
// WinRT, AppleOsX...) decides the platform; an Apple device whose model
// is an iPad is iPadOS. HUBNOSERIAL, what Android devices without a
// readable serial report, is no serial.
//
// Apps. An app is an application item of the ecosystem of its device's
// platform, named by ApplicationName (or its id), versioned by Version
// (else BuildVersion), and identified by ApplicationIdentifier: a bundle
// id for Apple platforms, a package name for Android. The platform is the
// device's when a device record in the same input gives it (or the apps
// document has a Platform member, which no source shows). An apps page
// alone does not say it: its ids are then recorded as both, where valid
// as each (a reverse-domain id names one developer on either store), and
// the item has no ecosystem. An app whose Status is Installed (or absent,
// or a pending removal: still on the device) is an item; one listed as
// Removed, NotInstalled or Uninstalled is not installed and is left out,
// the number left out said in one unknown; any other status (Pending,
// Failed, ...) is an unknown naming the app, since it is not known to be
// on the device. Names holding bytes that are
// not UTF-8 (WS1 passes on what devices report; Teclib's GLPI plugin
// re-encodes such names) are read with U+FFFD in their place, and an
// unknown counts them.
//
// Input is read as a stream; a document that is not well-formed or is
// truncated is an InputError at its byte offset, as are more apps or
// devices than the item limit. A device id that cannot be part of a host
// name (anything but letters, digits, dots, underscores and hyphens) is
// an unknown, not an id.
package workspaceone
