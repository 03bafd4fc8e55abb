package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// FuzzRead reads any bytes as a capture: it must not panic, every Bad
// must name the file, and an error must too.
func FuzzRead(f *testing.F) {
	p := udp(time.Millisecond, cli, srv, []byte("payload"))
	eth := ethernet(f, p)
	raw := serialize(f, ipLayers(f, p)...)
	hello := quicClientHello(f, "seed.example")
	dnsMsg := dnsResponse(f, "www.example.org. 30 IN CNAME edge.cdn.example.", "edge.cdn.example. 60 IN A 198.51.100.7")
	seeds := [][]byte{
		capture(f, append(handshake(cli, srv), tcp(3*time.Millisecond, cli, srv, "PA", 101, string(clientHelloRecord(f, "seed.example"))),
			tcp(4*time.Millisecond, cli, srv, "PA", 101, "GET / HTTP/1.1\r\nHost: seed.example\r\n\r\n"))...),
		capture(f, udp(0, cli, "192.0.2.10:443", sealInitial([]byte{1, 2, 3, 4, 5, 6, 7, 8}, 0, cryptoFrame(0, hello))),
			udp(0, "192.0.2.53:53", cli, dnsMsg)),
		swapPcap(capture(f, p, p)),
		(&ngw{o: binary.LittleEndian}).shb().idb(1).idb(113).idb(276).epb(0, 1, eth).spb(eth).b,
		(&ngw{o: binary.BigEndian}).shb().idb(101, (&ngw{o: binary.BigEndian}).opt(9, []byte{0x89})).epb(0, 1<<40, raw).b,
	}
	// The live captures, when the tools are here.
	if lf := tryLive(); lf != nil {
		for _, file := range []string{lf.lo, lf.any, lf.both} {
			if b, err := os.ReadFile(file); err == nil {
				seeds = append(seeds, b)
			}
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		const name = "fuzz.pcap"
		var c collect
		rd := &Reader{Limits: egress.Limits{MaxBad: 5}, maxFlows: 8}
		_, err := rd.ReadStats(context.Background(), name, bytes.NewReader(b), &c)
		if err != nil && !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("error without the file name: %v", err)
		}
		for _, bad := range c.bads {
			if bad.Where.Source != name || bad.Reason == "" {
				t.Errorf("bad without the file name or a reason: %+v", bad)
			}
		}
		for _, fl := range c.flows {
			if fl.PktsOut+fl.PktsIn == 0 || fl.Where.Source != name {
				t.Errorf("flow without packets or file name: %+v", fl)
			}
		}
	})
}

// tryLive returns the live captures if they can be made, for seeds: a
// missing tool fails the tests that need it, not the fuzz target.
func tryLive() *liveFiles {
	liveOnce.Do(func() { live, liveErr = makeLive() })
	return live
}
