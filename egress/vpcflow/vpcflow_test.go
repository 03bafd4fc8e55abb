package vpcflow

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
)

// testdata/default.log holds the example records of AWS's "Flow log
// record examples" (default format: accepted and rejected SSH and RDP,
// NODATA, SKIPDATA, ICMP both ways, IPv6) under the header S3 delivery
// writes. custom-v5.log is a custom format with every field of versions 2
// to 5, with the same examples' addresses and a NAT gateway's records,
// whose pkt-srcaddr and pkt-dstaddr differ from srcaddr and dstaddr.

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func flow(file string, line int, start, end int64, src string, sport uint16, dst string, dport uint16, proto uint8, pkts, bytes uint64) egress.Flow {
	f := egress.Flow{Src: ip(src), SrcPort: sport, Dst: ip(dst), DstPort: dport, Proto: proto,
		PktsOut: pkts, BytesOut: bytes, Where: egress.Location{Source: file, Line: line}}
	if start > 0 {
		f.Start, f.End = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()
	}
	return f
}

// rejected marks a flow the record says was refused.
func rejected(f egress.Flow) egress.Flow {
	f.Rejected = true
	return f
}

func bad(file string, line int, reason string) egress.Bad {
	return egress.Bad{Where: egress.Location{Source: file, Line: line}, Reason: reason}
}

func read(t *testing.T, r Reader, name string, data []byte) (*egresstest.Sink, Counts) {
	t.Helper()
	var s egresstest.Sink
	var c Counts
	r.Counts = &c
	if err := r.Read(context.Background(), name, bytes.NewReader(data), &s); err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	egresstest.CheckBads(t, name, s.Bads)
	return &s, c
}

var cases = []struct {
	file   string
	flows  []egress.Flow
	bads   []egress.Bad
	counts Counts
}{
	{
		file: "default.log",
		flows: []egress.Flow{
			flow("default.log", 2, 1418530010, 1418530070, "172.31.16.139", 20641, "172.31.16.21", 22, egress.TCP, 20, 4249),
			// Rejected: the attempt is traffic all the same, marked so.
			rejected(flow("default.log", 3, 1418530010, 1418530070, "172.31.9.69", 49761, "172.31.9.12", 3389, egress.TCP, 20, 4249)),
			// A ping and its reply: two records, two Flows, unpaired.
			flow("default.log", 6, 1432917027, 1432917142, "203.0.113.12", 0, "172.31.16.139", 0, egress.ICMP, 4, 336),
			rejected(flow("default.log", 7, 1432917094, 1432917142, "172.31.16.139", 0, "203.0.113.12", 0, egress.ICMP, 4, 336)),
			flow("default.log", 8, 1477913708, 1477913820, "2001:db8:1234:a100:8d6e:3477:df66:f105", 34892, "2001:db8:1234:a102:3304:8879:34cf:4071", 22, egress.TCP, 54, 8855),
		},
		counts: Counts{NoData: 1, SkipData: 1},
	},
	{
		file: "custom-v5.log",
		flows: []egress.Flow{
			flow("custom-v5.log", 2, 1566848875, 1566848933, "52.213.180.42", 43416, "10.0.0.62", 5001, egress.TCP, 8, 568),
			flow("custom-v5.log", 3, 1566848875, 1566848933, "10.0.0.62", 5001, "52.213.180.42", 43416, egress.TCP, 7, 376),
			// Through a NAT gateway: the packets' addresses, not the gateway's.
			flow("custom-v5.log", 4, 1566848880, 1566848940, "10.0.1.5", 43876, "203.0.113.5", 443, egress.TCP, 12, 1260),
			flow("custom-v5.log", 5, 1566848880, 1566848940, "203.0.113.5", 443, "10.0.1.5", 43876, egress.TCP, 30, 40960),
			// pkt-srcaddr and pkt-dstaddr unset: srcaddr and dstaddr.
			flow("custom-v5.log", 6, 1566848890, 1566848950, "10.0.0.62", 40100, "52.95.110.1", 443, egress.TCP, 20, 9000),
		},
		counts: Counts{NoData: 1},
	},
	{
		file: "bad.log",
		flows: []egress.Flow{
			flow("bad.log", 2, 1709287200, 1709287260, "10.0.0.5", 51234, "47.246.1.1", 443, egress.TCP, 40, 3000),
			// After the second header, without ports or packets.
			flow("bad.log", 11, 1709287300, 1709287360, "10.0.1.5", 0, "203.0.113.5", 0, egress.TCP, 0, 1260),
		},
		bads: []egress.Bad{
			bad("bad.log", 3, "7 fields where the header names 14"),
			bad("bad.log", 4, "10 fields where the header names 14"),
			bad("bad.log", 5, `srcaddr "10.0.0.300": not an IP address`),
			bad("bad.log", 6, `srcport "70000": not a port`),
			bad("bad.log", 7, `packets "4x0": not a count`),
			bad("bad.log", 8, `protocol "300": not a protocol number`),
			bad("bad.log", 9, "no srcaddr nor pkt-srcaddr"),
			bad("bad.log", 12, "10 fields where the header names 11 (the last line, without a newline: cut short?)"),
		},
	},
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			s, counts := read(t, Reader{}, tc.file, data)
			if d := cmp.Diff(tc.flows, s.Flows, egresstest.Cmp); d != "" {
				t.Errorf("flows (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.bads, s.Bads, egresstest.Cmp); d != "" {
				t.Errorf("bads (-want +got):\n%s", d)
			}
			if counts != tc.counts || len(s.Answers) != 0 {
				t.Errorf("counts %+v, want %+v; %d answers", counts, tc.counts, len(s.Answers))
			}
		})
	}
}

