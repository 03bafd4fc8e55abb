// Package discovery reads the documents `embargo discover` writes (format
// "embargo-discovery/1", JSON): one entry per address that answered a
// probe, with what each prober learnt of it. Each entry becomes a device
// item (Type device, Ecosystem "network"), like a host of a Nmap run:
// its address and the MAC the kernel resolved, then every prober's
// attributes in the order of the document's probers (SNMP sysObjectID
// and sysDescr, HTTP Server and title, the TLS certificate's subject,
// ONVIF manufacturer, model, firmware and serial, the UPnP description,
// mDNS service types). The item's name is its model, else its host name,
// else its address; Location.Ref is "hosts[N]" and Host the address.
//
// A prober's fault on a host (a malformed answer) is an Unknown of that
// host: the device is listed, but something it said could not be read.
// An interrupted run is an Unknown of the document: addresses after the
// interruption were not probed. An attribute of a field discovery never
// writes is an Unknown, and the attribute is dropped.
package discovery
