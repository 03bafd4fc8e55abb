package zeek

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// The logs in testdata are written by hand in Zeek's exact formats: Zeek
// is not packaged in Debian bookworm, so no test can run it here. Their
// header layouts are Zeek 6's (conn, dns, ssl, http, files), as the Zeek
// manual's "Zeek Log Formats and Inspection" chapter shows them, and the
// JSON lines are as LogAscii::use_json=T writes them, plus a
// Corelight-style line with _path and an ISO 8601 time.
//
// No real Zeek log is read: the Go modules found to ship some in their
// test data (activecm/rita, brimdata/zed and brimdata/super,
// gravwell/gravwell, jakubd/zeekparse, elastic/beats) are all refused by
// the module proxy this project reaches.

func ts(sec, nsec int64) time.Time { return time.Unix(sec, nsec).UTC() }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func at(file string, line int) egress.Location {
	return egress.Location{Source: file, Line: line}
}

func flow(file string, line int, start time.Time, dur time.Duration, src string, sport uint16, dst string, dport uint16, proto uint8, out, in, pout, pin uint64) egress.Flow {
	return egress.Flow{Start: start, End: start.Add(dur), Src: ip(src), SrcPort: sport, Dst: ip(dst), DstPort: dport,
		Proto: proto, BytesOut: out, BytesIn: in, PktsOut: pout, PktsIn: pin, Where: at(file, line)}
}

func named(file string, line int, start time.Time, src string, sport uint16, dst string, dport uint16, name string, via egress.NameVia) egress.Flow {
	f := flow(file, line, start, 0, src, sport, dst, dport, egress.TCP, 0, 0, 0, 0)
	f.Names = []egress.Name{{Name: name, Via: via}}
	return f
}

func answer(file string, line int, t time.Time, client, name, addr string, ttl time.Duration) egress.DNSAnswer {
	return egress.DNSAnswer{Time: t, Client: ip(client), Name: name, Addr: ip(addr), TTL: ttl, Where: at(file, line)}
}

func bad(file string, line int, reason string) egress.Bad {
	return egress.Bad{Where: at(file, line), Reason: reason}
}

func read(t *testing.T, r Reader, name string, data []byte) *egresstest.Sink {
	t.Helper()
	var s egresstest.Sink
	if err := r.Read(context.Background(), name, bytes.NewReader(data), &s); err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	egresstest.CheckBads(t, name, s.Bads)
	return &s
}

