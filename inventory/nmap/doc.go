// Package nmap reads Nmap's XML output (nmap -oX), as Nmap 7 writes it
// and its DTD defines (nmap.dtd, shipped by Debian's nmap package as
// /usr/share/nmap/nmap.dtd; "XML Output (-oX)" and "Appendix A. Nmap XML
// Output DTD" in the Nmap book, https://nmap.org/book/output-formats-xml-output.html
// and https://nmap.org/book/app-nmap-dtd.html).
//
// Each <host> whose <status state="up"> becomes a device item; hosts
// down, unknown or skipped are passed over. A device carries:
//
//   - its addresses: <address addrtype="ipv4|ipv6"> as inventory.IP,
//     addrtype="mac" as inventory.MAC (lower-case, colons) with the
//     vendor Nmap prints for it as inventory.MACVendor (Nmap's own
//     nmap-mac-prefixes; nothing is looked up here). Nmap prints no vendor
//     for a locally administered or group MAC, and none is added;
//   - its <hostnames> as Hostname;
//   - for every open port's <service>: product, version and extrainfo as
//     ServiceProduct (as Nmap's VERSION column prints them), devicetype as
//     DeviceType, ostype as OS, and its <cpe>s as inventory.CPE;
//   - from <os>, the first <osmatch> only, the best (Nmap lists them by
//     accuracy, highest first): "name (accuracy%)" as OSMatch, its
//     <osclass> types as DeviceType and their <cpe>s as inventory.CPE
//     (an osclass's vendor is in its CPE);
//   - from the output of the NSE scripts that say what a device is, by
//     script id, as each script's documentation (https://nmap.org/nsedoc/)
//     and source define it:
//     http-server-header (each <elem>: inventory.HTTPServer),
//     http-title (elem "title": HTTPTitle),
//     ssl-cert (table "subject": inventory.TLSSubject, as an RFC 2253
//     string like crypto/x509's),
//     snmp-sysdescr (the output less its "System uptime" line:
//     inventory.SNMPDescr),
//     snmp-info (elem "enterprise", the SNMPv3 engine's IANA enterprise as
//     Nmap names it: SNMPEnterprise; an engine ID of format "mac" gives
//     the device's MAC),
//     upnp-info (output lines "Server:" and "Webserver:":
//     inventory.HTTPServer, "Manufacturer:": inventory.Manufacturer,
//     "Model Name:" and "Model Version:" (the UPnP modelNumber):
//     inventory.DeviceModel), and broadcast-upnp-info, a pre-scan script
//     whose output holds the same lines for each address that answered:
//     they join the host of that address, and an address Nmap did not
//     report as a host becomes a device of its own. Other scripts
//     (broadcast-wsdd-discover gives device types, not makers) are not read.
//
// The item's name is its UPnP model, else its first hostname, else its
// address; Location.Ref is "host[N]", the Nth <host> of the file (as in
// XPath), Line the line of that <host>, Host its first IP address, else
// its MAC.
//
// Nmap writes <runstats> last, when the scan has ended. A file without it
// is a run that was stopped (or is still going): the hosts read are kept,
// a host the file ends inside becomes an Unknown, and one more Unknown
// says that the run is incomplete, so that what the scan never reported
// is not taken for absent. A run that ended with <finished exit="error">
// gives an Unknown with Nmap's error message. XML that is not well formed
// is an *inventory.InputError with its line.
//
// The XML is read by a small streaming lexer that keeps to encoding/xml's
// strict tokenizer (a fuzz test compares them), at several times its
// speed, with memory bounded by one host.
package nmap

import "github.com/embargo-dev/embargo/inventory"

// Fields this reader records, by their short names here.
const (
	Hostname       = inventory.Hostname       // a DNS or user-given name of the host
	DeviceType     = inventory.DeviceType     // Nmap's device type: webcam, router, WAP, ...
	OS             = inventory.OS             // a service's ostype
	OSMatch        = inventory.OSMatch        // the best OS match, "name (accuracy%)"
	ServiceProduct = inventory.ServiceProduct // a service's product, version and extra info
	HTTPTitle      = inventory.HTTPTitle      // the title of the web interface's page
	SNMPEnterprise = inventory.SNMPEnterprise // the SNMP engine's enterprise
)
