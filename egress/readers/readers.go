// Package readers is the registration list of the flow readers: every
// format `embargo flows` reads, in the order they are offered an input to
// recognise.
package readers

import (
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/eve"
	"github.com/embargo-dev/embargo/egress/pcap"
	"github.com/embargo-dev/embargo/egress/vpcflow"
	"github.com/embargo-dev/embargo/egress/zeek"
)

// All returns one of each reader. Binary formats come first: their magic
// numbers are certain, text formats are recognised by their fields.
func All() []egress.Reader {
	return []egress.Reader{
		&pcap.Reader{},
		zeek.Reader{},
		eve.Reader{},
		vpcflow.Reader{},
	}
}
