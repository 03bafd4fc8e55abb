// Package jamf reads the mobile device inventories of Jamf Pro: the
// iPhones, iPads and Apple TVs it manages, with the apps each has
// installed. Two readers:
//
// ClassicReader ("jamf-classic") reads the Classic API's mobile device
// record, GET /JSSResource/mobiledevices/id/{id}, in either form the
// server gives it (Jamf's reference for the endpoint, findmobiledevicesbyid
// on developer.jamf.com, lists application/xml and application/json):
//
//   - XML, root <mobile_device> with the subsets general, location,
//     network, applications (<size>, then <application> with
//     application_name, application_version, application_short_version,
//     identifier) and mobile_device_groups. The API serves one record a
//     document, so a file of several is something a script made: records
//     concatenated one after another (each perhaps with its own <?xml?>
//     declaration), or wrapped in a <mobile_devices> root, as the list
//     endpoint GET /JSSResource/mobiledevices wraps its summary records
//     (<mobile_device> with id, name, udid, serial_number, model, username
//     and no apps). Both are read; a summary record is a device without
//     an app list. The XML is read token by token with encoding/xml, in
//     the declared encoding.
//   - JSON (Accept: application/json): {"mobile_device": {...}} with the
//     same snake_case names, repeated elements as arrays
//     ("applications": [{...}], "mobile_device_groups": [{...}]); the
//     XML-shaped {"size": n, "application": [...]} is read too, as is
//     {"mobile_devices": [...]}, and several documents one after another.
//
// ProReader ("jamf-pro") reads the Jamf Pro API's JSON: a page of
// GET /api/v2/mobile-devices/detail ({"totalCount": n, "results": [...]},
// each result with mobileDeviceId, deviceType and the sections asked
// for: general, hardware, userAndLocation, network, applications), and
// the record of one device, GET /api/v2/mobile-devices/{id}/detail (id,
// name, serialNumber, udid, deviceOwnershipLevel, type, location, and the
// ios, tvos, watchos or visionos sub-object holding model, network and
// applications). A page is read as it stands: whether other pages exist
// cannot be told from one file. A device given without its applications
// section (the section was not asked for, or came back null) has no app
// list: Apps is -1, not 0.
//
// The field names follow Jamf's OpenAPI schema as published through
// ruby-jss's generated classes (Jamf Pro 10.50 and 11.6.1) and Jamf's
// documented Classic API example; testdata/SOURCES.md lists what was read
// and what could not be confirmed.
//
// Every device becomes an inventory.ManagedDevice with Host
// inventory.DeviceHost("jamf", id), id being the Jamf Pro id of the
// device (general/id, mobileDeviceId, id: one numbering for both APIs).
// Ownership comes from device_ownership_level, deviceOwnershipType or
// deviceOwnershipLevel: Institutional and AccountDrivenDeviceEnrollment
// are corporate; Personal and PersonalDeviceProfile personal;
// UserEnrollment and AccountDrivenUserEnrollment personal with only
// managed apps listed (Apple's User Enrollment reports managed apps
// alone); anything else unknown. Each listed app is an application item
// named by its display name, versioned by its short (marketing) version
// or else its build version, and identified by its bundle id.
//
// Input is read as a stream: records are handled one at a time, and
// only the fields used are kept. A document that is not well-formed,
// truncated or over a limit is an InputError at its byte offset (JSON)
// or line (XML); a record or an app that cannot be read whole is an
// Unknown and reading goes on.
package jamf
