//go:build linux

package netlab

import (
	"fmt"
	"net"
	"time"
)

// Vendor facts the presets use; testdata/SOURCES.md gives each source.
var (
	// HikvisionOUI is an MA-L assignment of Hangzhou Hikvision Digital
	// Technology Co.,Ltd. in the IEEE registry (Debian ieee-data
	// 20220827.1, oui.csv: "MA-L,4447CC,..."); nmap 7.93's
	// nmap-mac-prefixes names the same vendor for it.
	HikvisionOUI = [3]byte{0x44, 0x47, 0xCC}
)

const (
	// HikvisionEnterprise is Hikvision's IANA Private Enterprise Number
	// ("Hikvision Digital Technology Co., Ltd.").
	HikvisionEnterprise = 39165
	// HikvisionServer is a Server header that nmap's service signatures
	// (nmap-service-probes, "Hikvision camera httpd") attribute to
	// Hikvision cameras; those signatures also fix the Date header's
	// form that follows it.
	HikvisionServer = "Hikvision-Webs"
	// hikvisionDateLayout writes a Date as those signatures expect.
	hikvisionDateLayout = time.ANSIC
	// netlabUPnPServer is the presets' SSDP SERVER header, in the
	// "OS/version UPnP/2.0 product/version" form; made up.
	netlabUPnPServer = "Linux/6.1 UPnP/2.0 netlab/1.0"
)

// MAC returns the address with the given 24-bit OUI and the low 24 bits
// of n as the device's part.
func MAC(oui [3]byte, n uint32) net.HardwareAddr {
	return net.HardwareAddr{oui[0], oui[1], oui[2], byte(n >> 16), byte(n >> 8), byte(n)}
}

// LocalMAC returns a locally administered unicast address (first octet
// 0x02: the U/L bit set, the I/G bit clear), which belongs to no vendor.
func LocalMAC(n uint32) net.HardwareAddr {
	return net.HardwareAddr{0x02, 0x4e, 0x4c, byte(n >> 16), byte(n >> 8), byte(n)}
}

// HikvisionCamera is a camera that shows Hikvision in every signal the
// lab emulates: a Hikvision OUI, a sysObjectID under Hikvision's
// enterprise number, the Hikvision-Webs Server header, a certificate
// with O=Hikvision, and ONVIF and UPnP manufacturer "Hikvision". The
// model, serial, firmware, sysDescr, sub-identifiers after the
// enterprise number, the UPnP SERVER header and the certificate's exact
// subject are made up for the tests.
func HikvisionCamera(name string, n uint32) DeviceSpec {
	const model = "DS-NETLAB-01"
	return DeviceSpec{
		Name: name,
		MAC:  MAC(HikvisionOUI, 0x4e4c00|n&0xff),
		SNMP: &SNMP{
			ObjectID: fmt.Sprintf("1.3.6.1.4.1.%d.1.1", HikvisionEnterprise),
			Descr:    "Hikvision network camera " + model + " (netlab)",
			Name:     name,
			Location: "netlab",
		},
		HTTP: &HTTP{
			Server:      HikvisionServer,
			DateLayout:  hikvisionDateLayout,
			LoginMarker: "netlab camera login",
			TLS:         &Subject{Organization: "Hikvision", CommonName: "IP Camera " + name},
		},
		ONVIF: &ONVIF{
			Manufacturer: "Hikvision", Model: model, FirmwareVersion: "V0.0.1 build 260101",
			SerialNumber: fmt.Sprintf("%s%06d", model, n), HardwareID: "88",
		},
		SSDP: &SSDP{
			FriendlyName: "IP Camera " + name, Manufacturer: "Hikvision", ModelName: model,
			ModelNumber: model, SerialNumber: fmt.Sprintf("%s%06d", model, n), Server: netlabUPnPServer,
		},
	}
}

// RebrandedCamera is sold under the label "Acme": every name it shows
// says Acme, but its MAC has a Hikvision OUI and its sysObjectID lies
// under Hikvision's enterprise number (issue 18's "sold as Acme, made
// by Hikvision" case). Acme and its strings are fictitious.
func RebrandedCamera(name string, n uint32) DeviceSpec {
	const model = "ACME-CAM-4"
	return DeviceSpec{
		Name: name,
		MAC:  MAC(HikvisionOUI, 0x4e4d00|n&0xff),
		SNMP: &SNMP{
			ObjectID: fmt.Sprintf("1.3.6.1.4.1.%d.1.1", HikvisionEnterprise),
			Descr:    "Acme " + model,
			Name:     name,
		},
		HTTP: &HTTP{
			LoginMarker: "Acme Security camera login",
			TLS:         &Subject{Organization: "Acme Security", CommonName: "Acme " + model},
		},
		ONVIF: &ONVIF{
			Manufacturer: "Acme Security", Model: model, FirmwareVersion: "1.0.0",
			SerialNumber: fmt.Sprintf("AC%08d", n), HardwareID: "ACME-4",
		},
		SSDP: &SSDP{
			FriendlyName: "Acme " + model, Manufacturer: "Acme Security", ModelName: model,
			SerialNumber: fmt.Sprintf("AC%08d", n), Server: netlabUPnPServer,
		},
	}
}

// ConsumerCamera has only a consumer label on its login page (the
// fictitious "Netlab Home Cam"), a locally administered MAC and an mDNS
// responder advertising its web page as a "_http._tcp" service under its
// name: no Server header, certificate, SNMP, ONVIF or UPnP. Nothing
// identifies a manufacturer, so it is issue 18's "unknown, not
// compliant" case.
func ConsumerCamera(name string, n uint32) DeviceSpec {
	return DeviceSpec{
		Name: name,
		MAC:  LocalMAC(n),
		HTTP: &HTTP{LoginMarker: "Netlab Home Cam"},
		MDNS: &MDNS{Services: []MDNSService{{Type: "_http._tcp", Instance: "Netlab Home Cam", Port: 80}}},
	}
}
