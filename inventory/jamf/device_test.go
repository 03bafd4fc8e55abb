package jamf

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// TestOwnership maps every ownership value of both APIs, and spellings
// of them, and leaves anything else unknown.
func TestOwnership(t *testing.T) {
	for level, want := range map[string][2]string{
		"Institutional":                   {"corporate", ""},
		"AccountDrivenDeviceEnrollment":   {"corporate", ""},
		"Personal":                        {"personal", ""},
		"PersonalDeviceProfile":           {"personal", ""},
		"UserEnrollment":                  {"personal", "managed-apps"},
		"AccountDrivenUserEnrollment":     {"personal", "managed-apps"},
		"User Enrollment":                 {"personal", "managed-apps"},
		"ACCOUNT_DRIVEN_USER_ENROLLMENT":  {"personal", "managed-apps"},
		" institutional ":                 {"corporate", ""},
		"":                                {"", ""},
		"Shared":                          {"", ""},
		"Unknown":                         {"", ""},
		"Institutional or Personal":       {"", ""},
		"AccountDrivenDeviceEnrollmentX":  {"", ""},
		"PersonalDeviceProfileDeprecated": {"", ""},
	} {
		o, s := ownership(level)
		if got := [2]string{string(o), string(s)}; got != want {
			t.Errorf("ownership(%q) = %v, want %v", level, got, want)
		}
	}
}

// Each ownership value read from a Classic record and a Jamf Pro result.
func TestOwnershipRead(t *testing.T) {
	for _, level := range []string{"Institutional", "AccountDrivenDeviceEnrollment", "Personal", "PersonalDeviceProfile", "UserEnrollment", "AccountDrivenUserEnrollment", "Other"} {
		wantO, wantS := ownership(level)
		for _, c := range []struct {
			r    inventory.Reader
			data string
		}{
			{ClassicReader{}, fmt.Sprintf("<mobile_device><general><id>1</id><device_ownership_level>%s</device_ownership_level></general></mobile_device>", level)},
			{ClassicReader{}, fmt.Sprintf(`{"mobile_device": {"general": {"id": 1, "device_ownership_level": %q}}}`, level)},
			{ProReader{}, fmt.Sprintf(`{"results": [{"mobileDeviceId": "1", "general": {"deviceOwnershipType": %q}}]}`, level)},
			{ProReader{}, fmt.Sprintf(`{"id": "1", "deviceOwnershipLevel": %q}`, level)},
		} {
			inv, err := read(c.r, "x", []byte(c.data), inventory.DefaultLimits)
			if err != nil || len(inv.Devices) != 1 || inv.Devices[0].Ownership != wantO || inv.Devices[0].Scope != wantS {
				t.Errorf("%s: %+v %v", c.data, inv, err)
			}
		}
	}
}

func TestPlatform(t *testing.T) {
	for _, c := range []struct{ os, model, id, want string }{
		{"iOS", "iPhone 14", "iPhone14,7", "ios"},
		{"iOS", "iPad Air (5th generation)", "iPad13,16", "ipados"},
		{"iOS", "", "iPad13,16", "ipados"},
		{"iPadOS", "", "", "ipados"},
		{"ios", "", "", "ios"},
		{"tvOS", "Apple TV 4K", "AppleTV11,1", "tvos"},
		{"appleTv", "", "", "tvos"},
		{"", "Apple TV HD", "", "tvos"},
		{"", "iPod touch", "", "ios"},
		{"watchos", "", "", "watchos"},
		{"visionos", "", "", "visionos"},
		{"unknown", "iPhone 12", "", "ios"},
		{"", "", "", ""},
		{"Android", "Pixel 7", "", "android"},
	} {
		if got := platform(c.os, c.model, c.id); got != c.want {
			t.Errorf("platform(%q, %q, %q) = %q, want %q", c.os, c.model, c.id, got, c.want)
		}
	}
}

// TestIDs follows Apple's rule for bundle ids and Android's for package
// names.
func TestIDs(t *testing.T) {
	ids := []string{"com.tencent.xin", "com.example.notes-lists", "us.zoom.videomeetings", "com.ss.iphone.ugc.Aweme", "a", "com.example.app_1",
		"", ".a", "a..b", "a.", "com.example.bad id", "com.exämple.x", "1a.b", "a._b"}
	var bundles, packages []string
	for _, s := range ids {
		if inventory.ValidBundleID(s) {
			bundles = append(bundles, s)
		}
		if inventory.ValidAndroidPackage(s) {
			packages = append(packages, s)
		}
	}
	if diff := cmp.Diff([]string{"com.tencent.xin", "com.example.notes-lists", "us.zoom.videomeetings", "com.ss.iphone.ugc.Aweme", "a", "1a.b"}, bundles, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("bundle ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"com.tencent.xin", "us.zoom.videomeetings", "com.ss.iphone.ugc.Aweme", "a", "com.example.app_1"}, packages, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("package names (-want +got):\n%s", diff)
	}
}

// Apps of a device whose platform is Android are Android packages.
func TestAndroid(t *testing.T) {
	inv, err := read(ClassicReader{}, "a.xml", []byte(`<mobile_device><general><id>5</id><os_type>Android</os_type></general><applications><application><application_name>WeChat</application_name><application_version>8.0</application_version><identifier>com.tencent.mm</identifier></application></applications></mobile_device>`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || inv.Items[0].Ecosystem != "android" || inv.Items[0].Get(inventory.AndroidID) != "com.tencent.mm" || inv.Items[0].Get(inventory.BundleID) != "" {
		t.Errorf("items %+v", inv.Items)
	}
}
