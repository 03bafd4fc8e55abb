package eve

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
)

// testdata/eve.json is written by hand in Suricata's EVE layout (Suricata
// is not packaged in Debian bookworm, so no test can run it here): flow,
// netflow, tls, http and quic records as Suricata 7 writes them, DNS in
// all three of its logging versions (the first as Suricata 3 and 4 wrote
// it), the skipped types, and bad lines. Real records from Telegraf's
// tests are read by TestTelegrafSamples.

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func at(line int) egress.Location { return egress.Location{Source: "eve.json", Line: line} }

func rfc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.999999999Z0700", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func flow(line int, start, end, src string, sport uint16, dst string, dport uint16, proto uint8, out, in, pout, pin uint64, names ...egress.Name) egress.Flow {
	return egress.Flow{Start: rfc(start), End: rfc(end), Src: ip(src), SrcPort: sport, Dst: ip(dst), DstPort: dport,
		Proto: proto, BytesOut: out, BytesIn: in, PktsOut: pout, PktsIn: pin, Names: names, Where: at(line)}
}

func answer(line int, t, client, name, addr string, ttl time.Duration) egress.DNSAnswer {
	return egress.DNSAnswer{Time: rfc(t), Client: ip(client), Name: name, Addr: ip(addr), TTL: ttl, Where: at(line)}
}

func read(t *testing.T, name string, data []byte) *egresstest.Sink {
	t.Helper()
	var s egresstest.Sink
	if err := (Reader{}).Read(context.Background(), name, bytes.NewReader(data), &s); err != nil {
		t.Fatalf("Read %s: %v", name, err)
	}
	egresstest.CheckBads(t, name, s.Bads)
	return &s
}

