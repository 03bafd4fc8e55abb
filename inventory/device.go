package inventory

import (
	"strings"
)

// Ownership says whose a device is, as its device manager records it.
type Ownership string

const (
	// OwnershipUnknown: the inventory does not say.
	OwnershipUnknown Ownership = ""
	// Corporate: the organisation's device (Intune "company", Jamf
	// "Institutional", Workspace ONE "C", AMAPI COMPANY_OWNED).
	Corporate Ownership = "corporate"
	// Personal: an employee's own device enrolled for work (Intune
	// "personal", Jamf user enrolments, Workspace ONE "E", AMAPI
	// PERSONALLY_OWNED). Only its work profile, or its managed apps, are
	// the organisation's.
	Personal Ownership = "personal"
	// Shared: a corporate device used by many (Workspace ONE "S").
	Shared Ownership = "shared"
)

// Scope says which of a device's apps an inventory lists.
type Scope string

const (
	// ScopeAll: every app the device manager can see, or the inventory does
	// not say otherwise.
	ScopeAll Scope = ""
	// ScopeWorkProfile: only the apps of the Android work profile (the
	// device manager is its profile owner).
	ScopeWorkProfile Scope = "work-profile"
	// ScopeManaged: only the apps the device manager installed or manages
	// (Apple User Enrollment, an MDM's managed-apps-only query).
	ScopeManaged Scope = "managed-apps"
)

// ManagedDevice is a phone, tablet or computer that a device manager (an MDM)
// reports on: the host its apps are recorded against, with what the
// manager says about it. Items of the device carry Host in
// Location.Host.
type ManagedDevice struct {
	// Host is the name the device's items carry: DeviceHost(MDM, ID) when
	// the manager gives an id, so that apps and device records read from
	// different files (a Graph page of devices, one of a device's apps)
	// meet on it.
	Host string `json:"host"`
	// MDM names the manager: intune, jamf, workspace-one, apple-mdm,
	// android-management; ID is the manager's own id of the device.
	MDM string `json:"mdm,omitempty"`
	ID  string `json:"mdm_id,omitempty"`
	// Name is the device's name as the manager shows it.
	Name         string    `json:"name,omitempty"`
	Platform     string    `json:"platform,omitempty"` // ios, ipados, android, windows, macos, ...
	Manufacturer string    `json:"manufacturer,omitempty"`
	Model        string    `json:"model,omitempty"`
	OSVersion    string    `json:"os_version,omitempty"`
	Serial       string    `json:"serial,omitempty"`
	IMEI         string    `json:"imei,omitempty"`
	Ownership    Ownership `json:"ownership,omitempty"`
	// Scope says which apps were listed; a personal device's inventory
	// usually lists only its work profile or managed apps.
	Scope Scope `json:"app_scope,omitempty"`
	// User is the enrolled user (UPN, user name or e-mail); Group the
	// manager's grouping (device category, location group, department,
	// policy).
	User  string `json:"user,omitempty"`
	Group string `json:"group,omitempty"`
	// Apps is how many apps the inventory listed for the device; -1 when
	// the inventory gave the device without its apps.
	Apps     int      `json:"apps"`
	Location Location `json:"location"`
}

// DeviceHost is the host name of a device known by a manager's id: the
// manager and the id, which stay the same when the device is renamed.
func DeviceHost(mdm, id string) string { return mdm + ":" + id }

// Platform names, lower case, as Device.Platform holds them.
const (
	PlatformIOS     = "ios"
	PlatformIPadOS  = "ipados"
	PlatformAndroid = "android"
	PlatformWindows = "windows"
	PlatformMacOS   = "macos"
	PlatformTVOS    = "tvos"
	PlatformWatchOS = "watchos"
)

// NormalPlatform maps the spellings managers use ("iOS", "iPadOS",
// "Android", "AndroidForWork", "Apple", "AppleOsX", "Windows", "WinRT")
// to the names above; anything else is kept in lower case.
func NormalPlatform(s string) string {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "":
		return ""
	case l == "ios" || l == "iphone" || l == "apple":
		return PlatformIOS
	case l == "ipados" || l == "ipad":
		return PlatformIPadOS
	case strings.HasPrefix(l, "android"):
		return PlatformAndroid
	case strings.HasPrefix(l, "windows") || l == "winrt":
		return PlatformWindows
	case l == "macos" || l == "mac os" || l == "macosx" || l == "appleosx" || l == "osx" || l == "mac":
		return PlatformMacOS
	case l == "tvos" || l == "appletv":
		return PlatformTVOS
	case l == "watchos":
		return PlatformWatchOS
	}
	return l
}

// Mobile reports whether the platform is a phone's or a tablet's.
func Mobile(platform string) bool {
	switch platform {
	case PlatformIOS, PlatformIPadOS, PlatformAndroid:
		return true
	}
	return false
}

// NormalIMEI keeps the digits of an IMEI or MEID as managers print them
// ("35 123456 789012 3"); a value without digits is "".
func NormalIMEI(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'F' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Labels are what the device says about itself, for a system register's
// label selectors (systems.Rules.Labels): mdm, platform, ownership,
// app-scope, mdm-group. Empty values are left out.
func (d *ManagedDevice) Labels() map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{
		"mdm": d.MDM, "platform": d.Platform, "ownership": string(d.Ownership),
		"app-scope": string(d.Scope), "mdm-group": d.Group,
	} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// Merge adds what o says to d where d does not say it: the same device
// read from two files (its record and its apps).
func (d *ManagedDevice) Merge(o ManagedDevice) {
	fill := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	fill(&d.MDM, o.MDM)
	fill(&d.ID, o.ID)
	fill(&d.Name, o.Name)
	fill(&d.Platform, o.Platform)
	fill(&d.Manufacturer, o.Manufacturer)
	fill(&d.Model, o.Model)
	fill(&d.OSVersion, o.OSVersion)
	fill(&d.Serial, o.Serial)
	fill(&d.IMEI, o.IMEI)
	fill(&d.User, o.User)
	fill(&d.Group, o.Group)
	if d.Ownership == OwnershipUnknown {
		d.Ownership = o.Ownership
	}
	if d.Scope == ScopeAll {
		d.Scope = o.Scope
	}
	if o.Apps >= 0 {
		if d.Apps < 0 {
			d.Apps = 0
		}
		d.Apps += o.Apps
	}
	if d.Location.Source == "" {
		d.Location = o.Location
	}
}

// MergeDevices joins the records of one device (by Host) into one, in
// the order of their first appearance.
func MergeDevices(ds []ManagedDevice) []ManagedDevice {
	at := make(map[string]int, len(ds))
	out := ds[:0:0]
	for _, d := range ds {
		if i, ok := at[d.Host]; ok {
			out[i].Merge(d)
			continue
		}
		at[d.Host] = len(out)
		out = append(out, d)
	}
	return out
}
