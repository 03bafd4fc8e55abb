package store

import (
	"strings"
	"time"
)

// DeviceInfo is what a device manager (an MDM: Intune, Jamf, Workspace
// ONE, Apple MDM, Android Management) says of a phone, tablet or
// computer that is a host of the fleet: the server read it from the
// manager itself, so it is trusted as an agent's report never is. It is
// kept with the host, so that judging the device again after a change of
// policy reads the same ownership and scope, and so that the team that
// runs the manager can find the device by the manager's own id.
type DeviceInfo struct {
	// MDM names the manager (intune, jamf, workspace-one, apple-mdm,
	// android-management); MDMID is the manager's id of the device.
	MDM   string `json:"mdm"`
	MDMID string `json:"mdm_id"`
	Name  string `json:"name"`
	User  string `json:"user"`
	// Ownership is corporate, personal, shared, or empty when the
	// manager does not say (judged as the organisation's device).
	Ownership string `json:"ownership"`
	// Scope is which of the device's apps the manager lists:
	// work-profile, managed-apps, or empty for all.
	Scope        string `json:"scope"`
	Platform     string `json:"platform"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	OSVersion    string `json:"os_version"`
	Serial       string `json:"serial"`
	IMEI         string `json:"imei"`
	Group        string `json:"group"`
	// Apps is how many apps the last pull that listed the device gave;
	// -1 when it gave the device without its apps (the host keeps the
	// apps of the pull before).
	Apps int `json:"apps"`
	// Connector is the configured pull the device comes from; Seen when
	// a pull of it last listed the device; Missed how many complete
	// pulls of that connector since did not. The store keeps these.
	Connector string    `json:"connector"`
	Seen      time.Time `json:"seen"`
	Missed    int       `json:"missed"`
}

// MaxDeviceField bounds each text field of a DeviceInfo as the store
// keeps it: longer values are cut (ClipDevice).
const MaxDeviceField = 512

// ClipDevice is d as a store keeps it: each text field cut to
// MaxDeviceField bytes (at a character's boundary), Apps at least -1.
// The server judges a device by its record so clipped, so that judging
// it again from the store says the same.
func ClipDevice(d DeviceInfo) DeviceInfo {
	for _, p := range []*string{&d.MDM, &d.MDMID, &d.Name, &d.User, &d.Ownership, &d.Scope, &d.Platform, &d.Manufacturer,
		&d.Model, &d.OSVersion, &d.Serial, &d.IMEI, &d.Group} {
		if len(*p) > MaxDeviceField {
			*p = strings.ToValidUTF8((*p)[:MaxDeviceField], "")
		}
	}
	d.Apps = max(d.Apps, -1)
	return d
}

// DeviceHost is one device of a pull: the id of its host in the fleet
// (stable for the connector and the device, made by the server), the
// host name its items carry, and what its manager says.
type DeviceHost struct {
	ID     string
	Host   string
	Device DeviceInfo
}

// DevicePull is one pull of one connector's devices into a department.
// Complete says the pull listed every device the manager has (no page of
// it failed): only then does a device it leaves out count as missed.
type DevicePull struct {
	Department string
	Connector  string
	At         time.Time
	Complete   bool
	Devices    []DeviceHost
}

// DevicePullResult is what UpsertDeviceHosts did.
type DevicePullResult struct {
	// Created are the ids of the hosts the pull made.
	Created []string
	// Changed are the ids of hosts already kept whose record changed in
	// what judging reads or findings name (manager, id, name, user,
	// ownership, scope, platform, group).
	Changed []string
	// Refused are the devices not kept, by id, with why: the id is an
	// agent's, or another department's device's.
	Refused map[string]string
	// Missing are the connector's devices of the department that this
	// pull did not list, with how many complete pulls since missed them;
	// none is deleted.
	Missing []Host
}

// DeviceFilter narrows DeviceFindings.
type DeviceFilter struct {
	Department string
	Instrument string
	// App keeps the findings whose item name or product is App (any
	// case).
	App string
	// Limit bounds the rows (0: MaxFindingRows).
	Limit int
	// ByID orders by finding id and lists those after AfterID: pages of
	// an export of any length.
	ByID    bool
	AfterID string
}

// DeviceFinding is a standing (open or reopened) finding on a managed
// device, with the device as its manager names it: what the team that
// runs the manager acts on.
type DeviceFinding struct {
	FindingID  string       `json:"finding_id"`
	HostID     string       `json:"host_id"`
	Host       string       `json:"host"`
	Department string       `json:"department"`
	Instrument string       `json:"instrument"`
	Title      string       `json:"title"`
	Effect     string       `json:"effect"`
	App        string       `json:"app"` // the item's name
	Version    string       `json:"version"`
	Product    string       `json:"product"`
	Supplier   string       `json:"supplier"`
	State      FindingState `json:"state"`
	Deadline   time.Time    `json:"deadline,omitzero"`
	FirstSeen  time.Time    `json:"first_seen"`
	Device     DeviceInfo   `json:"device"`
}
