package netflow

import (
	"bufio"
	"cmp"
	"context"
	"net/netip"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/egress"
)

// captureStart is the time of the test capture's first packet.
var captureStart = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// testCapture is a handful of TCP and UDP conversations over IPv4 and
// IPv6 with known sizes and times.
func testCapture() []synthPacket {
	var ps []synthPacket
	add := func(ms int, src, dst string, proto uint8, payload int, flags string) {
		ps = append(ps, synthPacket{at: captureStart.Add(time.Duration(ms) * time.Millisecond),
			src: netip.MustParseAddrPort(src), dst: netip.MustParseAddrPort(dst), proto: proto, payload: payload, tcpFlags: flags})
	}
	c, s := "10.1.0.1:40001", "10.2.0.1:443"
	add(0, c, s, egress.TCP, 0, "S")
	add(10, s, c, egress.TCP, 0, "SA")
	add(20, c, s, egress.TCP, 0, "A")
	add(30, c, s, egress.TCP, 300, "PA")
	add(45, s, c, egress.TCP, 1400, "PA")
	add(46, s, c, egress.TCP, 1400, "PA")
	add(60, c, s, egress.TCP, 0, "A")
	add(250, s, c, egress.TCP, 700, "PA")
	add(1000, "10.1.0.2:53001", "10.2.0.2:53", egress.UDP, 40, "")
	add(1012, "10.2.0.2:53", "10.1.0.2:53001", egress.UDP, 120, "")
	for i := range 3 {
		add(2000+100*i, "10.1.0.3:12345", "10.2.0.3:9999", egress.UDP, 500, "")
	}
	c6, s6 := "[2001:db8::1]:40002", "[2001:db8:1::2]:80"
	add(3000, c6, s6, egress.TCP, 0, "S")
	add(3005, s6, c6, egress.TCP, 0, "SA")
	add(3010, c6, s6, egress.TCP, 0, "A")
	add(3020, c6, s6, egress.TCP, 200, "PA")
	add(3040, s6, c6, egress.TCP, 1000, "PA")
	add(4000, "[2001:db8::3]:5353", "[2001:db8:1::4]:5353", egress.UDP, 100, "")
	return ps
}

// flowsOf sums packets into one flow per direction, as softflowd does:
// bytes are the Ethernet payload (IP packet and any padding to the
// 60-byte minimum frame); both directions of a conversation carry the
// conversation's first and last times.
func flowsOf(ps []synthPacket, v4only bool) []egress.Flow {
	type key struct{ src, dst netip.AddrPort }
	m := map[key]*egress.Flow{}
	var order []key
	span := map[key][2]time.Time{}
	for _, p := range ps {
		if v4only && p.src.Addr().Is6() {
			continue
		}
		k := key{p.src, p.dst}
		f := m[k]
		if f == nil {
			f = &egress.Flow{Src: p.src.Addr(), Dst: p.dst.Addr(), SrcPort: p.src.Port(), DstPort: p.dst.Port(), Proto: p.proto}
			m[k] = f
			order = append(order, k)
		}
		f.BytesOut += uint64(max(p.ipLen(), 46))
		f.PktsOut++
		c := k
		if _, ok := span[key{k.dst, k.src}]; ok {
			c = key{k.dst, k.src}
		}
		s, ok := span[c]
		if !ok {
			s[0] = p.at
		}
		s[1] = p.at
		span[c] = s
	}
	var out []egress.Flow
	for _, k := range order {
		f := *m[k]
		s, ok := span[k]
		if !ok {
			s = span[key{k.dst, k.src}]
		}
		f.Start, f.End = s[0], s[1]
		out = append(out, f)
	}
	return sortFlows(out)
}

func sortFlows(fs []egress.Flow) []egress.Flow {
	slices.SortFunc(fs, func(a, b egress.Flow) int {
		return cmp.Or(a.Src.Compare(b.Src), a.Dst.Compare(b.Dst), cmp.Compare(a.SrcPort, b.SrcPort), cmp.Compare(a.DstPort, b.DstPort))
	})
	return fs
}

// runListener runs a Listener until stop is called, which returns what
// its sink got.
func runListener(t *testing.T, limits Limits) (*Listener, func() *collect) {
	t.Helper()
	l, err := Listen("127.0.0.1:0", limits)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var c collect
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, &c) }()
	return l, func() *collect {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		return &c
	}
}

// waitFlows waits until l has decoded n flows or a few seconds passed.
func waitFlows(l *Listener, n int) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if l.Counters().Flows >= uint64(n) {
			return
		}
	}
}

