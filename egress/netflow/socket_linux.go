package netflow

import (
	"encoding/binary"
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// oobSize holds one SO_RXQ_OVFL control message (a uint32).
var oobSize = unix.CmsgSpace(4)

// tune asks for a receive buffer of want bytes, forcing it past
// net.core.rmem_max where the process may, and switches on SO_RXQ_OVFL:
// every datagram then carries the socket's count of datagrams the
// kernel dropped so far. It returns the buffer granted.
func tune(_ *net.UDPConn, raw syscall.RawConn, want int) (granted int, err error) {
	cerr := raw.Control(func(fd uintptr) {
		s := int(fd)
		if err = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUF, want); err != nil {
			return
		}
		if got, _ := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUF); got < want {
			_ = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, want) // fails without CAP_NET_ADMIN: keep what we got
		}
		if granted, err = unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUF); err != nil {
			return
		}
		err = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RXQ_OVFL, 1)
	})
	if cerr != nil {
		return 0, cerr
	}
	return granted, err
}

// oobDrops reads the kernel's drop count from a datagram's control
// messages; the kernel sends it only once it is not zero.
func oobDrops(oob []byte) (uint64, bool) {
	if len(oob) == 0 {
		return 0, false
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0, false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SO_RXQ_OVFL && len(m.Data) >= 4 {
			return uint64(binary.NativeEndian.Uint32(m.Data)), true
		}
	}
	return 0, false
}

// socketDrops reads the socket's drop count at any moment (SO_MEMINFO),
// which also covers drops after the last datagram read.
func socketDrops(raw syscall.RawConn) (uint64, bool) {
	if raw == nil {
		return 0, false
	}
	var mem [unix.SK_MEMINFO_VARS]uint32
	var errno syscall.Errno
	err := raw.Control(func(fd uintptr) {
		n := uint32(unsafe.Sizeof(mem))
		_, _, errno = unix.Syscall6(unix.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&mem[0])), uintptr(unsafe.Pointer(&n)), 0)
	})
	if err != nil || errno != 0 {
		return 0, false
	}
	return uint64(mem[unix.SK_MEMINFO_DROPS]), true
}
