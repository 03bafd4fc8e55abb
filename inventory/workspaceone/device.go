package workspaceone

import (
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// mdm names Workspace ONE in device hosts: workspace-one:<id>.
const mdm = "workspace-one"

// deviceFields are the fields of a device used.
var deviceFields = []string{
	"Id", "Id/Value", "Uuid", "SerialNumber", "Imei", "DeviceFriendlyName", "DeviceReportedName",
	"LocationGroupName", "UserName", "UserEmailAddress", "Ownership", "Platform", "Model",
	"OperatingSystem", "OEMInfo",
}

var wantDevice = jsonwalk.Paths(deviceFields...)

// device is the device a device record describes, its apps not given.
func (b *builder) device(rec *jsonwalk.Record) inventory.ManagedDevice {
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
func (b *builder) pick(rec *jsonwalk.Record, keys ...string) string {
	return rec.Pick(b.lim.MaxString, keys...)
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
