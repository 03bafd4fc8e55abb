//go:build !linux

package discover

import "net"

// recvErrors does nothing where IP_RECVERR is not known: a closed port
// then looks like silence.
func recvErrors(net.PacketConn, bool) {}
