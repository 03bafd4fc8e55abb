//go:build linux

package netlab

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Watcher records every frame that one interface of a lab namespace
// sends or receives, from an AF_PACKET socket bound to that interface
// (see packet(7)). It is meant for proving that a scanner sent nothing
// to an address it was not given: watch the interfaces of the devices
// that are not targets, and the scanner's uplink to the outside sink.
type Watcher struct {
	name string
	f    *os.File
	done chan struct{}
	stop sync.Once

	mu      sync.Mutex
	pkts    []Packet
	changed chan struct{} // closed and replaced at each new packet
}

// Watch starts recording the frames of interface iface in the role's
// namespace (for instance Outside, "eth0", or a device's name and
// "eth0", or LAN and a device's Port). Recording starts before Watch
// returns and ends with Stop or the lab's cleanup; it fails the test on
// error.
func (l *Lab) Watch(role, iface string) *Watcher {
	l.t.Helper()
	w, err := l.watch(role, iface)
	if err != nil {
		l.t.Fatalf("netlab: watching %s/%s: %v", role, iface, err)
	}
	l.onClose(func() { w.Stop() })
	return w
}

func (l *Lab) watch(role, iface string) (*Watcher, error) {
	var fd int
	err := l.Do(role, func() error {
		ifi, err := netInterface(iface)
		if err != nil {
			return err
		}
		// Protocol 0 receives nothing until the bind below sets the
		// protocol and interface, so no other interface's frame slips in.
		s, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20)
		err = unix.Bind(s, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi})
		if err != nil {
			unix.Close(s)
			return err
		}
		fd = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		name:    role + "/" + iface,
		f:       os.NewFile(uintptr(fd), "packet "+role+"/"+iface),
		done:    make(chan struct{}),
		changed: make(chan struct{}),
	}
	go w.read()
	return w, nil
}

// read records frames until the socket is closed.
func (w *Watcher) read() {
	defer close(w.done)
	rc, err := w.f.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 1<<16)
	for {
		var (
			n    int
			from unix.Sockaddr
			rerr error
		)
		err := rc.Read(func(fd uintptr) bool {
			n, from, rerr = unix.Recvfrom(int(fd), buf, 0)
			return !errors.Is(rerr, unix.EAGAIN)
		})
		if err != nil {
			return
		}
		if rerr != nil {
			if errors.Is(rerr, unix.EINTR) {
				continue
			}
			return
		}
		p := decodeFrame(buf[:n])
		p.Time = time.Now()
		if ll, ok := from.(*unix.SockaddrLinklayer); ok {
			p.Outgoing = ll.Pkttype == unix.PACKET_OUTGOING
		}
		w.mu.Lock()
		w.pkts = append(w.pkts, p)
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
	}
}

// Packets returns the frames recorded so far.
func (w *Watcher) Packets() []Packet {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Packet(nil), w.pkts...)
}

// Stop ends the recording and returns every frame recorded.
func (w *Watcher) Stop() []Packet {
	w.stop.Do(func() {
		w.f.Close()
		<-w.done
	})
	return w.Packets()
}

// WaitFor returns the first recorded frame for which match is true,
// waiting for it until ctx ends.
func (w *Watcher) WaitFor(ctx context.Context, match func(Packet) bool) (Packet, error) {
	seen := 0
	for {
		w.mu.Lock()
		pkts, changed := w.pkts[seen:], w.changed
		seen = len(w.pkts)
		w.mu.Unlock()
		for _, p := range pkts {
			if match(p) {
				return p, nil
			}
		}
		select {
		case <-changed:
		case <-w.done:
			return Packet{}, fmt.Errorf("netlab: watcher %s stopped", w.name)
		case <-ctx.Done():
			return Packet{}, fmt.Errorf("netlab: no such packet on %s: %w", w.name, ctx.Err())
		}
	}
}

// htons converts to network byte order, as sockaddr_ll wants.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}
