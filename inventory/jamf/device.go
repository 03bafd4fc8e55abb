package jamf

import (
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// mdm names Jamf Pro in device hosts: jamf:<id>.
const mdm = "jamf"

// ownership maps Jamf's ownership vocabulary (the Classic API's
// device_ownership_level, the Jamf Pro API's deviceOwnershipType and
// deviceOwnershipLevel) to whose the device is and which of its apps are
// listed. Case, spaces and punctuation are ignored; a value not listed
// here is unknown, never guessed.
func ownership(level string) (inventory.Ownership, inventory.Scope) {
	switch squash(level) {
	case "institutional", "accountdrivendeviceenrollment":
		return inventory.Corporate, inventory.ScopeAll
	case "personal", "personaldeviceprofile":
		return inventory.Personal, inventory.ScopeAll
	case "userenrollment", "accountdrivenuserenrollment":
		// Apple's User Enrollment lets the manager see its managed apps
		// only.
		return inventory.Personal, inventory.ScopeManaged
	}
	return inventory.OwnershipUnknown, inventory.ScopeAll
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

// platform is the device's platform from what Jamf calls its OS (os_type,
// deviceType, type: "iOS", "tvOS", "ios", "appleTv"...) and its model: an
// iPad reports iOS through older APIs but runs iPadOS.
func platform(osType, model, modelID string) string {
	p := inventory.NormalPlatform(osType)
	if p == "unknown" {
		p = ""
	}
	hw := squash(model + " " + modelID)
	switch {
	case (p == "" || p == inventory.PlatformIOS) && strings.HasPrefix(hw, "ipad"):
		return inventory.PlatformIPadOS
	case p == "" && strings.HasPrefix(hw, "appletv"):
		return inventory.PlatformTVOS
	case p == "" && (strings.HasPrefix(hw, "iphone") || strings.HasPrefix(hw, "ipod")):
		return inventory.PlatformIOS
	}
	return p
}

// ecosystem is the item ecosystem of the apps of a device on platform p.
// Jamf Pro manages Apple devices, so a device whose platform is not
// given is taken as one; Jamf's old Android support is read as Android.
func ecosystem(p string) string {
	switch p {
	case inventory.PlatformAndroid:
		return "android"
	case inventory.PlatformMacOS:
		return "macos"
	}
	return "ios"
}
