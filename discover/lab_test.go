//go:build linux

package discover

import (
	"context"
	"net"
	"testing"

	"github.com/embargo-dev/embargo/internal/netlab"
)

// labNet dials from the lab's scanner namespace.
type labNet struct{ lab *netlab.Lab }

func (n labNet) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return n.lab.DialContext(ctx, "scanner", network, address)
}

func (n labNet) ListenPacket(_ context.Context, network, address string) (net.PacketConn, error) {
	return n.lab.ListenPacket("scanner", network, address)
}

// newLab starts a lab with the tools the probers' tests need.
func newLab(t *testing.T) *netlab.Lab {
	t.Helper()
	netlab.RequireTools(t, "ip", "snmpd")
	return netlab.New(t)
}
