package pcap

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/embargo-dev/embargo/egress"
)

// benchCapture writes a capture of n packets: TCP connections of 50
// packets each (handshake, a ClientHello, data both ways, FINs), with a
// DNS response before each, interleaved 20 at a time.
func benchCapture(b *testing.B, n int) []byte {
	b.Helper()
	hello := string(clientHelloRecord(b, "bench.example.com"))
	data := string(make([]byte, 1200))
	dnsMsg := dnsResponse(b, "www.example.org. 30 IN CNAME edge.cdn.example.", "edge.cdn.example. 60 IN A 198.51.100.7")
	var pkts []tpkt
	var frames [][]byte
	at := time.Duration(0)
	for conn := 0; len(pkts) < n; conn += 20 {
		var group [][]tpkt
		for i := range 20 {
			c := fmt.Sprintf("10.%d.%d.%d:%d", conn>>16&255, conn>>8&255, i+1, 30000+conn%30000)
			s := fmt.Sprintf("192.0.2.%d:443", (conn+i)%250+1)
			conv := []tpkt{udp(0, "192.0.2.53:53", c, dnsMsg)}
			conv = append(conv, handshake(c, s)...)
			conv = append(conv, tcp(0, c, s, "PA", 101, hello))
			seqC, seqS := uint32(101+len(hello)), uint32(501)
			for range 21 {
				conv = append(conv, tcp(0, s, c, "PA", seqS, data), tcp(0, c, s, "A", seqC, ""))
				seqS += uint32(len(data))
			}
			conv = append(conv, tcp(0, c, s, "FA", seqC, ""), tcp(0, s, c, "FA", seqS, ""), tcp(0, c, s, "A", seqC+1, ""))
			group = append(group, conv)
		}
		for j := range group[0] {
			for _, conv := range group {
				p := conv[j]
				at += 50 * time.Microsecond
				p.at = at
				pkts = append(pkts, p)
				frames = append(frames, ethernet(b, p))
			}
		}
	}
	return writePcap(b, layers.LinkTypeEthernet, pkts[:n], frames[:n])
}

// count is a sink that keeps nothing.
type count struct{ flows, dns, bads int }

func (c *count) Flow(*egress.Flow)     { c.flows++ }
func (c *count) Conn(*egress.Conn)     { c.flows++ }
func (c *count) DNS(*egress.DNSAnswer) { c.dns++ }
func (c *count) Bad(egress.Bad)        { c.bads++ }

// BenchmarkRead reads a generated capture of 100k packets.
func BenchmarkRead(b *testing.B) {
	const packets = 100_000
	file := benchCapture(b, packets)
	b.SetBytes(int64(len(file)))
	var c count
	for b.Loop() {
		c = count{}
		st, err := (&Reader{}).ReadStats(context.Background(), "bench.pcap", bytes.NewReader(file), &c)
		if err != nil || st.Packets != packets || c.bads > 0 {
			b.Fatalf("%v: %+v, %+v", err, st, c)
		}
	}
	b.ReportMetric(float64(packets)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(c.flows), "flows")
}
