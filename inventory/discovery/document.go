package discovery

import (
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/inventory"
)

// Format is the document's format marker and version.
const Format = "embargo-discovery/1"

// Document is a discovery run's result: what each address that answered
// said of itself.
type Document struct {
	Format   string         `json:"format"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Targets  []netip.Prefix `json:"targets"`
	Probers  []string       `json:"probers"`
	// Addresses is how many addresses were probed, Probes how many
	// probes were sent.
	Addresses int    `json:"addresses"`
	Probes    int    `json:"probes"`
	Hosts     []Host `json:"hosts"`
	// Interrupted is set when the run was stopped before every address
	// was probed: the hosts listed are a part of what is there.
	Interrupted string `json:"interrupted,omitempty"`
}

// Host is one address that answered.
type Host struct {
	Addr netip.Addr `json:"address"`
	// MAC is what the kernel's neighbour table resolved for the address,
	// "" when it is off the local link or was not resolved.
	MAC string `json:"mac,omitempty"`
	// Observations are per prober, by prober name.
	Observations map[string]Observation `json:"observations"`
	// Errors are probers' faults, by prober name.
	Errors map[string]string `json:"errors,omitempty"`
}

// Observation is what one prober learnt of one address.
type Observation struct {
	// Answered says the address answered at all (a TCP reset counts:
	// the host is there).
	Answered bool             `json:"answered"`
	Attrs    []inventory.Attr `json:"attrs,omitempty"`
	// Notes are facts about the exchange worth keeping that are not
	// attributes ("GetDeviceInformation needs credentials",
	// "LOCATION 10.9.0.4 outside the targets, not fetched").
	Notes []string `json:"notes,omitempty"`
}

// Add appends an attribute when v is not empty.
func (o *Observation) Add(f inventory.Field, v string) {
	if v != "" {
		o.Attrs = append(o.Attrs, inventory.Attr{Field: f, Value: v})
	}
}

// fields are the attributes a discovery document may carry: what a
// device says of itself on the network. Any other field is refused, so
// that a hand-edited document cannot smuggle in software identifiers.
var fields = map[inventory.Field]bool{
	inventory.IP: true, inventory.MAC: true, inventory.Manufacturer: true, inventory.DeviceModel: true,
	inventory.Serial: true, inventory.Firmware: true, inventory.SNMPObjectID: true, inventory.SNMPDescr: true,
	inventory.SNMPEnterprise: true, inventory.HTTPServer: true, inventory.HTTPTitle: true,
	inventory.TLSSubject: true, inventory.Hostname: true, inventory.MDNSService: true,
	inventory.DeviceType: true, inventory.MACVendor: true,
}

// Field reports whether f may appear in a discovery document.
func Field(f inventory.Field) bool { return fields[f] }
