package judge

import (
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// DeviceTags are the tags a device manager's record gives a device, added
// to those of the system the device belongs to, so that the device-ban
// packs judge a phone by what its manager says it is rather than by a
// --tag on the command line:
//
//   - every device is mdm-enrolled, and a phone or tablet mobile-device;
//   - a corporate or shared device is a government-device (the UK, US,
//     Canadian and Australian bans name the organisation's own devices);
//   - a personal device is a personal-device, with work-profile or
//     managed-apps-only when the manager listed only those apps (the
//     European Commission's notice also covers personal devices enrolled
//     in its mobile device service; its pack reads personal-device as in
//     scope, the others as out);
//   - a device whose manager does not say whose it is is judged as a
//     government-device, the strictest reading, and tagged
//     ownership-unknown so that the finding says so.
func DeviceTags(d *inventory.ManagedDevice) []string {
	tags := []string{systems.TagMDMEnrolled}
	if inventory.Mobile(d.Platform) {
		tags = append(tags, systems.TagMobileDevice)
	}
	switch d.Ownership {
	case inventory.Corporate, inventory.Shared:
		tags = append(tags, systems.TagGovernmentDevice)
	case inventory.Personal:
		tags = append(tags, systems.TagPersonalDevice)
	default:
		tags = append(tags, systems.TagGovernmentDevice, systems.TagOwnershipUnknown)
	}
	switch d.Scope {
	case inventory.ScopeWorkProfile:
		tags = append(tags, systems.TagWorkProfile)
	case inventory.ScopeManaged:
		tags = append(tags, systems.TagManagedAppsOnly)
	}
	slices.Sort(tags)
	return tags
}

// withDevice is sys as it applies to device d: its tags and the device's,
// sorted and distinct. The register's slices are not modified.
func withDevice(sys systems.System, d *inventory.ManagedDevice) systems.System {
	tags := slices.Concat(sys.Tags, DeviceTags(d))
	slices.Sort(tags)
	sys.Tags = slices.Compact(tags)
	return sys
}

// evalKey tells apart the evaluators of one system given different
// device tags.
func evalKey(sys systems.System, device bool) string {
	if !device {
		return sys.ID
	}
	return sys.ID + "\x00" + strings.Join(sys.Tags, ",")
}
