package netflow

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/embargo-dev/embargo/egress"
)

// dial returns a socket sending to l from the loopback address from
// (exporters are told apart by address).
func dial(t *testing.T, l *Listener, from string) *net.UDPConn {
	t.Helper()
	c, err := net.DialUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(from+":0")), l.Addr().(*net.UDPAddr))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func send(t *testing.T, c *net.UDPConn, datagrams ...[]byte) {
	t.Helper()
	for _, d := range datagrams {
		if _, err := c.Write(d); err != nil {
			t.Fatal(err)
		}
	}
}

// waitPackets waits until l has taken n datagrams (decoded or dropped).
func waitPackets(l *Listener, n uint64) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if c := l.Counters(); c.Packets+c.Dropped >= n {
			return
		}
	}
}

func TestListenerTemplatesPerExporter(t *testing.T) {
	l, stop := runListener(t, Limits{})
	t.Logf("receive buffer granted: %d bytes", l.ReceiveBuffer())
	if l.ReceiveBuffer() < ReceiveBuffer {
		t.Errorf("receive buffer %d, asked for %d (as root the buffer is forced)", l.ReceiveBuffer(), ReceiveBuffer)
	}
	a, b := dial(t, l, "127.0.0.1"), dial(t, l, "127.0.0.2")
	rec := v4rec("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 90_000, 99_500, 1500, 3)
	send(t, a, v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl(1024, softflowdV4...))))
	waitPackets(l, 1)
	send(t, b, v9(100_000, exportSecs, 0, set(1024, rec)))
	send(t, a, v9(100_000, exportSecs, 0, set(1024, rec)))
	waitPackets(l, 3)
	c := stop()
	if len(c.flows) != 1 || len(c.bad) != 1 {
		t.Fatalf("flows %v, bad %v: want one of each", c.flows, c.bad)
	}
	wantFlow := "from " + a.LocalAddr().String() + " datagram 2 set 1 record 1"
	if c.flows[0].Where.Record != wantFlow || c.flows[0].Where.Source != "udp:"+l.Addr().String() {
		t.Errorf("flow at %+v, want %q", c.flows[0].Where, wantFlow)
	}
	wantBad := "from " + b.LocalAddr().String() + " datagram 1 set 1"
	if c.bad[0].Where.Record != wantBad || !strings.Contains(c.bad[0].Reason, "before its template") {
		t.Errorf("bad %+v, want at %q", c.bad[0], wantBad)
	}
	want := Counters{Packets: 3, Flows: 1, Bad: 1, NoTemplate: 1}
	if got := l.Counters(); got != want {
		t.Errorf("counters %+v, want %+v", got, want)
	}
}

func TestListenerLimits(t *testing.T) {
	l, stop := runListener(t, Limits{MaxExporters: 1, MaxDatagram: 200})
	a, b := dial(t, l, "127.0.0.1"), dial(t, l, "127.0.0.2")
	ok := v5(100_000, exportSecs, 0, v5rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 1, 2, 3, 4))
	send(t, a, ok, make([]byte, 201))
	waitPackets(l, 2)
	send(t, b, ok)
	waitPackets(l, 3)
	c := stop()
	var reasons []string
	for _, b := range c.bad {
		reasons = append(reasons, b.Reason)
	}
	if len(c.flows) != 1 || len(reasons) != 2 ||
		!strings.Contains(reasons[0], "datagram of 201 bytes from "+a.LocalAddr().String()+" is longer than the limit of 200") ||
		!strings.Contains(reasons[1], "refused: the listener already decodes for the limit of 1 exporters") {
		t.Errorf("flows %d, bad %q", len(c.flows), reasons)
	}
}

func TestListenerRunOnce(t *testing.T) {
	l, stop := runListener(t, Limits{})
	time.Sleep(10 * time.Millisecond)
	if err := l.Run(context.Background(), &collect{}); err == nil {
		t.Error("second Run returned nil")
	}
	stop()
}

