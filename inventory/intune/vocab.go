package intune

import (
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// mdm names Intune in ManagedDevice.MDM and in hosts.
const mdm = "intune"

// ownership maps Intune's owner types to inventory.Ownership: Graph's
// managedDeviceOwnerType and ownerType enums (unknown, company, personal;
// members 0, 1, 2 in https://learn.microsoft.com/en-us/graph/api/resources/intune-shared-ownertype,
// numbers as the reports' raw OwnerType column gives them) and the
// reports' localised Ownership ("Corporate", "Personal"). Anything else
// is OwnershipUnknown: never guessed.
func ownership(s string) inventory.Ownership {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "company", "corporate", "1":
		return inventory.Corporate
	case "personal", "2":
		return inventory.Personal
	}
	return inventory.OwnershipUnknown
}

// scopeOf is the app scope of a device of owner type o: Intune lists
// unmanaged apps only for corporate-owned devices (detectedApp resource
// doc), so a personal device's list is its managed apps.
func scopeOf(o inventory.Ownership) inventory.Scope {
	if o == inventory.Personal {
		return inventory.ScopeManaged
	}
	return inventory.ScopeAll
}

// ecosystem is the item ecosystem of an app of Intune platform p: a
// detectedAppPlatformType (ios, macOS, windows, windowsMobile,
// windowsHolographic, androidOSP, androidDeviceAdministrator,
// androidWorkProfile, androidDedicatedAndFullyManaged, chromeOS,
// unknown) or a device's operating system. The common values are
// matched without allocating.
func ecosystem(p string) string {
	switch p {
	case "ios", "iOS":
		return "ios"
	case "windows", "Windows":
		return "windows"
	case "macOS":
		return "macos"
	case "androidWorkProfile", "androidDeviceAdministrator", "androidDedicatedAndFullyManaged", "androidOSP", "Android":
		return "android"
	case "", "unknown", "unknownFutureValue":
		return ""
	}
	if digits(p) { // a report's raw enum value, not documented
		return ""
	}
	switch n := inventory.NormalPlatform(p); n {
	case inventory.PlatformIPadOS:
		return "ios" // iPad apps are iOS apps
	case "unknown", "unknownfuturevalue":
		return ""
	default:
		return n
	}
}

// devicePlatform is inventory.NormalPlatform of an operating system as
// Intune names it; a bare number (a report's raw enum) is read by the
// example of the export doc (1 Windows, 2 iOS, 3 Android, 4 Mac) or
// else dropped.
func devicePlatform(s string) string {
	switch strings.TrimSpace(s) {
	case "1":
		return inventory.PlatformWindows
	case "2":
		return inventory.PlatformIOS
	case "3":
		return inventory.PlatformAndroid
	case "4":
		return inventory.PlatformMacOS
	}
	if digits(s) {
		return ""
	}
	if strings.EqualFold(strings.TrimSpace(s), "iOS/iPadOS") { // the admin centre's name for both
		return inventory.PlatformIOS
	}
	return inventory.NormalPlatform(s)
}

func digits(s string) bool {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// group is a device category unless Intune's "Unknown" (no category).
func group(s string) string {
	if strings.EqualFold(strings.TrimSpace(s), "unknown") {
		return ""
	}
	return s
}

// deviceID is an Intune device id as hosts hold it: a GUID in lower
// case, so that a report's and Graph's spellings of one id meet; any
// other id as given.
func deviceID(id string) string {
	if len(id) != 36 {
		return id
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return id
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
		default:
			return id
		}
	}
	return strings.ToLower(id)
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// devices says n devices.
func devices(n int) string {
	if n == 1 {
		return "1 device"
	}
	return strconv.Itoa(n) + " devices"
}