// TestSoftflowdToListener has softflowd read a capture with known
// conversations and export it as NetFlow v5, v9 and IPFIX to a Listener;
// the flows decoded must be those in the capture, as tshark counts them.
func TestSoftflowdToListener(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "test.pcap")
	packets := testCapture()
	writeCapture(t, capture, packets)
	fromTshark := tsharkConversations(t, capture)
	for _, tc := range []struct {
		version string
		v4only  bool
		// slack is how far times may be off: exporters count ms. (v9
		// headers give the export time in whole seconds, which loses
		// nothing here: softflowd -a exports at the capture's last
		// packet, on a whole second.)
		slack time.Duration
	}{{"5", true, 2 * time.Millisecond}, {"9", false, 2 * time.Millisecond}, {"10", false, 2 * time.Millisecond}} {
		t.Run("v"+tc.version, func(t *testing.T) {
			l, stop := runListener(t, Limits{})
			summary := exportCapture(t, capture, len(packets), l.Addr().String(), tc.version, "-a")
			want := flowsOf(packets, tc.v4only)
			if n := exportedFlows(t, summary); n != len(want) {
				t.Errorf("softflowd exported %d flows, the capture has %d\n%s", n, len(want), summary)
			}
			waitFlows(l, len(want))
			c := stop()
			got := sortFlows(c.flows)
			opts := []gocmp.Option{addrCmp, gocmp.Comparer(func(a, b time.Time) bool { return a.Sub(b).Abs() <= tc.slack }),
				gocmp.FilterPath(func(p gocmp.Path) bool { return p.Last().String() == ".Where" }, gocmp.Ignore())}
			if diff := gocmp.Diff(want, got, opts...); diff != "" {
				t.Errorf("flows (-capture +decoded):\n%s", diff)
			}
			if len(c.bad) > 0 {
				t.Errorf("bad: %v", c.bad)
			}
			if counters := l.Counters(); counters.Dropped != 0 || counters.Bad != 0 {
				t.Errorf("counters %+v", counters)
			}
			for _, f := range got {
				k := conversation{f.Src, f.Dst, f.SrcPort, f.DstPort, f.Proto}
				if ts, ok := fromTshark[k]; !ok || ts.frames != f.PktsOut || ts.bytes != f.BytesOut {
					t.Errorf("%v: decoded %d packets %d bytes, tshark counts %+v", k, f.PktsOut, f.BytesOut, ts)
				}
			}
		})
	}
}

type conversation struct {
	src, dst         netip.Addr
	srcPort, dstPort uint16
	proto            uint8
}

type counts struct{ frames, bytes uint64 }

// tsharkConversations counts each direction of each TCP and UDP
// conversation with tshark, in IP bytes (less the Ethernet header).
func tsharkConversations(t *testing.T, capture string) map[conversation]counts {
	t.Helper()
	requireTool(t, "tshark", "tshark")
	out, err := exec.Command("tshark", "-r", capture, "-q", "-z", "conv,tcp", "-z", "conv,udp").Output()
	if err != nil {
		t.Fatalf("tshark conv: %v", err)
	}
	m := map[conversation]counts{}
	var proto uint8
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "TCP Conversations"):
			proto = egress.TCP
		case strings.HasPrefix(line, "UDP Conversations"):
			proto = egress.UDP
		}
		// A <-> B  framesBA bytesBA "bytes"  framesAB bytesAB "bytes" ...
		f := strings.Fields(line)
		if len(f) < 9 || f[1] != "<->" || f[5] != "bytes" || f[8] != "bytes" {
			continue
		}
		a, b := hostPort(t, f[0]), hostPort(t, f[2])
		num := func(s string) uint64 { n, err := strconv.ParseUint(s, 10, 64); must(t, err); return n }
		ba, bab := num(f[3]), num(f[4])
		ab, abb := num(f[6]), num(f[7])
		m[conversation{a.Addr(), b.Addr(), a.Port(), b.Port(), proto}] = counts{ab, abb - 14*ab}
		if ba > 0 {
			m[conversation{b.Addr(), a.Addr(), b.Port(), a.Port(), proto}] = counts{ba, bab - 14*ba}
		}
	}
	if len(m) == 0 {
		t.Fatalf("no conversations in tshark's output:\n%s", out)
	}
	return m
}

// hostPort parses tshark's "addr:port", IPv6 addresses unbracketed.
func hostPort(t *testing.T, s string) netip.AddrPort {
	i := strings.LastIndexByte(s, ':')
	port, err := strconv.ParseUint(s[i+1:], 10, 16)
	must(t, err)
	return netip.AddrPortFrom(netip.MustParseAddr(s[:i]), uint16(port))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
