package flows

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Run tells Progress of each input as it starts, in order, with the
// records read before it, then of the attribution with every record
// read; never after it returns. Reports at intervals may come between
// (an hour apart here, so none does).
func TestRunProgress(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var got []Progress
	inputs := []string{"../egress/zeek/testdata/conn.log", "testdata/missing.log", "../egress/zeek/testdata/dns.log"}
	o := Options{Options: collect.Options{Catalog: cat, Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})},
		Progress: func(p Progress) { got = append(got, p) }, ProgressEvery: 3600e9}
	rep, err := Run(context.Background(), inputs, o)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Traffic.Stats
	conn := uint64(rep.Inputs[0].Items + rep.Inputs[0].Unknowns)
	want := []Progress{
		{Stage: StageRead, Input: inputs[0], N: 1, Of: 3},
		{Stage: StageRead, Input: inputs[1], N: 2, Of: 3, Records: conn},
		{Stage: StageRead, Input: inputs[2], N: 3, Of: 3, Records: conn},
		{Stage: StageAttribute, Of: 3, Records: s.Flows + s.DNSAnswers + s.Bad},
	}
	if diff := cmp.Diff(want, got); diff != "" || conn == 0 {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	// Without a Progress function nothing is started.
	if p := startProgress(nil, nil, 0); p != nil {
		t.Errorf("startProgress(nil) = %v", p)
	}
}