func TestRead(t *testing.T) {
	data, err := os.ReadFile("testdata/eve.json")
	if err != nil {
		t.Fatal(err)
	}
	s := read(t, "eve.json", data)
	sni := egress.Name{Name: "api.deepseek.com", Via: egress.ViaSNI}
	host := egress.Name{Name: "mp.weixin.qq.com", Via: egress.ViaHTTPHost}
	quic := egress.Name{Name: "www.douyin.com", Via: egress.ViaQUICSNI}
	wantFlows := []egress.Flow{
		flow(1, "2024-03-01T10:00:00.000001+0100", "2024-03-01T10:00:12.500001+0100", "10.0.0.5", 51234, "47.246.1.1", 443, egress.TCP, 3000, 83000, 40, 60),
		flow(2, "2024-03-01T09:00:59.9Z", "2024-03-01T09:00:59.95Z", "2001:db8::5", 5353, "2402:4e00::1", 53, egress.UDP, 80, 200, 1, 1),
		flow(3, "2024-03-01T09:01:59Z", "2024-03-01T09:01:59.01Z", "10.0.0.5", 8, "8.8.8.8", 0, egress.ICMP, 98, 98, 1, 1),
		// netflow: one record a direction, the reply's from the server.
		flow(4, "2024-03-01T09:02:57Z", "2024-03-01T09:03:00Z", "10.0.0.6", 40000, "203.0.113.9", 8443, egress.TCP, 1220, 0, 10, 0),
		flow(5, "2024-03-01T09:02:57.01Z", "2024-03-01T09:03:00Z", "203.0.113.9", 8443, "10.0.0.6", 40000, egress.TCP, 9640, 0, 12, 0),
		flow(13, "2024-03-01T09:05:00Z", "2024-03-01T09:05:00Z", "10.0.0.5", 51234, "47.246.1.1", 443, egress.TCP, 0, 0, 0, 0, sni),
		flow(15, "2024-02-19T15:12:08.664021+0800", "2024-02-19T15:12:08.664021+0800", "192.168.5.31", 48211, "203.205.254.157", 80, egress.TCP, 0, 0, 0, 0, host),
		flow(16, "2024-03-01T09:06:00Z", "2024-03-01T09:06:00Z", "10.0.0.9", 50000, "2402:4e00::2", 443, egress.UDP, 0, 0, 0, 0, quic),
	}
	wantAnswers := []egress.DNSAnswer{
		answer(7, "2018-05-14T11:03:41.219448+0200", "172.18.0.9", "deb.debian.org", "151.101.2.132", 117*time.Second),
		answer(9, "2024-03-01T09:04:00.1Z", "10.0.0.5", "www.tiktok.com", "23.50.1.2", 20*time.Second),
		answer(9, "2024-03-01T09:04:00.1Z", "10.0.0.5", "www.tiktok.com", "23.50.1.3", 20*time.Second),
		answer(10, "2024-03-01T09:04:00.2Z", "10.0.0.5", "chat.deepseek.com", "2606:4700::6810:1", 0),
		answer(11, "2024-03-01T09:04:00.3Z", "10.0.0.7", "one.one.one.one", "1.1.1.1", time.Minute),
		answer(11, "2024-03-01T09:04:00.3Z", "10.0.0.7", "one.one.one.one", "1.0.0.1", time.Minute),
		// Written in the flow's direction: the client is src_ip.
		answer(12, "2024-03-01T09:04:00.4Z", "10.0.0.8", "update.kaspersky.com", "81.19.104.1", 30*time.Second),
	}
	wantBads := []egress.Bad{
		{Where: at(20), Reason: "not an EVE record: no event_type"},
		{Where: at(21), Reason: "not an EVE record: no event_type"},
		{Where: at(22), Reason: `src_ip "999.1.1.1": not an IP address`},
		{Where: at(23), Reason: `proto "XYZ": not a protocol Suricata names`},
		{Where: at(24), Reason: `src_port "70000": not a port`},
		{Where: at(25), Reason: `flow.bytes_toserver "-5": not a count`},
		{Where: at(26), Reason: `timestamp "yesterday": not an RFC 3339 time`},
		{Where: at(27), Reason: `dns A answer "not-an-address": not an address`},
		{Where: at(28), Reason: "malformed JSON (the last line, without a newline: cut short?)"},
	}
	if d := cmp.Diff(wantFlows, s.Flows, egresstest.Cmp); d != "" {
		t.Errorf("flows (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantAnswers, s.Answers, egresstest.Cmp); d != "" {
		t.Errorf("answers (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantBads, s.Bads, egresstest.Cmp); d != "" {
		t.Errorf("bads (-want +got):\n%s", d)
	}
}

// TestTelegrafSamples reads the real Suricata records that Telegraf's
// Suricata input ships in its test data (fetched into the module cache by
// the go command, never copied here). Its v2 records are pretty-printed,
// one object a file; each is compacted onto one line, as eve.json has it.
// No Go module found here ships Zeek logs or a longer real eve.json that
// the module proxy serves, so this is the only real EVE sample read.
func TestTelegrafSamples(t *testing.T) {
	dir := filepath.Join(egresstest.ModuleDir(t, "github.com/influxdata/telegraf@v1.37.2"), "plugins", "inputs", "suricata", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "v2", "*.json"))
	if err != nil || len(files) < 6 {
		t.Fatalf("telegraf's v2 samples: %v %v", files, err)
	}
	var lines bytes.Buffer
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Compact(&lines, data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		lines.WriteByte('\n')
		names = append(names, filepath.Base(f))
	}
	// The two samples written one record a line, as Suricata writes.
	for _, f := range []string{"test1.json", "test3.json"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		lines.Write(data)
		names = append(names, f)
	}
	s := read(t, "telegraf", lines.Bytes())
	lineOf := func(name string) int {
		for i, n := range names {
			if n == name {
				return i + 1
			}
		}
		t.Fatalf("no sample %s among %v", name, names)
		return 0
	}
	loc := func(name string) egress.Location { return egress.Location{Source: "telegraf", Line: lineOf(name)} }
	// flow.json is a flow just begun ("state": "new"): no counters, no
	// start, so it spans its timestamp. dns.json is a query (no answers),
	// alert, drop and stats records are skipped.
	want := []egress.Flow{
		{Start: rfc("2023-04-07T00:28:22.136079+0800"), End: rfc("2023-04-07T00:28:22.136079+0800"),
			Src: ip("192.168.0.121"), SrcPort: 50212, Dst: ip("142.251.130.3"), DstPort: 443, Proto: egress.TCP, Where: loc("flow.json")},
		{Start: rfc("2023-04-07T00:27:50.220224+0800"), End: rfc("2023-04-07T00:27:50.220224+0800"),
			Src: ip("192.168.0.120"), SrcPort: 33950, Dst: ip("203.205.239.179"), DstPort: 80, Proto: egress.TCP,
			Names: []egress.Name{{Name: "hkminorshort.weixin.qq.com", Via: egress.ViaHTTPHost}}, Where: loc("http.json")},
	}
	less := func(a, b egress.Flow) bool { return a.Where.Line < b.Where.Line }
	if d := cmp.Diff(want, s.Flows, egresstest.Cmp, cmpopts.SortSlices(less)); d != "" {
		t.Errorf("flows (-want +got):\n%s", d)
	}
	if len(s.Answers) != 0 || len(s.Bads) != 0 {
		t.Errorf("answers %v, bads %v; want none", s.Answers, s.Bads)
	}
}

// TestNoAnswers: responses without address answers make nothing, and
// are not bad: NXDOMAIN before version 2 and in it, and an empty SRV
// answer as Suricata 4 logged it.
func TestNoAnswers(t *testing.T) {
	in := `{"timestamp":"2018-05-14T11:03:41.187204+0200","flow_id":402113876540321,"pcap_cnt":41,"event_type":"dns","src_ip":"172.18.0.1","src_port":53,"dest_ip":"172.18.0.9","dest_port":39817,"proto":"UDP","dns":{"type":"answer","id":52177,"rcode":"NXDOMAIN","rrname":"_http._tcp.deb.debian.org"}}
{"timestamp":"2018-05-14T11:03:41.140996+0200","flow_id":389004112765512,"pcap_cnt":29,"event_type":"dns","src_ip":"172.18.0.1","src_port":53,"dest_ip":"172.18.0.9","dest_port":50332,"proto":"UDP","dns":{"type":"answer","id":61840,"rcode":"NOERROR","rrtype":"SRV","ttl":300,"rdata":""}}
{"timestamp":"2024-03-01T09:04:00.500000+0000","flow_id":5,"event_type":"dns","src_ip":"10.0.0.1","src_port":53,"dest_ip":"10.0.0.5","dest_port":41005,"proto":"UDP","dns":{"version":2,"type":"answer","id":5,"flags":"8183","qr":true,"rd":true,"ra":true,"rrname":"nothing.example","rrtype":"A","rcode":"NXDOMAIN"}}
`
	s := read(t, "n.json", []byte(in))
	if len(s.Answers)+len(s.Flows)+len(s.Bads) != 0 {
		t.Errorf("answers %v, flows %v, bads %v; want none", s.Answers, s.Flows, s.Bads)
	}
}

func TestLimits(t *testing.T) {
	var in strings.Builder
	for range 5 {
		in.WriteString("garbage\n")
	}
	in.WriteString(`{"event_type":"alert","alert":{"signature":"` + strings.Repeat("x", 300) + "\"}}\n")
	var s egresstest.Sink
	r := Reader{Limits: egress.Limits{MaxLine: 200, MaxBad: 2}}
	if err := r.Read(context.Background(), "l.json", strings.NewReader(in.String()), &s); err != nil {
		t.Fatal(err)
	}
	want := []egress.Bad{
		{Where: egress.Location{Source: "l.json", Line: 1}, Reason: "not an EVE record: no event_type"},
		{Where: egress.Location{Source: "l.json", Line: 2}, Reason: "not an EVE record: no event_type"},
		{Where: egress.Location{Source: "l.json", Line: 3}, Reason: "4 more bad lines not listed, the first at line 3"},
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
		{`{"timestamp":"2017-01-30T16:12:26.985026+0100","flow_id":1,"event_type":"dns"}` + "\n", true},
		{"\n\n" + `{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"stats"}`, true},
		{`{"ts":1591367999.305988,"uid":"C","id.orig_h":"192.168.4.76"}`, false},
		{"#separator \\x09\n", false},
		{"", false},
	} {
		if got := (Reader{}).Sniff("x", []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}