func TestRead(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		file    string
		flows   []egress.Flow
		answers []egress.DNSAnswer
		bads    []egress.Bad
	}{
		{
			file: "conn.log",
			flows: []egress.Flow{
				flow("conn.log", 9, ts(1600000123, 305988000), 66852*time.Microsecond, "192.168.7.21", 41022, "192.168.7.1", 53, egress.UDP, 62, 141, 2, 2),
				flow("conn.log", 10, ts(1600000123, 430166000), 254115*time.Microsecond, "192.168.7.21", 52310, "198.51.100.80", 80, egress.TCP, 77, 295, 6, 4),
				flow("conn.log", 11, ts(1709287200, 1000), 12500*ms, "10.0.0.5", 51234, "47.246.1.1", 443, egress.TCP, 1500, 80000, 40, 60),
				flow("conn.log", 12, ts(1709287201, 5e8), 10*ms, "10.0.0.5", 8, "8.8.8.8", 0, egress.ICMP, 56, 56, 1, 1),
				// orig_bytes and resp_bytes unset: the IP-level sizes.
				flow("conn.log", 13, ts(1709287202, 25e7), 0, "2001:db8::5", 51000, "2402:4e00::1", 443, egress.TCP, 80, 0, 1, 0),
				flow("conn.log", 14, ts(1709287203, 0), 0, "fe80::1", 135, "ff02::1", 0, egress.ICMPv6, 0, 0, 1, 0),
				// After the second header, in its own column order.
				flow("conn.log", 31, ts(1709290800, 0), 3*time.Second, "10.0.0.6", 40000, "203.0.113.9", 8443, egress.TCP, 700, 9000, 10, 12),
				flow("conn.log", 32, ts(1709290801, 0), 0, "10.0.0.6", 40001, "203.0.113.10", 4500, 50, 400, 0, 3, 0),
			},
			bads: []egress.Bad{
				bad("conn.log", 15, "1 fields where the #fields header names 21"),
				bad("conn.log", 16, "7 fields where the #fields header names 21"),
				bad("conn.log", 17, `id.orig_h "10.0.0.300": not an IP address`),
				bad("conn.log", 18, `id.orig_p "70000": not a port`),
				bad("conn.log", 19, `orig_bytes "12x": not a count`),
				bad("conn.log", 20, `ts "yesterday": not a time`),
				bad("conn.log", 21, `proto "sctp": not a transport Zeek names`),
				bad("conn.log", 33, "5 fields where the #fields header names 20 (the last line, without a newline: cut short?)"),
			},
		},
		{
			file: "dns.log",
			answers: []egress.DNSAnswer{
				answer("dns.log", 10, ts(1600000123, 305988000), "192.168.7.21", "www.example.net", "198.51.100.80", time.Hour),
				answer("dns.log", 11, ts(1709287100, 1e8), "10.0.0.5", "www.tiktok.com", "23.50.1.2", 20*time.Second),
				answer("dns.log", 11, ts(1709287100, 1e8), "10.0.0.5", "www.tiktok.com", "23.50.1.3", 20*time.Second),
				answer("dns.log", 12, ts(1709287100, 2e8), "10.0.0.5", "chat.deepseek.com", "2606:4700::6810:1", 60500*ms),
				// The second header: "|" fields, ";" sets, NULL unset.
				answer("dns.log", 24, ts(1709287100, 6e8), "10.0.0.7", "one.one.one.one", "1.1.1.1", time.Minute),
				answer("dns.log", 24, ts(1709287100, 6e8), "10.0.0.7", "one.one.one.one", "1.0.0.1", time.Minute),
			},
			bads: []egress.Bad{bad("dns.log", 14, `TTLs "forever": not an interval`)},
		},
		{
			file: "ssl.log",
			flows: []egress.Flow{
				named("ssl.log", 9, ts(1709287200, 1e8), "10.0.0.5", 51234, "47.246.1.1", 443, "api.deepseek.com", egress.ViaSNI),
				named("ssl.log", 11, ts(1709287200, 3e8), "10.0.0.5", 51236, "47.246.1.3", 443, "update.hik-connect.com", egress.ViaSNI),
			},
			bads: []egress.Bad{bad("ssl.log", 13, `id.orig_p "port": not a port`)},
		},
		{
			file: "http.log",
			flows: []egress.Flow{
				named("http.log", 9, ts(1600000123, 512593000), "192.168.7.21", 52310, "198.51.100.80", 80, "www.example.net", egress.ViaHTTPHost),
				named("http.log", 10, ts(1709287300, 0), "10.0.0.8", 50100, "81.19.104.1", 8080, "update.kaspersky.com", egress.ViaHTTPHost),
			},
		},
		{file: "files.log"},
		{
			file: "json.log",
			flows: []egress.Flow{
				flow("json.log", 1, ts(1600000123, 305988000), 66851854, "192.168.7.21", 41022, "192.168.7.1", 53, egress.UDP, 62, 141, 2, 2),
				flow("json.log", 2, ts(1600000123, 430166000), 254115104, "192.168.7.21", 52310, "198.51.100.80", 80, egress.TCP, 77, 295, 6, 4),
				named("json.log", 6, ts(1600000123, 512593000), "192.168.7.21", 52310, "198.51.100.80", 80, "www.example.net", egress.ViaHTTPHost),
				named("json.log", 8, ts(1709287200, 1e8), "10.0.0.5", 51234, "47.246.1.1", 443, "api.deepseek.com", egress.ViaSNI),
				flow("json.log", 9, time.Date(2023, 11, 14, 9, 41, 7, 125000000, time.UTC), 254115104, "192.168.7.21", 52310, "198.51.100.80", 80, egress.TCP, 77, 295, 6, 4),
				named("json.log", 11, ts(1709287200, 2e8), "10.0.0.5", 51240, "47.246.1.9", 443, "café.example.com", egress.ViaSNI),
			},
			answers: []egress.DNSAnswer{
				answer("json.log", 4, ts(1600000123, 305988000), "192.168.7.21", "www.example.net", "198.51.100.80", time.Hour),
				answer("json.log", 10, time.UnixMilli(1709287100100), "10.0.0.5", "www.tiktok.com", "23.50.1.2", 20*time.Second),
				answer("json.log", 10, time.UnixMilli(1709287100100), "10.0.0.5", "www.tiktok.com", "2600:1417:76::1", 25*time.Second),
			},
			bads: []egress.Bad{
				bad("json.log", 12, "no id.resp_h"),
				bad("json.log", 13, "JSON object: a value does not end or is malformed"),
				bad("json.log", 14, "not a JSON object"),
				bad("json.log", 15, "JSON object: data after the closing '}'"),
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			s := read(t, Reader{}, tc.file, data)
			if d := cmp.Diff(tc.flows, s.Flows, egresstest.Cmp); d != "" {
				t.Errorf("flows (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.answers, s.Answers, egresstest.Cmp); d != "" {
				t.Errorf("answers (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.bads, s.Bads, egresstest.Cmp); d != "" {
				t.Errorf("bads (-want +got):\n%s", d)
			}
		})
	}
}

// TestConcatenated reads logs of different kinds one after the other in
// one input, as `cat dns.log ssl.log` makes: each header takes over.
func TestConcatenated(t *testing.T) {
	var all []byte
	for _, f := range []string{"dns.log", "ssl.log", "files.log", "http.log"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, data...)
	}
	s := read(t, Reader{}, "all.log", all)
	if len(s.Answers) != 6 || len(s.Flows) != 4 || len(s.Bads) != 2 {
		t.Errorf("%d answers, %d flows, %d bads; want 6, 4, 2", len(s.Answers), len(s.Flows), len(s.Bads))
	}
	if got, want := s.Flows[3].Where, at("all.log", 25+13+9+10); got != want {
		t.Errorf("last flow at %v, want %v", got, want)
	}
}

