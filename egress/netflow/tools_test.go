package netflow

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/internal/testtool"
)

// requireTool fails the test when a tool the test drives is missing.
func requireTool(tb testing.TB, name, debian string) {
	tb.Helper()
	testtool.Command(tb, name, debian)
}

// packet is one packet of a synthetic capture, from src to dst.
type synthPacket struct {
	at       time.Time
	src, dst netip.AddrPort
	proto    uint8
	payload  int
	tcpFlags string // "S", "SA", "A", "PA", "FA"
}

// ipLen is the packet's length from the IP header on: what flow
// exporters count.
func (p synthPacket) ipLen() int {
	n := 20
	if p.src.Addr().Is6() {
		n = 40
	}
	if p.proto == egress.TCP {
		return n + 20 + p.payload
	}
	return n + 8 + p.payload
}

// writeCapture writes packets as an Ethernet pcap file.
func writeCapture(tb testing.TB, path string, packets []synthPacket) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		tb.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	payload := make([]byte, 65535)
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	for i, p := range packets {
		eth := &layers.Ethernet{SrcMAC: []byte{2, 0, 0, 0, 0, 1}, DstMAC: []byte{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
		var ip gopacket.NetworkLayer
		if p.src.Addr().Is6() {
			eth.EthernetType = layers.EthernetTypeIPv6
			ip = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocol(p.proto), SrcIP: p.src.Addr().AsSlice(), DstIP: p.dst.Addr().AsSlice()}
		} else {
			ip = &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocol(p.proto), SrcIP: p.src.Addr().AsSlice(), DstIP: p.dst.Addr().AsSlice()}
		}
		var l4 gopacket.SerializableLayer
		switch p.proto {
		case egress.TCP:
			tcp := &layers.TCP{SrcPort: layers.TCPPort(p.src.Port()), DstPort: layers.TCPPort(p.dst.Port()), Seq: uint32(i), Window: 1024,
				SYN: bytes.ContainsRune([]byte(p.tcpFlags), 'S'), ACK: bytes.ContainsRune([]byte(p.tcpFlags), 'A'),
				PSH: bytes.ContainsRune([]byte(p.tcpFlags), 'P'), FIN: bytes.ContainsRune([]byte(p.tcpFlags), 'F')}
			tcp.SetNetworkLayerForChecksum(ip)
			l4 = tcp
		default:
			udp := &layers.UDP{SrcPort: layers.UDPPort(p.src.Port()), DstPort: layers.UDPPort(p.dst.Port())}
			udp.SetNetworkLayerForChecksum(ip)
			l4 = udp
		}
		if err := gopacket.SerializeLayers(buf, opts, eth, ip.(gopacket.SerializableLayer), l4, gopacket.Payload(payload[:p.payload])); err != nil {
			tb.Fatalf("building packet %d: %v", i, err)
		}
		data := buf.Bytes()
		ci := gopacket.CaptureInfo{Timestamp: p.at, CaptureLength: len(data), Length: len(data)}
		if err := w.WritePacket(ci, data); err != nil {
			tb.Fatal(err)
		}
	}
}

var processed = regexp.MustCompile(`Packets processed: (\d+)`)

// exportCapture runs softflowd over a capture of n packets, exporting
// with version ("5", "9", "10") to dest, and returns softflowd's summary.
//
// softflowd 1.1.0 reading a file sometimes exports everything and exits
// at its end, and sometimes blocks accepting on its control socket
// between reads and after the last. So while it runs it is asked for
// "statistics" (as softflowctl asks) until all n packets are processed,
// and then to "shutdown", which expires and exports every flow.
func exportCapture(tb testing.TB, capture string, n int, dest, version string, extra ...string) string {
	tb.Helper()
	requireTool(tb, "softflowd", "softflowd")
	dir := tb.TempDir()
	ctl := filepath.Join(dir, "ctl")
	args := append([]string{"-d", "-r", capture, "-n", dest, "-v", version, "-p", filepath.Join(dir, "pid"), "-c", ctl}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "softflowd", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting softflowd %q: %v", args, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// ask sends a request as softflowctl does; errors are expected while
	// softflowd starts or exits.
	ask := func(req string) string {
		c, err := net.Dial("unix", ctl)
		if err != nil {
			return ""
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, req+"\n")
		b, _ := io.ReadAll(c)
		return string(b)
	}
	var err error
	for done, asked := 0, false; ; {
		select {
		case err = <-exited:
		case <-ctx.Done():
			tb.Fatalf("softflowd %q processed %d of %d packets in 2 minutes", args, done, n)
		default:
			// Each request lets softflowd read on when it blocks.
			m := processed.FindStringSubmatch(ask("statistics"))
			if m == nil {
				time.Sleep(time.Millisecond)
			} else if now, _ := strconv.Atoi(m[1]); now == done {
				time.Sleep(time.Millisecond)
			} else {
				done = now
			}
			if done >= n && !asked {
				ask("shutdown")
				asked = true
			}
			continue
		}
		break
	}
	if err != nil {
		tb.Fatalf("softflowd %q: %v\n%s", args, err, out.String())
	}
	return out.String()
}

var exported = regexp.MustCompile(`Flows exported: \d+ \((\d+) records\)`)

// exportedFlows reads the number of flow records softflowd says it
// exported (a conversation is a record per direction).
func exportedFlows(tb testing.TB, summary string) int {
	tb.Helper()
	m := exported.FindStringSubmatch(summary)
	if m == nil {
		tb.Fatalf("no flow count in softflowd's summary:\n%s", summary)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func (p synthPacket) String() string {
	return fmt.Sprintf("%s %s>%s %d", p.at.Format(time.RFC3339Nano), p.src, p.dst, p.payload)
}
