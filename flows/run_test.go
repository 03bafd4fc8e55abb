package flows

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Run reads what it can, records what it cannot, and fails only when
// nothing could be read, naming each input's error.
func TestRun(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Options: collect.Options{Catalog: cat, Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})},
		Version: "test"}
	rep, err := Run(context.Background(), []string{"../egress/zeek/testdata/conn.log", "../egress/zeek/testdata/ssl.log", "testdata/missing.log"}, o)
	if err != nil {
		t.Fatal(err)
	}
	tr := rep.Traffic
	if tr == nil || tr.Stats.Flows == 0 || len(tr.Aggregates) == 0 || rep.Summary.FailedInputs != 1 || rep.Inputs[0].Reader != "zeek" ||
		rep.Inputs[0].Items == 0 || rep.Inputs[0].Unknowns == 0 || !rep.Incomplete() || rep.Tool.Version != "test" || rep.Catalog.Digest != cat.Digest() {
		t.Errorf("report: inputs %+v, summary %+v, traffic %+v", rep.Inputs, rep.Summary, tr)
	}
	_, err = Run(context.Background(), []string{"testdata/missing.log", "testdata/gone.log"}, o)
	if !errors.Is(err, collect.ErrNothingRead) || !strings.Contains(err.Error(), "missing.log") || !strings.Contains(err.Error(), "gone.log") {
		t.Errorf("nothing read: %v", err)
	}
}
