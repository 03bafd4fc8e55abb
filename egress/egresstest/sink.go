// Package egresstest helps the tests of the egress readers: a Sink that
// keeps copies of what a reader decodes, a Sink that throws it away for
// benchmarks, checks every reader's Bads must pass, and the module-cache
// folder of a Go module whose test data carries real samples.
package egresstest

import (
	"encoding/json"
	"net/netip"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/egress"
)

// Cmp are the go-cmp options for comparing what readers decode: addresses
// by value, and nil and empty slices alike.
var Cmp = cmp.Options{cmpopts.EquateComparable(netip.Addr{}), cmpopts.EquateEmpty()}

// Sink records copies of every Flow, DNSAnswer and Bad, in order. It
// copies because readers reuse what they pass (egress.Sink's contract);
// a test that kept the pointers would see the last record many times.
type Sink struct {
	Flows   []egress.Flow
	Answers []egress.DNSAnswer
	Bads    []egress.Bad
}

// Flow implements egress.Sink.
func (s *Sink) Flow(f *egress.Flow) {
	c := *f
	if f.Names != nil {
		c.Names = append([]egress.Name(nil), f.Names...)
	}
	s.Flows = append(s.Flows, c)
}

// Conn implements egress.Sink: the Flow c stands for.
func (s *Sink) Conn(c *egress.Conn) {
	var f egress.Flow
	c.Flow(&f)
	s.Flows = append(s.Flows, f)
}

// DNS implements egress.Sink.
func (s *Sink) DNS(a *egress.DNSAnswer) { s.Answers = append(s.Answers, *a) }

// Bad implements egress.Sink.
func (s *Sink) Bad(b egress.Bad) { s.Bads = append(s.Bads, b) }

// Discard counts what it is given and keeps nothing: the sink of
// benchmarks, so that they time the reader alone.
type Discard struct {
	Flows, Answers, Bads int
}

// Flow implements egress.Sink.
func (d *Discard) Flow(*egress.Flow) { d.Flows++ }

// Conn implements egress.Sink.
func (d *Discard) Conn(*egress.Conn) { d.Flows++ }

// DNS implements egress.Sink.
func (d *Discard) DNS(*egress.DNSAnswer) { d.Answers++ }

// Bad implements egress.Sink.
func (d *Discard) Bad(egress.Bad) { d.Bads++ }

// CheckBads fails t unless every Bad names source and a line > 0 and
// gives a reason: what every reader promises of its Bads.
func CheckBads(t testing.TB, source string, bads []egress.Bad) {
	t.Helper()
	for _, b := range bads {
		if b.Where.Source != source || b.Where.Line <= 0 || b.Reason == "" {
			t.Fatalf("bad record without its place or reason: %+v", b)
		}
	}
}

// ModuleDir downloads a Go module version into the module cache (when it
// is not there already) with the go command, as on a fresh machine, and
// returns its folder. Tests read real samples from it in place; nothing
// is copied into the repository.
func ModuleDir(t testing.TB, moduleAtVersion string) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", moduleAtVersion).Output()
	var m struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &m); jerr != nil || m.Dir == "" {
		t.Fatalf("go mod download -json %s: %v %v %s", moduleAtVersion, err, jerr, m.Error)
	}
	return m.Dir
}

// CheckRead fails t unless what a text reader put in s holds: every Bad
// placed (CheckBads) and no more listed than maxBad and the final count,
// every Flow with both addresses, a line and an end not before its start,
// every DNSAnswer with an address and a name.
func CheckRead(t testing.TB, source string, s *Sink, maxBad int) {
	t.Helper()
	CheckBads(t, source, s.Bads)
	if len(s.Bads) > maxBad+1 {
		t.Fatalf("%d bads listed past MaxBad %d", len(s.Bads), maxBad)
	}
	for _, fl := range s.Flows {
		if !fl.Src.IsValid() || !fl.Dst.IsValid() || fl.Where.Line <= 0 || fl.End.Before(fl.Start) {
			t.Fatalf("flow %+v", fl)
		}
	}
	for _, a := range s.Answers {
		if !a.Addr.IsValid() || a.Name == "" {
			t.Fatalf("answer %+v", a)
		}
	}
}
