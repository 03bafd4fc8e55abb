package netflow

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/egress"
)

// countSink counts what it is given and checks each flow's times.
type countSink struct {
	t           *testing.T
	flows, bads int
}

func (s *countSink) Flow(f *egress.Flow) {
	s.flows++
	if f.Start.Year() > 2200 || f.End.Year() > 2200 {
		s.t.Errorf("flow at %s: implausible times %s .. %s", f.Where, f.Start, f.End)
	}
}
func (s *countSink) DNS(*egress.DNSAnswer) {}
func (s *countSink) Bad(egress.Bad)        { s.bads++ }

// FuzzDecode feeds datagrams from one exporter to one Decoder: the input
// is split into datagrams (2-byte length prefixes), so that templates
// and the data sets using them are explored together. It must not panic
// or hang, must count what it reports, and must bound its reports.
func FuzzDecode(f *testing.F) {
	tmpl4 := tmpl(1024, softflowdV4...)
	rec := v4rec("10.0.0.1", "203.0.113.9", 40000, 443, 6, 90_000, 99_500, 1500, 3)
	varT := tmpl(600, spec{8, 4, 0}, spec{12, 4, 0}, spec{82, varLength, 0}, spec{100, 4, 9})
	varR := []byte{10, 0, 0, 1, 10, 0, 0, 2, 3, 'a', 'b', 'c', 1, 2, 3, 4}
	opt := append(be.AppendUint16(tmpl(256, spec{143, 4, 0}, spec{160, 8, 0})[:4], 1), tmpl(0, spec{143, 4, 0}, spec{160, 8, 0})[4:]...)
	f.Add(join(v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl4), set(1024, rec, rec))))
	f.Add(join(v9(100_000, exportSecs, 0, set(1024, rec)), v9(100_000, exportSecs, 0, set(v9TemplateSet, tmpl4)), v9(100_000, exportSecs, 0, set(1024, rec))))
	f.Add(join(ipfix(exportSecs, 1, set(ipfixTemplateSet, varT), set(600, varR, varR))))
	f.Add(join(ipfix(exportSecs, 0, set(ipfixOptionsTemplateSet, opt), set(256, be.AppendUint64([]byte{0, 0, 0, 1}, exportSecs*1000-5000)),
		set(ipfixTemplateSet, tmpl4), set(1024, rec))))
	f.Add(join(v5(100_000, exportSecs, 0, v5rec("10.0.0.1", "203.0.113.9", 1, 2, 6, 1, 2, 3, 4))))
	f.Add(join(v9(0, 0, 0, set(v9TemplateSet, tmpl(256)), set(256, []byte{1, 2, 3, 4}))))
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.dgrams"))
	for _, name := range seeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(Limits{MaxTemplates: 8})
		s := countSink{t: t}
		for i, b := range split(data) {
			before := s.bads
			d.Decode(testPeer, b, egress.Location{Source: "fuzz", Record: string(rune('a' + i%26))}, &s)
			if s.bads-before > MaxBadPerDatagram {
				t.Fatalf("datagram %d: %d problems reported, limit %d", i, s.bads-before, MaxBadPerDatagram)
			}
		}
		c := d.Counters()
		if c.Flows != uint64(s.flows) || c.Bad != uint64(s.bads) || c.NoTemplate > c.Bad {
			t.Fatalf("counters %+v, sink got %d flows %d bad", c, s.flows, s.bads)
		}
		if len(d.templates) > 8 || len(d.sysInit) > 8 {
			t.Fatalf("%d templates, %d init times kept past the limit of 8", len(d.templates), len(d.sysInit))
		}
	})
}

func (s *countSink) Conn(x *egress.Conn) {
	var f egress.Flow
	egress.AsFlow(s, x, &f)
}