// gzipped compresses files with gzip(1), as S3 delivery does, one gzip
// member each, concatenated.
func gzipped(t *testing.T, files ...string) []byte {
	t.Helper()
	var out []byte
	for _, f := range files {
		z, err := exec.Command("gzip", "-c", "-n", filepath.Join("testdata", f)).Output()
		if err != nil {
			t.Fatalf("gzip (Debian package gzip): %v", err)
		}
		out = append(out, z...)
	}
	return out
}

func TestGzip(t *testing.T) {
	for _, tc := range cases {
		z := gzipped(t, tc.file)
		s, counts := read(t, Reader{}, tc.file, z)
		if d := cmp.Diff(tc.flows, s.Flows, egresstest.Cmp); d != "" {
			t.Errorf("%s.gz: flows (-want +got):\n%s", tc.file, d)
		}
		if len(s.Bads) != len(tc.bads) || counts != tc.counts {
			t.Errorf("%s.gz: bads %v, counts %+v", tc.file, s.Bads, counts)
		}
		if !(Reader{}).Sniff(tc.file+".gz", z) {
			t.Errorf("%s.gz not sniffed", tc.file)
		}
	}

	// Two files' members in one stream: the second header takes over.
	s, counts := read(t, Reader{}, "two.log.gz", gzipped(t, "default.log", "custom-v5.log"))
	if len(s.Flows) != 10 || counts != (Counts{NoData: 2, SkipData: 1}) || s.Flows[9].Where.Line != 8+6 {
		t.Errorf("two members: %d flows, counts %+v, last at %v", len(s.Flows), counts, s.Flows[len(s.Flows)-1].Where)
	}

	// The decompressed-size limit.
	z := gzipped(t, "default.log")
	plain, _ := os.ReadFile("testdata/default.log")
	for _, tc := range []struct {
		max  int64
		fail bool
	}{{int64(len(plain)) - 1, true}, {int64(len(plain)), false}} {
		err := Reader{MaxDecompressed: tc.max}.Read(context.Background(), "d.gz", bytes.NewReader(z), &egresstest.Discard{})
		if tc.fail != errors.Is(err, errTooBig) {
			t.Errorf("MaxDecompressed %d of %d bytes: %v", tc.max, len(plain), err)
		}
	}
}

func TestNotFlowLogs(t *testing.T) {
	for _, in := range []string{"", "hello\nworld\n", `{"event_type":"flow"}` + "\n"} {
		err := Reader{}.Read(context.Background(), "x", strings.NewReader(in), &egresstest.Discard{})
		if err == nil {
			t.Errorf("Read(%q) = nil, want an error", in)
		}
	}
	// A CloudWatch Logs export: the default format without its header.
	s, _ := read(t, Reader{}, "cw", []byte("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"))
	if len(s.Flows) != 1 || s.Flows[0].DstPort != 22 {
		t.Errorf("headerless default format: %+v", s.Flows)
	}
}

func TestLimits(t *testing.T) {
	in := "version srcaddr dstaddr\n" + strings.Repeat("1 a b\n", 5) + "1 " + strings.Repeat("x", 100) + " b\n"
	var s egresstest.Sink
	r := Reader{Limits: egress.Limits{MaxLine: 50, MaxBad: 2}}
	if err := r.Read(context.Background(), "l.log", strings.NewReader(in), &s); err != nil {
		t.Fatal(err)
	}
	want := []egress.Bad{
		bad("l.log", 2, `srcaddr "a": not an IP address`),
		bad("l.log", 3, `srcaddr "a": not an IP address`),
		bad("l.log", 4, "4 more bad lines not listed, the first at line 4"),
	}
	if d := cmp.Diff(want, s.Bads, egresstest.Cmp); d != "" {
		t.Errorf("bads (-want +got):\n%s", d)
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		head string
		want bool
	}{
		{defaultFormat + "\n2 123456789010 eni-1 - - - - - - - 1 2 - NODATA\n", true},
		{"version instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n", true},
		{"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n", false},
		{"#separator \\x09\n", false},
		{"\x1f\x8b garbage", false},
		{"", false},
	} {
		if got := (Reader{}).Sniff("x", []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

// An action other than ACCEPT or REJECT is a bad record, not a guess.
func TestUnknownAction(t *testing.T) {
	s, _ := read(t, Reader{}, "act", []byte("2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 MAYBE OK\n"))
	if len(s.Flows) != 0 || len(s.Bads) != 1 || !strings.Contains(s.Bads[0].Reason, `action "MAYBE"`) {
		t.Errorf("flows %+v, bads %+v", s.Flows, s.Bads)
	}
}
