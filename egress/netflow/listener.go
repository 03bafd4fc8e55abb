package netflow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

const (
	// ReceiveBuffer is the socket receive buffer a Listener asks for:
	// about two seconds of 200,000 flows/s in 30-record datagrams, to ride
	// out pauses of the decoding goroutine. Above net.core.rmem_max it is
	// forced where the process may (CAP_NET_ADMIN).
	ReceiveBuffer = 16 << 20
	// QueueLen is how many datagrams wait between the reading and the
	// decoding goroutine; QueueBytes bounds the bytes they hold. Datagrams
	// that find the queue full are dropped and counted.
	QueueLen   = 8192
	QueueBytes = 64 << 20
)

// Listener receives export datagrams on a UDP socket and decodes them
// with one Decoder per exporter address (so templates are per exporter).
//
// Run uses two goroutines: one only reads datagrams into pooled buffers
// and queues them, so the socket is drained as fast as the kernel fills
// it; the goroutine that called Run decodes them in arrival order and
// makes every sink call, so the sink needs no lock. Decoding takes about
// 100-300 ns per record (BenchmarkDecodeV9, BenchmarkDecodeIPFIX), so one
// decoding goroutine keeps up with millions of flows per second; more
// would only contend with the reader for the cores.
//
// Kernel drops are read on Linux from the SO_RXQ_OVFL count each datagram
// carries and, for drops after the last datagram read, from SO_MEMINFO.
type Listener struct {
	conn    *net.UDPConn
	raw     syscall.RawConn
	limits  Limits
	source  string
	rcvbuf  int
	running atomic.Bool
	closed  sync.Once

	packets, flows, bad, noTemplate atomic.Uint64
	queueDrops, kernelDrops         atomic.Uint64
	queued                          atomic.Int64 // bytes in the queue
}

// Listen opens a UDP socket on addr ("host:port"; port 0 picks one) with
// a large receive buffer and, on Linux, the kernel's drop counter
// (SO_RXQ_OVFL) switched on.
func Listen(addr string, limits Limits) (*Listener, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("netflow: listening on %q: %w", addr, err)
	}
	conn := pc.(*net.UDPConn)
	l := &Listener{conn: conn, limits: limits.withDefaults(), source: "udp:" + conn.LocalAddr().String()}
	if l.raw, err = conn.SyscallConn(); err == nil {
		l.rcvbuf, err = tune(conn, l.raw, ReceiveBuffer)
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("netflow: setting up the socket on %q: %w", addr, err)
	}
	return l, nil
}

// Addr is the address the Listener receives on.
func (l *Listener) Addr() net.Addr { return l.conn.LocalAddr() }

// ReceiveBuffer is the receive buffer the kernel granted, as getsockopt
// reports it (Linux reports twice the bytes asked for, the other half
// being its bookkeeping).
func (l *Listener) ReceiveBuffer() int { return l.rcvbuf }

// Close closes the socket; Run closes it too when it returns.
func (l *Listener) Close() error {
	var err error
	l.closed.Do(func() {
		l.Counters() // keep the kernel's last drop count
		err = l.conn.Close()
	})
	return err
}

// Counters returns what the Listener has received, decoded and dropped
// so far. It is safe to call while Run runs.
func (l *Listener) Counters() Counters {
	if n, ok := socketDrops(l.raw); ok {
		storeMax(&l.kernelDrops, n)
	}
	return Counters{
		Packets:    l.packets.Load(),
		Flows:      l.flows.Load(),
		Bad:        l.bad.Load(),
		NoTemplate: l.noTemplate.Load(),
		Dropped:    l.queueDrops.Load() + l.kernelDrops.Load(),
	}
}

// Run receives and decodes datagrams until ctx is done, then decodes
// what was already queued, closes the socket and returns nil; or returns
// the error that stopped reading. Sink calls are made from the calling
// goroutine only, one at a time. Run may be called once.
func (l *Listener) Run(ctx context.Context, sink egress.Sink) error {
	if !l.running.CompareAndSwap(false, true) {
		return errors.New("netflow: Run called twice on one Listener")
	}
	defer l.Close()
	q := make(chan datagram, QueueLen)
	readErr := make(chan error, 1)
	go func() {
		readErr <- l.read(q)
		close(q)
	}()
	// A past deadline wakes the reader; it then closes the queue.
	stop := context.AfterFunc(ctx, func() { l.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	l.decode(q, sink)
	return <-readErr
}

// datagram is one received datagram on its way to the decoder.
type datagram struct {
	from     netip.AddrPort
	buf      *[]byte // nil when the datagram was too long to keep
	oversize int
}

// small datagrams (nearly all: exporters stay under the path MTU) are
// copied into pooled buffers of this size; larger ones get their own.
const pooledSize = 2048

var buffers = sync.Pool{New: func() any { b := make([]byte, pooledSize); return &b }}

// read only reads: it copies each datagram out of one large buffer and
// queues it, never waiting for the decoder.
func (l *Listener) read(q chan<- datagram) error {
	buf := make([]byte, l.limits.MaxDatagram+1) // one more byte shows a datagram that is too long
	oob := make([]byte, oobSize)
	for {
		n, oobn, _, from, err := l.conn.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("netflow: reading datagrams on %s: %w", l.source, err)
		}
		if k, ok := oobDrops(oob[:oobn]); ok {
			storeMax(&l.kernelDrops, k)
		}
		d := datagram{from: netip.AddrPortFrom(from.Addr().Unmap(), from.Port())}
		if n > l.limits.MaxDatagram {
			d.oversize = n
		} else if l.queued.Load()+int64(n) > QueueBytes {
			l.queueDrops.Add(1)
			continue
		} else {
			if n <= pooledSize {
				d.buf = buffers.Get().(*[]byte)
			} else {
				b := make([]byte, n)
				d.buf = &b
			}
			*d.buf = (*d.buf)[:n]
			copy(*d.buf, buf[:n])
		}
		select {
		case q <- d:
			if d.buf != nil {
				l.queued.Add(int64(n))
			}
		default:
			l.queueDrops.Add(1)
			release(d.buf)
		}
	}
}

func release(b *[]byte) {
	if b != nil && cap(*b) == pooledSize {
		*b = (*b)[:pooledSize]
		buffers.Put(b)
	}
}

func storeMax(a *atomic.Uint64, v uint64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}