func TestLimits(t *testing.T) {
	garbage := strings.Repeat("garbage\n", 10)
	s := read(t, Reader{Limits: egress.Limits{MaxBad: 3}}, "g.log", []byte(garbage))
	want := []egress.Bad{
		bad("g.log", 1, "a data line before any #fields header"),
		bad("g.log", 2, "a data line before any #fields header"),
		bad("g.log", 3, "a data line before any #fields header"),
		bad("g.log", 4, "7 more bad lines not listed, the first at line 4"),
	}
	if d := cmp.Diff(want, s.Bads, egresstest.Cmp); d != "" {
		t.Errorf("bads (-want +got):\n%s", d)
	}

	long := `{"ts":1.0,"id.orig_h":"` + strings.Repeat("1", 200) + "\"}\n" +
		`{"ts":2.5,"id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":2,"proto":"tcp","conn_state":"S0"}` + "\n"
	s = read(t, Reader{Limits: egress.Limits{MaxLine: 150}}, "l.log", []byte(long))
	if d := cmp.Diff([]egress.Bad{bad("l.log", 1, "line longer than 150 bytes")}, s.Bads); d != "" {
		t.Errorf("bads (-want +got):\n%s", d)
	}
	if len(s.Flows) != 1 || s.Flows[0].Where.Line != 2 {
		t.Errorf("flows after a long line: %+v", s.Flows)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := bytes.Repeat([]byte("# comment\n"), 2*textlog.CtxEvery)
	if err := (Reader{}).Read(ctx, "c.log", bytes.NewReader(data), &egresstest.Discard{}); err == nil {
		t.Error("Read went on after its context was cancelled")
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		head string
		want bool
	}{
		{"#separator \\x09\n#set_separator\t,\n", true},
		{"\n" + `{"ts":1600000123.305988,"uid":"C","id.orig_h":"192.168.7.21"}`, true},
		{`{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"dns"}`, false},
		{"version account-id interface-id srcaddr dstaddr\n", false},
		{"", false},
	} {
		if got := (Reader{}).Sniff("x", []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

func TestSplitByte(t *testing.T) {
	for _, line := range []string{"", "a", "\t", "a\tb", "\t\t\t\t\t\t\t\t\t", "1600000123.305988\tC\t192.168.7.21\t41022\t\t", "é\t\xff\x09\x89\tlong field without tabs at all here"} {
		h := defaultHeader()
		ends := h.split([]byte(line), nil)
		want := strings.Split(line, "\t")
		if len(ends) != len(want) {
			t.Fatalf("%q: %d fields, want %d", line, len(ends), len(want))
		}
		for i := range ends {
			if got := h.field([]byte(line), ends, i); string(got) != want[i] {
				t.Errorf("%q field %d: %q, want %q", line, i, got, want[i])
			}
		}
	}
}

// TestEmptyNames: a name that is empty, or only a dot, names nothing; a
// dns.log record whose answers it would name is bad (found by FuzzRead).
func TestEmptyNames(t *testing.T) {
	in := "#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tanswers\tTTLs\n" +
		"1.0\t10.0.0.1\t1\t10.0.0.2\t53\t\t1.2.3.4\t20.0\n" +
		"#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tserver_name\tcipher\n" +
		"2.0\t10.0.0.1\t2\t10.0.0.3\t443\t.\tTLS_AES_128_GCM_SHA256\n"
	s := read(t, Reader{}, "e.log", []byte(in))
	want := []egress.Bad{bad("e.log", 2, "query empty: its answers name nothing")}
	if d := cmp.Diff(want, s.Bads, egresstest.Cmp); d != "" || len(s.Flows)+len(s.Answers) != 0 {
		t.Errorf("flows %v, answers %v, bads (-want +got):\n%s", s.Flows, s.Answers, d)
	}
}
