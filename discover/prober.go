package discover

import (
	"context"
	"net/netip"

	"github.com/embargo-dev/embargo/inventory/discovery"
)

// Prober asks one kind of question of an address.
type Prober interface {
	// Name is the prober's name in the log, the document and --probes
	// ("snmp", "http", "onvif", "ssdp", "mdns").
	Name() string
	// Probe asks a its questions through s, and returns what a said of
	// itself as device attributes (inventory.SNMPObjectID,
	// inventory.HTTPServer, ...). Every exchange goes through s.Dial.
	// No answer is not an error: Answered is false and Attrs empty. An
	// error is a fault worth showing (a malformed answer, a refused
	// probe); what was learnt before it is kept.
	Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error)
}
