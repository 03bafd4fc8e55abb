//go:build !linux

package netflow

import (
	"net"
	"syscall"
)

// oobSize is zero: only Linux reports drops with each datagram.
var oobSize = 0

// tune asks for a receive buffer of want bytes; the system does not say
// what it granted, nor how many datagrams it drops.
func tune(c *net.UDPConn, _ syscall.RawConn, want int) (int, error) {
	return want, c.SetReadBuffer(want)
}

func oobDrops([]byte) (uint64, bool) { return 0, false }

func socketDrops(syscall.RawConn) (uint64, bool) { return 0, false }
