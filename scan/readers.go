package scan

import (
	"strings"

	"github.com/embargo-dev/embargo/inventory/assets"
	"github.com/embargo-dev/embargo/inventory/neighbours"
	"github.com/embargo-dev/embargo/inventory/nmap"

	"github.com/embargo-dev/embargo/inventory/dhcp"
	"github.com/embargo-dev/embargo/inventory/discovery"
	"github.com/embargo-dev/embargo/inventory/djicloud"
	"github.com/embargo-dev/embargo/inventory/lldp"
	"github.com/embargo-dev/embargo/inventory/zeekdev"

	"github.com/embargo-dev/embargo/inventory/intune"

	"github.com/embargo-dev/embargo/inventory/jamf"
	"github.com/embargo-dev/embargo/inventory/workspaceone"

	"github.com/embargo-dev/embargo/inventory/androidapk"
	"github.com/embargo-dev/embargo/inventory/androidmgmt"
	"github.com/embargo-dev/embargo/inventory/applemdm"
	"github.com/embargo-dev/embargo/inventory/ipa"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/androidpm"
	"github.com/embargo-dev/embargo/inventory/cyclonedx"
	"github.com/embargo-dev/embargo/inventory/dpkg"
	"github.com/embargo-dev/embargo/inventory/osquery"
	"github.com/embargo-dev/embargo/inventory/spdx"
)

// Readers lists every inventory reader, in the order they are tried. A
// new format is one package under inventory/ and one line here.
func Readers() []inventory.Reader {
	return []inventory.Reader{
		cyclonedx.Reader{},
		dpkg.Reader{},
		spdx.Reader{},
		osquery.Reader{},
		androidpm.Reader{},
		intune.GraphReader{},
		intune.CSVReader{},
		jamf.ClassicReader{},
		jamf.ProReader{},
		workspaceone.Reader{},
		applemdm.Reader{},
		androidmgmt.Reader{},
		androidapk.Reader{},
		ipa.Reader{},
		dhcp.Reader{},
		zeekdev.Reader{},
		lldp.Reader{},
		discovery.Reader{},
		nmap.Reader{},
		neighbours.Reader{},
		djicloud.Reader{},
		assets.Reader{}, // after intune.CSVReader: it also takes Intune's device-list CSVs
	}
}

// ReaderNames lists the readers' names for messages and help.
func ReaderNames() string {
	var names []string
	for _, r := range Readers() {
		names = append(names, r.Name())
	}
	return strings.Join(names, ", ")
}
