package policy

import (
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/inventory"
)

// Equipment categories, the values of item.equipment: what a piece of
// equipment on the network is, in the terms instruments use (s.889's
// "telecommunications equipment" and "video surveillance equipment", the
// FCC Covered List's drones). Software is not equipment: its category
// is "", as is equipment whose category nothing says.
const (
	VideoSurveillance  = "video_surveillance" // cameras, recorders, video intercoms
	Telecommunications = "telecommunications" // routers, switches, access points, firewalls, PBXs, radios
	Drone              = "drone"              // aircraft, their controllers and docks
	Computer           = "computer"           // desktops, laptops, servers, tablets
	Phone              = "phone"              // handsets, desk and VoIP phones
	Printer            = "printer"            // printers, copiers, print servers
	Storage            = "storage"            // NAS, SAN, disks and memory cards
	OtherEquipment     = "other"              // equipment known to be none of these (a UPS, a TV)
)

// Tags that claim an exception of an instrument for an item (an asset
// register's Tags column, inventory.Tag) or a whole system. A claim is
// not proof: packs turn it into a low warning naming the exception, which
// someone must still confirm.
const (
	// TagS889NoUserData claims NDAA FY2019 s.889(a)(2)(B): telecommunications
	// equipment "that cannot route or redirect user data traffic or permit
	// visibility into any user data or packets that such equipment
	// transmits or otherwise handles" is not covered (FAR 52.204-25(c)(2)).
	TagS889NoUserData = "s889-no-user-data"
	// TagS889ThirdPartyInterconnection claims s.889(a)(2)(A): a service
	// that connects to the facilities of a third party, "such as
	// backhaul, roaming, or interconnection arrangements" (FAR
	// 52.204-25(c)(1)). GSA reads it as excepting what the government
	// procures, never a contractor's own use.
	TagS889ThirdPartyInterconnection = "s889-third-party-interconnection"
	// TagASDAExemption claims one of the American Security Drone Act's
	// exemptions (research, counterterrorism, airspace safety, NTSB and
	// NOAA missions, a data-isolated aircraft) for a drone of a covered
	// foreign entity.
	TagASDAExemption = "asda-exemption"
)

// categoryRank orders the categories for when the evidence disagrees:
// the one a rule is likeliest to cover wins, since unknown is never
// compliant, and an unrecognised device type ("" here) outranks only a
// general-purpose computer guess and equipment known to be harmless. A
// Hikvision recorder that Nmap calls "media device" on a "general
// purpose" Linux stays unknown rather than becoming a computer.
var categoryRank = map[string]int{
	Drone: 8, VideoSurveillance: 7, Telecommunications: 6, Phone: 5, Printer: 4, Storage: 3,
	"": 2, Computer: 1, OtherEquipment: 0,
}

// productEquipment maps a catalogued product's category to the equipment
// category it says its equipment is. Categories of software (vms_client,
// drone_app) and of undecided firmware (device_firmware) say nothing.
var productEquipment = map[string]string{
	"video_surveillance": VideoSurveillance,
	"telecommunications": Telecommunications,
	"drone":              Drone,
	"storage":            Storage,
	"printer":            Printer,
	"phone":              Phone,
	"computer":           Computer,
}

// EquipmentOf is the category of item it attributed as at (nil when not
// attributed): "" for software and for equipment nothing classifies.
// Its evidence is each of its device types (Nmap's, or an asset
// register's category; DeviceCategory) and the category of its
// catalogued product; when they disagree, the highest-ranked wins.
func EquipmentOf(it *inventory.Item, at *attribute.Attribution) string {
	if it == nil || !isEquipment(it) {
		return ""
	}
	best, seen := "", false
	consider := func(c string) {
		if !seen || categoryRank[c] > categoryRank[best] {
			best, seen = c, true
		}
	}
	for _, a := range it.Attrs {
		if a.Field == inventory.DeviceType {
			consider(DeviceCategory(a.Value))
		}
	}
	if at != nil && at.Product != nil {
		if c, ok := productEquipment[at.Product.Category]; ok {
			consider(c)
		}
	}
	return best
}

// isEquipment reports whether an item is a device, or carries what only
// equipment on the network reports (as attribute does to read its label).
func isEquipment(it *inventory.Item) bool {
	if it.Type == inventory.Device {
		return true
	}
	for _, a := range it.Attrs {
		switch a.Field {
		case inventory.DeviceType, inventory.MAC, inventory.MACVendor, inventory.SNMPObjectID, inventory.SNMPDescr,
			inventory.HTTPServer, inventory.TLSSubject, inventory.DeviceModel:
			return true
		}
	}
	return false
}

