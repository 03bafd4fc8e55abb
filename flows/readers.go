package flows

import (
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/eve"
	"github.com/embargo-dev/embargo/egress/pcap"
	"github.com/embargo-dev/embargo/egress/vpcflow"
	"github.com/embargo-dev/embargo/egress/zeek"
)

// Readers lists one of each flow reader, in the order they are offered an
// input to recognise: binary formats first, their magic numbers are
// certain, text formats are recognised by their fields. A new format is
// one package under egress/ and one line here.
func Readers() []egress.Reader {
	return []egress.Reader{
		&pcap.Reader{},
		zeek.Reader{},
		eve.Reader{},
		vpcflow.Reader{},
	}
}
