package workspaceone

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// mdm names Workspace ONE in device hosts: workspace-one:<id>.
const mdm = "workspace-one"

// record is one object as read: the values of the fields used, keyed by
// their path ("Id/Value"), and what of it could not be read.
type record struct {
	vals  map[string]string
	loc   inventory.Location
	notes []inventory.Unknown
}

func newRecord(loc inventory.Location) *record {
	return &record{vals: map[string]string{}, loc: loc}
}

// note records something of rec that could not be read.
func (rec *record) note(loc inventory.Location, name, reason string) {
	rec.notes = append(rec.notes, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}

// deviceFields are the fields of a device used.
var deviceFields = []string{
	"Id", "Id/Value", "Uuid", "SerialNumber", "Imei", "DeviceFriendlyName", "DeviceReportedName",
	"LocationGroupName", "UserName", "UserEmailAddress", "Ownership", "Platform", "Model",
	"OperatingSystem", "OEMInfo",
}

var wantDevice = paths(deviceFields...)

// device is the device a device record describes, its apps not given.
func (b *builder) device(rec *record) inventory.ManagedDevice {
	var d inventory.ManagedDevice
	d.ID = b.pick(rec, "Id/Value", "Id", "Uuid")
	d.Name = b.pick(rec, "DeviceFriendlyName", "DeviceReportedName")
	d.Model = b.pick(rec, "Model")
	d.Platform = platform(b.pick(rec, "Platform"), d.Model)
	d.Manufacturer = b.pick(rec, "OEMInfo")
	d.OSVersion = b.pick(rec, "OperatingSystem")
	if d.Serial = b.pick(rec, "SerialNumber"); strings.EqualFold(d.Serial, "HUBNOSERIAL") {
		d.Serial = ""
	}
	d.IMEI = inventory.NormalIMEI(b.pick(rec, "Imei"))
	d.Ownership = ownership(b.pick(rec, "Ownership"))
	d.User = b.pick(rec, "UserName", "UserEmailAddress")
	d.Group = b.pick(rec, "LocationGroupName")
	d.Apps = -1
	return d
}

// pick returns the first value of rec under keys that is not blank. A
// value over the string limit is passed over, with an unknown saying so.
func (b *builder) pick(rec *record, keys ...string) string {
	for _, k := range keys {
		v := strings.TrimSpace(rec.vals[k])
		if v == "" {
			continue
		}
		if len(v) > b.lim.MaxString {
			rec.note(rec.loc, "", fmt.Sprintf("%s of the device is longer than %d bytes", k, b.lim.MaxString))
			continue
		}
		return v
	}
	return ""
}

// ownership maps Workspace ONE's Ownership codes: C corporate (dedicated),
// E employee-owned, S shared. The words are read too; Undefined, N and
// anything else are unknown, never guessed.
func ownership(code string) inventory.Ownership {
	switch squash(code) {
	case "c", "corporate", "corporatededicated", "corporateowned":
		return inventory.Corporate
	case "e", "employee", "employeeowned", "personal":
		return inventory.Personal
	case "s", "shared", "corporateshared":
		return inventory.Shared
	}
	return inventory.OwnershipUnknown
}

// squash lower-cases s and drops everything but letters and digits.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// platform is the device's platform from Workspace ONE's Platform
// (Apple, Android, WinRT, AppleOsX, AppleTv...) and its model: an Apple
// device that is an iPad runs iPadOS.
func platform(name, model string) string {
	p, m := squash(name), squash(model)
	switch {
	case p == "appletv" || p == "apple" && strings.HasPrefix(m, "appletv"):
		return inventory.PlatformTVOS
	case strings.HasPrefix(p, "applewatch"):
		return inventory.PlatformWatchOS
	case p == "apple" && strings.HasPrefix(m, "ipad"):
		return inventory.PlatformIPadOS
	case strings.HasPrefix(p, "windows") || p == "winrt":
		return inventory.PlatformWindows
	}
	return inventory.NormalPlatform(name)
}

// ecosystem is the item ecosystem of apps on platform p, "" when p is not
// given or not one of these.
func ecosystem(p string) string {
	switch p {
	case inventory.PlatformIOS, inventory.PlatformIPadOS, inventory.PlatformTVOS, inventory.PlatformWatchOS:
		return "ios"
	case inventory.PlatformAndroid:
		return "android"
	case inventory.PlatformMacOS:
		return "macos"
	case inventory.PlatformWindows:
		return "windows"
	}
	return ""
}

// validBundleID reports whether s is an Apple bundle id: letters, digits,
// hyphens and periods, in segments that are not empty.
func validBundleID(s string) bool {
	if s == "" {
		return false
	}
	for seg := range strings.SplitSeq(s, ".") {
		if seg == "" {
			return false
		}
		for _, c := range []byte(seg) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validPackage reports whether s is an Android package name: segments of
// ASCII letters, digits and underscores, each starting with a letter,
// joined by dots.
func validPackage(s string) bool {
	if s == "" {
		return false
	}
	for seg := range strings.SplitSeq(s, ".") {
		if seg == "" {
			return false
		}
		for i, c := range []byte(seg) {
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_')) {
				return false
			}
		}
	}
	return true
}
