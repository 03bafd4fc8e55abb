//go:build linux

package discover

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// recvErrors asks Linux to report ICMP errors on an unconnected socket:
// with IP_RECVERR, a port unreachable sets the socket's error, and the
// next read returns ECONNREFUSED as on a connected socket.
func recvErrors(pc net.PacketConn, v6 bool) {
	sc, ok := pc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		if v6 {
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVERR, 1)
			return
		}
		unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVERR, 1)
	})
}