// shrink sets the socket's receive buffer to its minimum, so the kernel
// drops datagrams nobody reads.
func shrink(t *testing.T, l *Listener) {
	t.Helper()
	must(t, l.raw.Control(func(fd uintptr) {
		must(t, unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 0))
	}))
}

// TestKernelDrops checks both ways the kernel's drop count is read: with
// every datagram (SO_RXQ_OVFL) and at any moment (SO_MEMINFO).
func TestKernelDrops(t *testing.T) {
	l, err := Listen("127.0.0.1:0", Limits{})
	must(t, err)
	defer l.Close()
	shrink(t, l)
	c := dial(t, l, "127.0.0.1")
	const sent = 500
	for range sent {
		send(t, c, make([]byte, 1000))
	}
	meminfo, ok := socketDrops(l.raw)
	if !ok || meminfo == 0 {
		t.Fatalf("SO_MEMINFO drops %d, %v: want some", meminfo, ok)
	}
	// One more datagram after the drops carries their count.
	time.Sleep(10 * time.Millisecond)
	var read, rxq uint64
	buf, oob := make([]byte, 2000), make([]byte, oobSize)
	l.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	for i := 0; ; i++ {
		if i == 1 {
			send(t, c, make([]byte, 10)) // queued behind the first read, after the drops
		}
		_, oobn, _, _, err := l.conn.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			break
		}
		read++
		if n, ok := oobDrops(oob[:oobn]); ok {
			rxq = max(rxq, n)
		}
	}
	if rxq != meminfo || read+meminfo != sent+1 {
		t.Errorf("sent %d, read %d, SO_RXQ_OVFL says %d dropped, SO_MEMINFO %d", sent+1, read, rxq, meminfo)
	}
}

// blockingSink holds the decoding goroutine in its first Flow call
// until released.
type blockingSink struct {
	collect
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (s *blockingSink) Flow(f *egress.Flow) {
	s.once.Do(func() { close(s.entered); <-s.release })
	s.collect.Flow(f)
}

// TestListenerCountsEveryDatagram stalls the sink so the queue fills:
// every datagram sent must be decoded or counted as dropped.
func TestListenerCountsEveryDatagram(t *testing.T) {
	l, err := Listen("127.0.0.1:0", Limits{})
	must(t, err)
	s := &blockingSink{entered: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, s) }()
	c := dial(t, l, "127.0.0.1")
	dgram := v5(100_000, exportSecs, 0, v5rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 1, 2, 3, 4))
	send(t, c, dgram)
	<-s.entered
	const sent = QueueLen + 3000
	for range sent - 1 {
		send(t, c, dgram)
	}
	// Wait for the reader to fill the queue and drop the rest.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && l.Counters().Dropped < sent-1-QueueLen; {
		time.Sleep(5 * time.Millisecond)
	}
	close(s.release)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got := l.Counters(); got.Packets+got.Dropped >= sent {
			break
		}
	}
	cancel()
	must(t, <-done)
	got := l.Counters()
	if got.Packets+got.Dropped != sent || got.Dropped == 0 || got.Flows != got.Packets || uint64(len(s.flows)) != got.Flows {
		t.Errorf("sent %d: counters %+v, sink got %d flows", sent, got, len(s.flows))
	}
}

func TestExportersForgetIdle(t *testing.T) {
	x := exporters{limits: Limits{MaxExporters: 1}.withDefaults(), m: map[netip.Addr]*exporter{}}
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	t0 := time.Now()
	if x.get(a, t0) == nil {
		t.Fatal("no room for the first exporter")
	}
	if x.get(b, t0.Add(time.Minute)) != nil {
		t.Error("a second exporter got room while the first was active")
	}
	if x.get(b, t0.Add(ExporterIdle+time.Minute)) == nil || x.m[a] != nil {
		t.Errorf("the idle exporter was not forgotten: %v", x.m)
	}
}

func (s *blockingSink) Conn(x *egress.Conn) {
	var f egress.Flow
	egress.AsFlow(s, x, &f)
}
