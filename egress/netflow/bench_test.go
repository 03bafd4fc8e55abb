package netflow

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// nopSink discards everything, so benchmarks time decoding alone.
type nopSink struct{}

func (nopSink) Flow(*egress.Flow)     {}
func (nopSink) Conn(*egress.Conn)     {}
func (nopSink) DNS(*egress.DNSAnswer) {}
func (nopSink) Bad(egress.Bad)        {}

const recordsPerDatagram = 30

// exportDatagrams returns a template datagram and a data datagram of
// 30 softflowd-style records, in v9 or IPFIX.
func exportDatagrams(version int) (template, data []byte) {
	var recs [][]byte
	for i := range recordsPerDatagram {
		recs = append(recs, v4rec("10.0.0.1", "203.0.113.9", uint16(40000+i), 443, egress.TCP, 90_000, 99_500, 1500, 3))
	}
	if version == 9 {
		return v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl(1024, softflowdV4...))), v9(100_000, exportSecs, 0, set(1024, recs...))
	}
	return ipfix(exportSecs, 0, set(ipfixTemplateSet, tmpl(1024, softflowdV4...))), ipfix(exportSecs, 0, set(1024, recs...))
}

func benchDecode(b *testing.B, datagrams ...[]byte) {
	d := NewDecoder(Limits{})
	where := egress.Location{Source: "bench"}
	for _, p := range datagrams[:len(datagrams)-1] {
		d.Decode(testPeer, p, where, nopSink{})
	}
	data := datagrams[len(datagrams)-1]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(testPeer, data, where, nopSink{})
	}
	if c := d.Counters(); c.Bad != 0 || c.Flows == 0 {
		b.Fatalf("counters %+v", c)
	}
	b.ReportMetric(float64(d.Counters().Flows)/b.Elapsed().Seconds(), "flows/s")
}

func BenchmarkDecodeV9(b *testing.B) {
	t, d := exportDatagrams(9)
	benchDecode(b, t, d)
}

func BenchmarkDecodeIPFIX(b *testing.B) {
	t, d := exportDatagrams(10)
	benchDecode(b, t, d)
}

func BenchmarkDecodeV5(b *testing.B) {
	var recs [][]byte
	for i := range recordsPerDatagram {
		recs = append(recs, v5rec("10.0.0.1", "203.0.113.9", uint16(40000+i), 443, egress.TCP, 90_000, 99_500, 1500, 3))
	}
	benchDecode(b, v5(100_000, exportSecs, 0, recs...))
}

// BenchmarkListener sends IPFIX datagrams of 30 records over loopback to
// a Listener at a paced rate, b.N datagrams (use -benchtime 3s for a few
// seconds at each rate), and reports the flows/s decoded and the
// datagrams dropped, as the Listener counts them and as the kernel
// reports for the socket in /proc/net/udp. At 200,000 flows/s nothing
// may be dropped.
func BenchmarkListener(b *testing.B) {
	template, data := exportDatagrams(10)
	for _, rate := range []int{200_000, 400_000, 800_000, 1_600_000} {
		b.Run(fmt.Sprintf("flows=%dk/s", rate/1000), func(b *testing.B) {
			l, err := Listen("127.0.0.1:0", Limits{})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- l.Run(ctx, nopSink{}) }()
			conn, err := net.DialUDP("udp", nil, l.Addr().(*net.UDPAddr))
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			conn.Write(template)
			perSecond := float64(rate) / recordsPerDatagram
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				// Pace: sleep while ahead of the target rate.
				for float64(i) > time.Since(start).Seconds()*perSecond {
					time.Sleep(100 * time.Microsecond)
				}
				if _, err := conn.Write(data); err != nil {
					b.Fatal(err)
				}
			}
			sent := time.Since(start)
			want := uint64(b.N) + 1
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if c := l.Counters(); c.Packets+c.Dropped >= want {
					break
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			kernel := procDrops(b, l.Addr().(*net.UDPAddr).Port)
			c := l.Counters()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N*recordsPerDatagram)/sent.Seconds(), "sent-flows/s")
			b.ReportMetric(float64(c.Flows)/elapsed.Seconds(), "flows/s")
			b.ReportMetric(float64(c.Dropped), "dropped")
			b.ReportMetric(float64(kernel), "kernel-drops")
			if c.Packets+c.Dropped != want || c.Bad != 0 {
				b.Errorf("sent %d datagrams: counters %+v", want, c)
			}
			if rate <= 200_000 && (c.Dropped != 0 || kernel != 0) {
				b.Errorf("at %d flows/s: %d datagrams dropped (kernel says %d), want none", rate, c.Dropped, kernel)
			}
		})
	}
}

// procDrops reads the drops column of /proc/net/udp for the socket
// bound to 127.0.0.1:port.
func procDrops(b *testing.B, port int) uint64 {
	f, err := os.Open("/proc/net/udp")
	if err != nil {
		b.Fatalf("reading the kernel's drop count: %v", err)
	}
	defer f.Close()
	local := fmt.Sprintf("0100007F:%04X", port)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 13 && fields[1] == local {
			n, err := strconv.ParseUint(fields[len(fields)-1], 10, 64)
			if err != nil {
				b.Fatalf("drops column %q: %v", fields[len(fields)-1], err)
			}
			return n
		}
	}
	b.Fatalf("no socket %s in /proc/net/udp", local)
	return 0
}