// TagsOf is item.tags: the item's tags (inventory.Tag attributes, each
// possibly a list separated by commas, semicolons or bars), trimmed,
// lower-cased, sorted and distinct; never nil.
func TagsOf(it *inventory.Item) []string {
	out := []string{}
	if it == nil {
		return out
	}
	for _, a := range it.Attrs {
		if a.Field != inventory.Tag {
			continue
		}
		for _, t := range strings.FieldsFunc(a.Value, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				out = append(out, t)
			}
		}
	}
	if len(out) > 1 {
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// nmapTypes are Nmap's device types (the osclass type of nmap-os-db and
// the d// field of nmap-service-probes, Nmap 7.93), by their whole text in
// lower case. Types that cover unlike equipment are "": Nmap files
// Hikvision's DVRs as "media device" beside TVs and set-top boxes, gives
// Hikvision's OS fingerprint the catch-all "specialized", and puts alarm
// panels and recorders alike under "security-misc"; "remote management"
// is a server's controller card or a KVM.
var nmapTypes = map[string]string{
	"webcam": VideoSurveillance,
	"router": Telecommunications, "broadband router": Telecommunications, "broadand router": Telecommunications,
	"switch": Telecommunications, "wap": Telecommunications, "bridge": Telecommunications, "hub": Telecommunications,
	"firewall": Telecommunications, "pbx": Telecommunications, "voip adapter": Telecommunications,
	"telecom-misc": Telecommunications, "load balancer": Telecommunications, "proxy server": Telecommunications,
	"terminal server": Telecommunications, "phone": Phone, "voip phone": Phone, "pda": Phone,
	"general purpose": Computer, "terminal": Computer, "storage-misc": Storage,
	"printer": Printer, "print server": Printer, "hp printer": Printer,
	"game console": OtherEquipment, "power-device": OtherEquipment, "power-misc": OtherEquipment,
	"media device": "", "specialized": "", "specializied": "", "security-misc": "", "remote management": "",
}

// registerWords are the words and phrases of an asset register's free
// text category ("CCTV camera", "Core switch", "UAV"), matched as whole
// words whatever the case. Words that name unlike things ("network",
// "mobile", "AP", "controller") are left out: a category no word
// classifies is unknown.
var registerWords = map[string][]string{
	VideoSurveillance: {"cctv", "camera", "cameras", "ipc", "ip cam", "webcam", "nvr", "dvr", "xvr", "hvr",
		"video recorder", "surveillance", "ptz", "intercom", "doorbell", "door station"},
	Telecommunications: {"router", "routers", "switch", "switches", "access point", "access points", "wap",
		"firewall", "gateway", "modem", "ont", "onu", "olt", "pbx", "voip gateway", "base station", "radio",
		"radios", "two way radio", "repeater", "load balancer", "proxy", "multiplexer", "telecom", "telecoms",
		"telecommunications", "sd wan", "wlan controller", "5g", "lte"},
	Drone: {"drone", "drones", "uas", "uav", "uavs", "suas", "unmanned aircraft", "unmanned aerial",
		"quadcopter", "multirotor", "multicopter", "ground control station", "drone dock"},
	Phone:   {"phone", "phones", "smartphone", "handset", "telephone", "cellphone", "pda"},
	Printer: {"printer", "printers", "mfp", "mfd", "copier", "plotter", "print server"},
	Storage: {"storage", "nas", "san", "disk array", "tape library", "hard disk", "hard drive", "hdd", "ssd",
		"memory card", "sd card", "flash drive", "usb drive"},
	Computer: {"computer", "computers", "pc", "desktop", "laptop", "notebook", "workstation", "server",
		"servers", "thin client", "tablet", "general purpose"},
	OtherEquipment: {"ups", "pdu", "power supply", "power station", "tv", "television", "projector",
		"game console"},
}

// MaxDeviceType bounds the device type text DeviceCategory reads; a
// register's category is a few words, and the rest of a longer text is
// not read.
const MaxDeviceType = 256

// DeviceCategory is the equipment category a device type names: one of
// Nmap's types, else the highest-ranked category whose words the text
// contains; "" when none does.
func DeviceCategory(deviceType string) string {
	if len(deviceType) > MaxDeviceType {
		deviceType = deviceType[:MaxDeviceType]
	}
	t := strings.ToLower(strings.TrimSpace(deviceType))
	if c, ok := nmapTypes[t]; ok {
		return c
	}
	words := " " + strings.Join(strings.FieldsFunc(t, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), " ") + " "
	best, seen := "", false
	for c, phrases := range registerWords {
		for _, p := range phrases {
			if strings.Contains(words, " "+p+" ") && (!seen || categoryRank[c] > categoryRank[best]) {
				best, seen = c, true
			}
		}
	}
	return best
}
