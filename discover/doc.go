// Package discover finds equipment on networks the user names and asks
// each device who it is (issue 18's active discovery): SNMP sysObjectID
// and sysDescr, HTTP(S) Server headers, titles and certificates, ONVIF
// WS-Discovery and GetDeviceInformation, SSDP device descriptions and
// mDNS service names, and the MAC address the kernel resolved for each
// address on the local link.
//
// Discovery is opt-in and confined to its targets. There is no default
// range: [Run] refuses an empty target list. A [Prober] never opens a
// socket itself; it asks its [Session], which refuses any address outside
// the targets, waits for the shared rate limit, and logs the probe before
// anything is sent. A dry run plans the same probes, logs them and sends
// nothing. The result is a discovery.Document, which the inventory reader
// inventory/discovery turns into device items, so that discovered
// equipment is attributed, judged and reported like a Nmap run's.
//
// The pipeline:
//
//	targets ──▶ Session (scope check, rate, log) ──▶ Prober ×N ──▶ Host ──▶ Document
package discover
