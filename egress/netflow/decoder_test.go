package netflow

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/egress"
)

const exportSecs = 1_700_000_000

var (
	exportTime = time.Unix(exportSecs, 0).UTC()
	testPeer   = netip.MustParseAddrPort("192.0.2.1:5000")
	addrCmp    = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
)

func at(d time.Duration) time.Time { return exportTime.Add(d) }

func flow(src, dst string, sport, dport uint16, proto uint8, octets, packets uint64, start, end time.Time) egress.Flow {
	return egress.Flow{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport,
		Proto: proto, BytesOut: octets, PktsOut: packets, Start: start, End: end}
}

// decodeAll decodes datagrams in order with one Decoder.
func decodeAll(limits Limits, datagrams ...[]byte) (*collect, Counters) {
	d := NewDecoder(limits)
	var c collect
	for i, b := range datagrams {
		d.Decode(testPeer, b, egress.Location{Source: "test", Record: "d" + string(rune('1'+i))}, &c)
	}
	return &c, d.Counters()
}

func TestDecode(t *testing.T) {
	tmplSet := set(v9TemplateSet, tmpl(1024, softflowdV4...))
	rec1 := v4rec("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 90_000, 99_500, 1500, 3)
	rec2 := v4rec("10.0.0.2", "203.0.113.8", 53000, 53, egress.UDP, 99_000, 99_000, 80, 1)
	v9Data := set(1024, rec1, rec2)
	flow1 := flow("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 1500, 3, at(-10*time.Second), at(-500*time.Millisecond))
	flow2 := flow("10.0.0.2", "203.0.113.8", 53000, 53, egress.UDP, 80, 1, at(-time.Second), at(-time.Second))

	v6Tmpl := tmpl(300, spec{27, 16, 0}, spec{28, 16, 0}, spec{7, 2, 0}, spec{11, 2, 0}, spec{4, 1, 0}, spec{1, 8, 0}, spec{2, 8, 0},
		spec{152, 8, 0}, spec{153, 8, 0}, spec{100, varLength, 9}, spec{82, varLength, 0}, spec{200, 4, 12345})
	v6Rec := append(netip.MustParseAddr("2001:db8::1").AsSlice(), netip.MustParseAddr("2001:db8::2").AsSlice()...)
	v6Rec = be.AppendUint16(be.AppendUint16(v6Rec, 5353), 443)
	v6Rec = be.AppendUint64(be.AppendUint64(append(v6Rec, egress.UDP), 1234), 5)
	v6Rec = be.AppendUint64(be.AppendUint64(v6Rec, exportSecs*1000-2500), exportSecs*1000-1250)
	v6Rec = append(append(v6Rec, 3), "abc"...)
	v6Rec = append(append(v6Rec, 255, 1, 44), bytes.Repeat([]byte{'x'}, 300)...)
	v6Rec = append(v6Rec, 1, 2, 3, 4)
	v6Flow := flow("2001:db8::1", "2001:db8::2", 5353, 443, egress.UDP, 1234, 5, at(-2500*time.Millisecond), at(-1250*time.Millisecond))

	// An options template with systemInitTimeMilliseconds, as softflowd sends it.
	optTmpl := append(be.AppendUint16(tmpl(256, spec{143, 4, 0}, spec{160, 8, 0})[:4], 1), tmpl(0, spec{143, 4, 0}, spec{160, 8, 0})[4:]...)
	optRec := be.AppendUint64([]byte{0, 0, 0, 7}, exportSecs*1000-60_000)
	upRec := v4rec("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 10_000, 0xffffffff-999, 1500, 3)

	biTmpl := tmpl(500, spec{8, 4, 0}, spec{12, 4, 0}, spec{1, 8, 0}, spec{2, 8, 0}, spec{1, 8, reversePEN}, spec{2, 8, reversePEN})
	biRec := be.AppendUint64(be.AppendUint64(be.AppendUint64(be.AppendUint64([]byte{10, 0, 0, 1, 198, 51, 100, 7}, 100), 2), 9000), 7)
	biFlow := flow("10.0.0.1", "198.51.100.7", 0, 0, 0, 100, 2, exportTime, exportTime)
	biFlow.BytesIn, biFlow.PktsIn = 9000, 7

	varTmpl := tmpl(600, spec{8, 4, 0}, spec{12, 4, 0}, spec{82, varLength, 0})
	flood := set(v9TemplateSet, tmpl(256, softflowdV4...), tmpl(257, softflowdV4...), tmpl(258, softflowdV4...),
		tmpl(259, softflowdV4...), tmpl(260, softflowdV4...), tmpl(261, softflowdV4...))
	truncV9 := v9(100_000, exportSecs, 0, tmplSet, v9Data)
	truncIPFIX := ipfix(exportSecs, 0, set(ipfixTemplateSet, tmpl(1024, softflowdV4...)), set(1024, rec1))
	var reserved [][]byte
	for range 40 {
		reserved = append(reserved, set(5))
	}

	tests := []struct {
		name      string
		limits    Limits
		datagrams [][]byte
		want      []egress.Flow
		bad       []string // substrings of the reasons, in order
		counters  Counters
	}{
		{name: "v9 template and data", datagrams: [][]byte{v9(100_000, exportSecs, 0, tmplSet, v9Data)},
			want: []egress.Flow{flow1, flow2}, counters: Counters{Packets: 1, Flows: 2}},
		{name: "v9 uptime wrapped", datagrams: [][]byte{v9(1000, exportSecs, 0, tmplSet,
			set(1024, v4rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 0xffffffff-295, 500, 1, 1)))},
			want:     []egress.Flow{flow("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 1, 1, at(-1296*time.Millisecond), at(-500*time.Millisecond))},
			counters: Counters{Packets: 1, Flows: 1}},
		{name: "v9 data before its template", datagrams: [][]byte{v9(100_000, exportSecs, 0, v9Data), v9(100_000, exportSecs, 0, tmplSet), v9(100_000, exportSecs, 0, set(1024, rec1))},
			want: []egress.Flow{flow1}, bad: []string{"data set for template 1024 before its template"},
			counters: Counters{Packets: 3, Flows: 1, Bad: 1, NoTemplate: 1}},
		{name: "templates are per source id", datagrams: [][]byte{v9(100_000, exportSecs, 7, tmplSet), v9(100_000, exportSecs, 8, v9Data)},
			bad: []string{"template 1024 before its template (observation domain 8)"}, counters: Counters{Packets: 2, Bad: 1, NoTemplate: 1}},
		{name: "v5", datagrams: [][]byte{v5(100_000, exportSecs, 250_000_000,
			v5rec("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 90_000, 99_500, 1500, 3))},
			want:     []egress.Flow{flow("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 1500, 3, at(-9750*time.Millisecond), at(-250*time.Millisecond))},
			counters: Counters{Packets: 1, Flows: 1}},
		{name: "v5 truncated", datagrams: [][]byte{v5(100_000, exportSecs, 0,
			v5rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 100_000, 100_000, 10, 1), v5rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 0, 0, 0, 0))[:24+48+20]},
			want: []egress.Flow{flow("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 10, 1, exportTime, exportTime)},
			bad:  []string{"truncated record"}, counters: Counters{Packets: 1, Flows: 1, Bad: 1}},
		{name: "IPFIX IPv6, enterprise and variable-length fields", datagrams: [][]byte{ipfix(exportSecs, 1, set(ipfixTemplateSet, v6Tmpl), set(300, v6Rec))},
			want: []egress.Flow{v6Flow}, counters: Counters{Packets: 1, Flows: 1}},
		{name: "IPFIX uptimes from systemInitTimeMilliseconds", datagrams: [][]byte{
			ipfix(exportSecs, 0, set(ipfixTemplateSet, tmpl(1024, softflowdV4...)), set(1024, upRec)),
			ipfix(exportSecs, 0, set(ipfixOptionsTemplateSet, optTmpl), set(256, optRec), set(1024, upRec))},
			want: []egress.Flow{
				flow("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 1500, 3, exportTime, exportTime),
				flow("10.0.0.1", "203.0.113.9", 40000, 443, egress.TCP, 1500, 3, at(-50*time.Second), at(-61*time.Second))},
			counters: Counters{Packets: 2, Flows: 2}},
		{name: "IPFIX biflow", datagrams: [][]byte{ipfix(exportSecs, 0, set(ipfixTemplateSet, biTmpl), set(500, biRec))},
			want: []egress.Flow{biFlow}, counters: Counters{Packets: 1, Flows: 1}},
		{name: "IPFIX padding after records", datagrams: [][]byte{ipfix(exportSecs, 0, set(ipfixTemplateSet, biTmpl), set(500, biRec, []byte{0, 0, 0}))},
			want: []egress.Flow{biFlow}, counters: Counters{Packets: 1, Flows: 1}},
		{name: "IPFIX template withdrawal", datagrams: [][]byte{
			ipfix(exportSecs, 0, set(ipfixTemplateSet, biTmpl), set(500, biRec)),
			ipfix(exportSecs, 0, set(ipfixTemplateSet, tmpl(500))), ipfix(exportSecs, 0, set(500, biRec))},
			want: []egress.Flow{biFlow}, bad: []string{"template 500 before its template"},
			counters: Counters{Packets: 3, Flows: 1, Bad: 1, NoTemplate: 1}},
		{name: "template flood past the cap", limits: Limits{MaxTemplates: 4}, datagrams: [][]byte{
			v9(100_000, exportSecs, 0, flood, set(260, rec1), set(256, rec1))},
			want:     []egress.Flow{flow1},
			bad:      []string{"template 260 refused", "template 261 refused", "template 260 before its template"},
			counters: Counters{Packets: 1, Flows: 1, Bad: 3, NoTemplate: 1}},
		{name: "template with no fields", datagrams: [][]byte{v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl(256)), set(256, []byte{1, 2, 3, 4}))},
			bad: []string{"template 256 describes empty records", "before its template"}, counters: Counters{Packets: 1, Bad: 2, NoTemplate: 1}},
		{name: "reserved template id", datagrams: [][]byte{v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl(100, softflowdV4...)))},
			bad: []string{"template id 100 at offset 24 is reserved"}, counters: Counters{Packets: 1, Bad: 1}},
		{name: "record without addresses", datagrams: [][]byte{v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl(256, spec{1, 4, 0})), set(256, []byte{0, 0, 0, 9}))},
			bad: []string{"carries no IP addresses"}, counters: Counters{Packets: 1, Bad: 1}},
		{name: "variable-length field overruns its set", datagrams: [][]byte{ipfix(exportSecs, 0, set(ipfixTemplateSet, varTmpl), set(600, []byte{10, 0, 0, 1, 10, 0, 0, 2, 50, 'x'}))},
			bad: []string{"overruns its set"}, counters: Counters{Packets: 1, Bad: 1}},
		{name: "truncated v9 datagram", datagrams: [][]byte{truncV9[:len(truncV9)-10]},
			want: []egress.Flow{flow1}, bad: []string{"truncated record: set 1024"}, counters: Counters{Packets: 1, Flows: 1, Bad: 1}},
		{name: "truncated IPFIX datagram at a set boundary", datagrams: [][]byte{truncIPFIX[:len(truncIPFIX)-46]},
			bad: []string{"truncated datagram: IPFIX message length 134, datagram has 88 bytes"}, counters: Counters{Packets: 1, Bad: 1}},
		{name: "garbage", datagrams: [][]byte{{7}, {0, 7, 1, 2, 3}, {0, 9, 0, 0}, {0, 10, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, v9(0, 0, 0, []byte{1, 0, 0, 2})},
			bad:      []string{"too short for a version", "unsupported version 7", "truncated header: v9", "IPFIX message length 8 is shorter", "set length 2 at offset 20"},
			counters: Counters{Packets: 5, Bad: 5}},
		{name: "problems per datagram are bounded", datagrams: [][]byte{v9(0, exportSecs, 0, reserved...)},
			bad: []string{"set id 5 at offset 20 is reserved", "set id 5 at offset 24", "set id 5 at offset 28", "set id 5 at offset 32",
				"36", "40", "44", "48", "52", "56", "60", "64", "68", "72", "76", "set id 5 at offset 80 is reserved (problem 16 in this datagram: the rest of it is skipped)"},
			counters: Counters{Packets: 1, Bad: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, counters := decodeAll(tt.limits, tt.datagrams...)
			if diff := cmp.Diff(tt.want, c.flows, addrCmp, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(egress.Flow{}, "Where")); diff != "" {
				t.Errorf("flows (-want +got):\n%s", diff)
			}
			var reasons []string
			for _, b := range c.bad {
				reasons = append(reasons, b.Reason)
			}
			if len(reasons) != len(tt.bad) {
				t.Errorf("bad = %q, want %d matching %q", reasons, len(tt.bad), tt.bad)
			} else {
				for i := range reasons {
					if !strings.Contains(reasons[i], tt.bad[i]) {
						t.Errorf("bad[%d] = %q, want it to contain %q", i, reasons[i], tt.bad[i])
					}
				}
			}
			if diff := cmp.Diff(tt.counters, counters); diff != "" {
				t.Errorf("counters (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodePositions(t *testing.T) {
	c, _ := decodeAll(Limits{}, v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl(1024, softflowdV4...)),
		set(1024, v4rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 0, 0, 1, 1), v4rec("10.0.0.1", "203.0.113.9", 1, 2, egress.TCP, 0, 0, 1, 1))),
		v9(100_000, exportSecs, 0, set(2048, []byte{1, 2, 3, 4})))
	var got []egress.Location
	for _, f := range c.flows {
		got = append(got, f.Where)
	}
	for _, b := range c.bad {
		got = append(got, b.Where)
	}
	want := []egress.Location{
		{Source: "test", Record: "d1 set 2 record 1", Offset: 96},
		{Source: "test", Record: "d1 set 2 record 2", Offset: 138},
		{Source: "test", Record: "d2 set 1", Offset: 20},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}
