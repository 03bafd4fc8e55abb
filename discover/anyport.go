package discover

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"time"
)

// PacketNetwork is a Network that can also open an unconnected datagram
// socket, for probes whose answer may come from another port of the
// target than the one probed (an SSDP responder built on libupnp answers
// an M-SEARCH from a socket of its own, not from udp/1900).
type PacketNetwork interface {
	Network
	ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error)
}

func (hostNetwork) ListenPacket(ctx context.Context, network, address string) (net.PacketConn, error) {
	var lc net.ListenConfig
	return lc.ListenPacket(ctx, network, address)
}

// dialAnyPort opens an unconnected socket that sends only to the probe's
// target and reads only datagrams whose source is the target's address,
// from any port. ICMP errors are asked for (IP_RECVERR where the
// platform has it), so that a closed port is still told apart from
// silence.
func (s *Session) dialAnyPort(ctx context.Context, p Probe) (net.Conn, error) {
	pn, ok := s.net.(PacketNetwork)
	if !ok {
		return nil, errors.New("the network cannot open datagram sockets")
	}
	network, local := "udp4", "0.0.0.0:0"
	if p.Target.Addr().Is6() {
		network, local = "udp6", "[::]:0"
	}
	pc, err := pn.ListenPacket(ctx, network, local)
	if err != nil {
		return nil, err
	}
	recvErrors(pc, p.Target.Addr().Is6())
	return &targetConn{PacketConn: pc, target: p.Target, udp: net.UDPAddrFromAddrPort(p.Target)}, nil
}

// targetConn is a datagram socket tied to one target address.
type targetConn struct {
	net.PacketConn
	target netip.AddrPort
	udp    *net.UDPAddr
}

func (c *targetConn) Write(b []byte) (int, error) { return c.WriteTo(b, c.udp) }

// Read returns the next datagram from the target's address, any port;
// datagrams from anyone else are dropped.
func (c *targetConn) Read(b []byte) (int, error) {
	for {
		n, from, err := c.ReadFrom(b)
		if err != nil {
			return n, err
		}
		if ua, ok := from.(*net.UDPAddr); ok && ua.AddrPort().Addr().Unmap() == c.target.Addr().Unmap() {
			return n, nil
		}
	}
}

func (c *targetConn) RemoteAddr() net.Addr { return c.udp }

func (c *targetConn) SetDeadline(t time.Time) error { return c.PacketConn.SetDeadline(t) }
