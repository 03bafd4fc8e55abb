package intune

import (
	"github.com/embargo-dev/embargo/inventory"
)

// Fields of managedDevice and detectedApp that are read, as indexes of
// resource.f. The names are the Graph properties of the v1.0 and beta
// resource docs; hw* are those of beta's hardwareInformation.
const (
	fID = iota
	fDeviceName
	fOperatingSystem
	fOSVersion
	fModel
	fManufacturer
	fSerial
	fIMEI
	fMEID
	fOwner     // managedDeviceOwnerType
	fOwnerType // ownerType (beta)
	fUPN
	fEmail
	fCategory
	fDisplayName
	fVersion
	fPublisher
	fPlatform
	fHWSerial
	fHWIMEI
	fHWMEID
	fHWManufacturer
	fHWModel
	fDeviceCount // a number, in resource.count
	fErrCode     // an error response's error.code
	fErrMessage  // and error.message
	nFields
)

// fieldOf is the field of a property name, or -1.
func fieldOf(name []byte) int {
	switch string(name) {
	case "id":
		return fID
	case "deviceName":
		return fDeviceName
	case "operatingSystem":
		return fOperatingSystem
	case "osVersion":
		return fOSVersion
	case "model":
		return fModel
	case "manufacturer":
		return fManufacturer
	case "serialNumber":
		return fSerial
	case "imei":
		return fIMEI
	case "meid":
		return fMEID
	case "managedDeviceOwnerType":
		return fOwner
	case "ownerType":
		return fOwnerType
	case "userPrincipalName":
		return fUPN
	case "emailAddress":
		return fEmail
	case "deviceCategoryDisplayName":
		return fCategory
	case "displayName":
		return fDisplayName
	case "version":
		return fVersion
	case "publisher":
		return fPublisher
	case "platform":
		return fPlatform
	case "deviceCount":
		return fDeviceCount
	}
	return -1
}

// hardwareField is the field of a hardwareInformation property, or -1.
func hardwareField(name []byte) int {
	switch string(name) {
	case "serialNumber":
		return fHWSerial
	case "imei":
		return fHWIMEI
	case "meid":
		return fHWMEID
	case "manufacturer":
		return fHWManufacturer
	case "model":
		return fHWModel
	}
	return -1
}

// errorField is the field of a property of a Graph error, or -1.
func errorField(name []byte) int {
	switch string(name) {
	case "code":
		return fErrCode
	case "message":
		return fErrMessage
	}
	return -1
}

// Fields whose presence says what an object without a type is.
const (
	deviceFields = 1<<fDeviceName | 1<<fOperatingSystem | 1<<fOwner | 1<<fOwnerType | 1<<fSerial | 1<<fIMEI | 1<<fUPN
	appFields    = 1<<fDisplayName | 1<<fDeviceCount | 1<<fPublisher
)

// resource is one JSON object being read: a page, a resource, or an
// error response. One is kept for each level of nesting and reused.
type resource struct {
	ref  string // JSON pointer
	line int
	off  int64
	seen uint32 // fields read, bit i for field i

	f     [nFields]string
	count int64 // deviceCount, -1 when not given

	context, next, otype string
	appsNext             string // detectedApps@odata.nextLink of an expanded device

	page       bool // had a "value" array
	pageStart  int  // its items
	pageApps   int  // its elements that were apps
	hasApps    bool // had a "detectedApps" array (expanded)
	appsStart  int
	appsListed int

	isErr bool // had an "error" object

	bad, badRef string // why the resource cannot be read, and where

	// An app's strings are gathered in walker.buf as they are read and
	// made into one string when it ends: one allocation, not four.
	app      bool             // read as an app
	bufStart int              // where its strings begin in walker.buf
	spans    uint32           // fields in walker.buf, bit i for field i
	span     [nSpans][2]int32 // their starts and ends, by spanOf
}

// Fields an app's strings are gathered for.
const nSpans = 4

// spanOf is the index in resource.span of an app's field, or -1.
func spanOf(f int) int {
	switch f {
	case fDisplayName:
		return 0
	case fVersion:
		return 1
	case fPublisher:
		return 2
	case fPlatform:
		return 3
	}
	return -1
}

// gathered makes the strings gathered in buf, which starts at offset
// start of walker.buf, the resource's fields.
func (r *resource) gathered(buf []byte, start int) {
	if r.spans == 0 {
		return
	}
	all := string(buf)
	for f := range nFields {
		if r.spans&(1<<f) != 0 {
			sp := r.span[spanOf(f)]
			r.f[f] = all[int(sp[0])-start : int(sp[1])-start]
		}
	}
}

func (r *resource) reset(ref string, line int, off int64) {
	*r = resource{ref: ref, line: line, off: off, count: -1}
}

// kindByFields is what an object without a type or context is, by its
// properties.
func (r *resource) kindByFields() kind {
	switch {
	case r.seen&(1<<fDeviceName|1<<fOperatingSystem|1<<fOwner) != 0:
		return kindDevice
	case r.seen&appFields != 0:
		return kindApp
	case r.seen&deviceFields != 0:
		return kindDevice
	}
	return kindNone
}

// name is what to call the resource in an unknown.
func (r *resource) name() string {
	if r.f[fDeviceName] != "" {
		return r.f[fDeviceName]
	}
	return r.f[fDisplayName]
}

// first is the first of the values that is not empty.
func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// device is the resource as a managed device; apps is how many apps the
// document listed for it, -1 when none.
func (r *resource) device(source string, apps int) inventory.ManagedDevice {
	id := deviceID(r.f[fID])
	owner := ownership(r.f[fOwner])
	if owner == inventory.OwnershipUnknown {
		owner = ownership(r.f[fOwnerType])
	}
	host := inventory.DeviceHost(mdm, id)
	return inventory.ManagedDevice{
		Host:         host,
		MDM:          mdm,
		ID:           id,
		Name:         r.f[fDeviceName],
		Platform:     devicePlatform(r.f[fOperatingSystem]),
		Manufacturer: first(r.f[fManufacturer], r.f[fHWManufacturer]),
		Model:        first(r.f[fModel], r.f[fHWModel]),
		OSVersion:    r.f[fOSVersion],
		Serial:       first(r.f[fSerial], r.f[fHWSerial]),
		IMEI:         inventory.NormalIMEI(first(r.f[fIMEI], r.f[fHWIMEI], r.f[fMEID], r.f[fHWMEID])),
		Ownership:    owner,
		Scope:        scopeOf(owner),
		User:         first(r.f[fUPN], r.f[fEmail]),
		Group:        group(r.f[fCategory]),
		Apps:         apps,
		Location:     inventory.Location{Source: source, Ref: r.ref, Line: r.line, Host: host},
	}
}
