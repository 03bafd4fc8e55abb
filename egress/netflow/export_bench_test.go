package netflow

import (
	"errors"
	"flag"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/embargo-dev/embargo/egress"
)

var (
	exportPackets = flag.Int("export.packets", 1_000_000, "packets in the capture BenchmarkDecodeExport has softflowd export")
	exportCapOut  = flag.String("export.capture", "", "BenchmarkDecodeExport writes the traffic capture it generates to this file")
	exportPcap    = flag.String("export.pcap", "", "BenchmarkDecodeExport decodes the UDP payloads of this capture of export datagrams instead")
)

// bigCapture is n packets in flows of 10 UDP or TCP packets each, from
// 10.0.0.0/8 to 198.18.0.0/15, all flows active at once.
func bigCapture(n int) []synthPacket {
	flows := max(n/10, 1)
	ps := make([]synthPacket, 0, n)
	for j := 0; len(ps) < n; j++ {
		for i := 0; i < flows && len(ps) < n; i++ {
			src := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			dst := netip.AddrFrom4([4]byte{198, 18 + byte(i>>16&1), byte(i >> 8), byte(i)})
			proto, flags := egress.UDP, ""
			if i%4 == 0 {
				proto, flags = egress.TCP, "A"
			}
			ps = append(ps, synthPacket{at: captureStart.Add(time.Duration(j)*time.Second + time.Duration(i)*5*time.Microsecond),
				src: netip.AddrPortFrom(src, uint16(1024+i%60000)), dst: netip.AddrPortFrom(dst, 443), proto: proto, payload: 100 + i%1000, tcpFlags: flags})
		}
	}
	return ps
}

var (
	exportOnce      sync.Once
	exportDgrams    [][]byte
	exportSetupTime time.Duration
)

// BenchmarkDecodeExport decodes a real export as fast as it can: by
// default softflowd's NetFlow v9 export of a generated capture of
// -export.packets packets (made once, not timed); with -export.pcap, the
// export datagrams in that capture (for instance what tcpdump saw
// softflowd send nfcapd), so both decode the same datagrams.
func BenchmarkDecodeExport(b *testing.B) {
	exportOnce.Do(func() {
		start := time.Now()
		if *exportPcap != "" {
			exportDgrams = readExportCapture(b, *exportPcap)
		} else {
			capture := *exportCapOut
			if capture == "" {
				capture = filepath.Join(b.TempDir(), "traffic.pcap")
			}
			writeCapture(b, capture, bigCapture(*exportPackets))
			exportDgrams = recordExport(b, capture, *exportPackets, "9", "-a", "-m", "200000")
		}
		exportSetupTime = time.Since(start)
	})
	if len(exportDgrams) == 0 {
		b.Fatal("no export datagrams")
	}
	var flows uint64
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(Limits{})
		for _, p := range exportDgrams {
			d.Decode(testPeer, p, egress.Location{Source: "export"}, nopSink{})
		}
		c := d.Counters()
		if c.Bad != 0 {
			b.Fatalf("counters %+v", c)
		}
		flows = c.Flows
	}
	b.ReportMetric(float64(len(exportDgrams)), "datagrams")
	b.ReportMetric(float64(flows), "flows")
	b.ReportMetric(float64(flows)*float64(b.N)/b.Elapsed().Seconds(), "flows/s")
	b.ReportMetric(exportSetupTime.Seconds(), "setup-s")
}

// readExportCapture returns the UDP payloads of a capture.
func readExportCapture(b *testing.B, path string) [][]byte {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		b.Fatalf("reading %s: %v", path, err)
	}
	var out [][]byte
	for i := 1; ; i++ {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			b.Fatalf("%s packet %d: %v", path, i, err)
		}
		p := gopacket.NewPacket(data, r.LinkType(), gopacket.Default)
		if udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
			out = append(out, udp.Payload)
		}
	}
}
