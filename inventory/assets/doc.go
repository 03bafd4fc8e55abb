// Package assets reads a plain CSV asset register, the list of equipment
// most departments keep in a spreadsheet: one device a row, under a
// header row naming the columns.
//
// The CSV is RFC 4180's (https://www.rfc-editor.org/rfc/rfc4180): fields
// separated by a comma, or by a semicolon or a tab as spreadsheets save
// it in locales whose decimal mark is a comma (the separator is the one
// the header row has most of, outside quotes), fields in double quotes
// where they hold a separator, a quote (doubled) or a line break. A
// UTF-8 byte order mark is dropped; UTF-16 with a byte order mark (Excel's
// "Unicode Text") is decoded; a value that is not UTF-8 is read as
// Windows-1252, the code page Excel on western Windows saves "CSV" in.
//
// Columns are found by their header, in any order, compared without case,
// spaces or punctuation and with a trailing number dropped ("MAC 2"), by
// these names:
//
//	manufacturer  manufacturer, make, vendor, brand, maker, mfr
//	model         model, model name, model number, model no
//	serial        serial, serial number, serial no, S/N, SN
//	IP address    IP, IP address, address, IPv4, IPv6, IPv4 address, IPv6 address
//	MAC address   MAC, MAC address, hardware address, physical address,
//	              Ethernet MAC, LAN MAC, Wi-Fi MAC, WLAN MAC
//	host name     hostname, host, name, device name, DNS name, FQDN
//	location      location, site, building, room, floor
//	firmware      firmware, firmware version, FW, FW version
//	asset tag     asset tag, tag, asset number, asset no, asset ID, inventory number
//	category      category, type, device type, asset type, equipment type, class
//	tags          tags, labels, embargo tags
//
// A file is a register when its header has a manufacturer column and a
// model, serial, IP or MAC column. Other columns are not read.
//
// Each row becomes a device item. The register's manufacturer is the
// label on the box, which for rebranded equipment is not who made it; it
// is recorded as inventory.Manufacturer, as the register states it, for
// attribution to weigh against the MAC's and the firmware's evidence. The
// model is inventory.DeviceModel, the serial inventory.Serial, the
// addresses inventory.IP and inventory.MAC (a cell may hold several,
// separated by spaces, commas, semicolons or bars; a MAC in lower case
// with colons), the firmware inventory.Firmware and the item's version,
// the location columns joined by " / " inventory.Site, with the host
// name, asset tag and category as Hostname, AssetTag and DeviceType, and
// each tag of the tags column (separated by commas, semicolons or bars)
// as an inventory.Tag, which packs read as item.tags. The
// item's name is the model, else the host name, else the address, else
// the serial or asset tag; Location.Ref is "row N", Line the row's first
// line, Host its first IP address, else its MAC, else its host name.
//
// A row without a manufacturer, model, serial, address, MAC, host name or
// asset tag is an Unknown, as is a row CSV cannot read; a value that is
// not an IP or a MAC in those columns is an Unknown and the row stays a
// device without it. Empty rows are passed over.
package assets

import "github.com/embargo-dev/embargo/inventory"

// Fields this reader records, by their short names here.
const (
	Hostname   = inventory.Hostname
	AssetTag   = inventory.AssetTag
	DeviceType = inventory.DeviceType // the register's category
)
