package pcap

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/egress"
)

// TestLiveCaptures reads what tcpdump and dumpcap captured of the
// scenario's traffic, and checks it against the scenario and against
// tshark on the same files.
func TestLiveCaptures(t *testing.T) {
	lf := liveCaptures(t)
	sc := lf.sc
	wantNames := []string{
		fmt.Sprintf("%d http6.embargo.test http-host", port(sc.http6.Addr())),
		fmt.Sprintf("%d quic.embargo.test quic-sni", port(sc.quic.LocalAddr())),
		fmt.Sprintf("%d split.embargo.test tls-sni", port(sc.tls4.Addr())),
		fmt.Sprintf("%d tls4.embargo.test tls-sni", port(sc.tls4.Addr())),
		fmt.Sprintf("%d tls6.embargo.test tls-sni", port(sc.tls6.Addr())),
		fmt.Sprintf("%d www.http4.embargo.test http-host", port(sc.http4.Addr())),
	}
	cl := sc.dnsClient
	wantDNS := []string{
		"a.embargo.test 192.0.2.1 5m0s " + cl.String(),
		"a.embargo.test 192.0.2.2 5m0s " + cl.String(),
		"aaaa.embargo.test 2001:db8::53 1m0s " + cl.String(),
		"alias.embargo.test 198.51.100.7 2m0s " + cl.String(),
		"target.cdn.test 198.51.100.7 2m0s " + cl.String(),
	}
	decodeAs := []string{
		"-d", fmt.Sprintf("tcp.port==%d,tls", port(sc.tls4.Addr())), "-d", fmt.Sprintf("tcp.port==%d,tls", port(sc.tls6.Addr())),
		"-d", fmt.Sprintf("tcp.port==%d,http", port(sc.http4.Addr())), "-d", fmt.Sprintf("tcp.port==%d,http", port(sc.http6.Addr())),
		"-d", fmt.Sprintf("udp.port==%d,quic", port(sc.quic.LocalAddr())),
	}
	for _, tc := range []struct {
		desc     string
		file     string
		copies   int // each packet is in the file this many times
		overhead int // link-layer bytes per frame, on average
	}{
		{"tcpdump lo, pcap", lf.lo, 1, 14},
		{"tcpdump any SLL2 ns, pcap", lf.any, 1, 20},
		{"dumpcap lo and any, pcapng", lf.both, 2, 15},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			c, st := read(t, &Reader{}, tc.file, b)
			if len(c.bads) > 0 {
				t.Errorf("bads: %v", c.bads)
			}
			var names, dnsSeen, addrs []string
			for _, f := range c.flows {
				for _, n := range f.Names {
					names = append(names, fmt.Sprintf("%d %s %s", f.DstPort, n.Name, n.Via))
				}
			}
			for _, a := range c.dns {
				dnsSeen = append(dnsSeen, fmt.Sprintf("%s %s %s %s", a.Name, a.Addr, a.TTL, a.Client))
				addrs = append(addrs, a.Addr.String())
			}
			if diff := cmp.Diff(sorted(wantNames), sorted(names)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantDNS, sorted(dnsSeen)); diff != "" || len(c.dns) != 6*tc.copies {
				t.Errorf("DNS answers: %d, want %d (-want +got):\n%s", len(c.dns), 6*tc.copies, diff)
			}

			// tshark on the same file.
			frames := strings.Count(tshark(t, "-r", tc.file, "-T", "fields", "-e", "frame.number"), "\n")
			if int64(frames) != st.Packets {
				t.Errorf("read %d packets, tshark %d", st.Packets, frames)
			}
			var tsNames []string
			for v := range tsharkFields(t, tc.file, decodeAs, "tls.handshake.extensions_server_name", "http.host") {
				tsNames = append(tsNames, strings.Split(v, ":")[0])
			}
			var ours []string
			for _, n := range names {
				ours = append(ours, strings.Fields(n)[1])
			}
			if diff := cmp.Diff(sorted(tsNames), sorted(ours)); diff != "" {
				t.Errorf("names, tshark (-) against ours (+):\n%s", diff)
			}
			var tsAddrs []string
			for v := range tsharkFields(t, tc.file, nil, "dns.a", "dns.aaaa") {
				tsAddrs = append(tsAddrs, v)
			}
			if diff := cmp.Diff(sorted(tsAddrs), sorted(addrs)); diff != "" {
				t.Errorf("DNS addresses, tshark (-) against ours (+):\n%s", diff)
			}
			compareConversations(t, tc.file, c.flows, tc.overhead)
		})
	}
	// The small MSS did split the ClientHello: tshark reassembled it.
	segs := tshark(t, append([]string{"-r", lf.lo, "-Y", `tls.handshake.extensions_server_name == "split.embargo.test"`, "-T", "fields", "-e", "tcp.segment.count"}, decodeAs...)...)
	if n, _ := strconv.Atoi(strings.TrimSpace(segs)); n < 2 {
		t.Errorf("the split ClientHello spans %q segments by tshark, want 2 or more", segs)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// A tshark conversation line: A <-> B, frames and bytes B to A, A to B.
var convLine = regexp.MustCompile(`^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+)\s+(\d+) (bytes|kB|MB)\s+(\d+)\s+(\d+) (bytes|kB|MB)`)

// compareConversations checks each flow's packets and bytes against
// tshark's conversations: tshark counts frames, with their link header,
// where flows count IP total lengths.
func compareConversations(t *testing.T, file string, flows []egress.Flow, overhead int) {
	t.Helper()
	type dir struct{ pkts, bytes uint64 }
	type ends struct {
		proto uint8
		a, b  netip.AddrPort
	}
	ours := map[ends]*[2]dir{} // a to b, b to a
	for _, f := range flows {
		src, dst := netip.AddrPortFrom(f.Src, f.SrcPort), netip.AddrPortFrom(f.Dst, f.DstPort)
		k, i := ends{f.Proto, src, dst}, 0
		if _, ok := ours[ends{f.Proto, dst, src}]; ok {
			k, i = ends{f.Proto, dst, src}, 1
		} else if ours[k] == nil {
			ours[k] = &[2]dir{}
		}
		ours[k][i].pkts += f.PktsOut
		ours[k][i].bytes += f.BytesOut
		ours[k][1-i].pkts += f.PktsIn
		ours[k][1-i].bytes += f.BytesIn
	}
	var proto uint8
	seen := 0
	for _, line := range strings.Split(tshark(t, "-r", file, "-q", "-z", "conv,tcp", "-z", "conv,udp"), "\n") {
		switch {
		case strings.HasPrefix(line, "TCP Conversations"):
			proto = egress.TCP
		case strings.HasPrefix(line, "UDP Conversations"):
			proto = egress.UDP
		}
		m := convLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		seen++
		a := netip.AddrPortFrom(netip.MustParseAddr(m[1]), uint16(atoi(m[2])))
		b := netip.AddrPortFrom(netip.MustParseAddr(m[3]), uint16(atoi(m[4])))
		tsAB, tsBA := dir{uint64(atoi(m[8])), 0}, dir{uint64(atoi(m[5])), 0}
		var got [2]dir
		if d, ok := ours[ends{proto, a, b}]; ok {
			got = *d
		} else if d, ok := ours[ends{proto, b, a}]; ok {
			got = [2]dir{d[1], d[0]}
		} else {
			t.Errorf("tshark conversation %s has no flow", line)
			continue
		}
		for i, ts := range []struct {
			d          dir
			num, units string
		}{{tsAB, m[9], m[10]}, {tsBA, m[6], m[7]}} {
			if got[i].pkts != ts.d.pkts {
				t.Errorf("%s: %d packets one way, tshark %d", line, got[i].pkts, ts.d.pkts)
			}
			withLink := int(got[i].bytes) + overhead*int(got[i].pkts)
			unit := map[string]int{"bytes": 1, "kB": 1000, "MB": 1000000}[ts.units]
			if diff := withLink - atoi(ts.num)*unit; diff < 0 && -diff >= unit || diff > 0 && diff >= unit {
				t.Errorf("%s: %d bytes one way with link headers, tshark %s %s", line, withLink, ts.num, ts.units)
			}
		}
	}
	if seen != len(ours) {
		t.Errorf("tshark shows %d TCP and UDP conversations, we have %d", seen, len(ours))
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestConversions reads tcpdump's capture rewritten by editcap into the
// other formats, and in big-endian order: each must read the same.
func TestConversions(t *testing.T) {
	lf := liveCaptures(t)
	requireTool(t, "editcap", "wireshark-common")
	orig, err := os.ReadFile(lf.lo)
	if err != nil {
		t.Fatal(err)
	}
	base, baseStats := read(t, &Reader{}, "lo", orig)
	ignore := cmp.Options{cmpopts.IgnoreFields(egress.Location{}, "Offset"), cmpopts.EquateComparable(netip.Addr{})}
	for _, format := range []string{"pcapng", "nsecpcap", "modpcap", "big-endian"} {
		t.Run(format, func(t *testing.T) {
			var b []byte
			if format == "big-endian" {
				b = swapPcap(orig)
			} else {
				out := filepath.Join(t.TempDir(), "out")
				if msg, err := exec.Command("editcap", "-F", format, lf.lo, out).CombinedOutput(); err != nil {
					t.Fatalf("editcap -F %s: %v: %s", format, err, msg)
				}
				if b, err = os.ReadFile(out); err != nil {
					t.Fatal(err)
				}
			}
			c, st := read(t, &Reader{}, "lo", b)
			if diff := cmp.Diff(base, c, cmp.AllowUnexported(collect{}), ignore); diff != "" || st != baseStats {
				t.Errorf("stats %+v, want %+v; (-tcpdump +%s):\n%s", st, baseStats, format, diff)
			}
		})
	}
}
