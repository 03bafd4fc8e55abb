package report_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// bigReport is a synthetic inventory of an estate: the fixture's kesl
// found in many SBOMs, alternately with high confidence (an error) and
// low (a warning), then unknowns (warnings).
func bigReport(t *testing.T, items, unknowns int) *report.Report {
	t.Helper()
	base := fixedReport(t)
	kesl := base.Items[1]
	low := *kesl.Attribution
	low.Confidence = catalog.Low
	r := &report.Report{Tool: base.Tool, Generated: base.Generated, Catalog: base.Catalog, Cat: base.Cat, Summary: base.Summary}
	for i := range items {
		it := *kesl.Item
		it.ID = fmt.Sprintf("I-%06d", i)
		it.Location = inventory.Location{Source: fmt.Sprintf("sboms/team-%03d/app.cdx.json", i%200), Ref: fmt.Sprintf("/components/%d", i)}
		e := report.Entry{Item: &it, Attribution: kesl.Attribution}
		if i%2 == 1 {
			e.Attribution = &low
		}
		r.Items = append(r.Items, e)
	}
	for i := range unknowns {
		r.Unknowns = append(r.Unknowns, inventory.Unknown{
			Location: inventory.Location{Source: fmt.Sprintf("sboms/team-%03d/app.cdx.json", i%200), Ref: fmt.Sprintf("/components/u%d", i)},
			Reason:   "no name, package URL, CPE, supplier or location to attribute it by"})
	}
	return r
}

// gitHubAccepts checks a log against what GitHub code scanning accepts of
// an upload (report.GitHubMax*, from its documentation) and what it
// rejects a whole file for: a result without a location, or a location
// without an artifact URI (github/codeql-action#2459: "expected at least
// one location"; forcedotcom/code-analyzer#1970: "expected artifact
// location").
func gitHubAccepts(t *testing.T, name string, out []byte) sarifOut {
	t.Helper()
	var log sarifOut
	unmarshal(t, out, &log)
	if len(log.Runs) != 1 {
		t.Fatalf("%s: %d runs; GitHub rejects a file of several runs of one tool and category", name, len(log.Runs))
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	if n := len(run.Results); n > report.GitHubMaxResults {
		t.Errorf("%s: %d results, more than GitHub accepts (%d)", name, n, report.GitHubMaxResults)
	}
	if n := len(rules); n > report.GitHubMaxRules {
		t.Errorf("%s: %d rules, more than GitHub accepts (%d)", name, n, report.GitHubMaxRules)
	}
	for _, rl := range rules {
		if tags, _ := rl.Properties["tags"].([]any); len(tags) > report.GitHubMaxRuleTags {
			t.Errorf("%s: rule %s has %d tags", name, rl.ID, len(tags))
		}
	}
	for i, res := range run.Results {
		if len(res.Locations) == 0 || len(res.Locations) > report.GitHubMaxLocations {
			t.Fatalf("%s: result %d has %d locations", name, i, len(res.Locations))
		}
		for _, l := range res.Locations {
			if l.PhysicalLocation.ArtifactLocation.URI == "" {
				t.Fatalf("%s: result %d has a location without an artifact URI: %+v", name, i, l)
			}
		}
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Fatalf("%s: result %d names rule %s at index %d", name, i, res.RuleID, res.RuleIndex)
		}
	}
	if n := gzipped(t, out); n > report.GitHubMaxGzipBytes {
		t.Errorf("%s: %d bytes gzip-compressed, more than GitHub accepts (%d)", name, n, report.GitHubMaxGzipBytes)
	}
	return log
}

func gzipped(t *testing.T, data []byte) int {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}

// TestSARIFGitHubAccepts: every log the encoder writes of the fixtures is
// one GitHub accepts.
func TestSARIFGitHubAccepts(t *testing.T) {
	for name, r := range map[string]*report.Report{
		"fixture": fixedReport(t), "findings": policyReport(t), "no findings": noFindingsReport(t),
		"traffic findings": trafficReport(t, "uk-ncsc-2017-russia-egress", "us-fcc-covered-list"),
	} {
		gitHubAccepts(t, name, encode(t, report.SARIF{}, r))
	}
}

// TestSARIFCappedAtGitHubLimit: an estate with more results than GitHub
// takes in a run gives a log of GitHub's maximum, the most severe kept in
// report order, valid against the schema, and says what it left out, in
// the log and to the command line.
func TestSARIFCappedAtGitHubLimit(t *testing.T) {
	const items, unknowns = 2000, 28000 // 1,000 errors, 29,000 warnings
	r := bigReport(t, items, unknowns)
	var warned []string
	e, err := report.Configure(report.SARIF{}, report.Options{Warn: func(s string) { warned = append(warned, s) }})
	if err != nil {
		t.Fatal(err)
	}
	out := encode(t, e, r)
	checkSARIF(t, "capped", out)
	log := gitHubAccepts(t, "capped", out)
	run := log.Runs[0]
	if len(run.Results) != report.GitHubMaxResults {
		t.Fatalf("%d results, want GitHub's maximum, %d", len(run.Results), report.GitHubMaxResults)
	}
	// Kept: every error and every item (their warnings come first in
	// report order), then the first 23,000 unknowns.
	errs := 0
	for i, res := range run.Results[:items] {
		want := "error"
		if i%2 == 1 {
			want = "warning"
		}
		if res.Level != want || res.Locations[0].LogicalLocations[0].FullyQualifiedName != fmt.Sprintf("/components/%d", i) {
			t.Fatalf("result %d: %s %+v, want item %d (%s)", i, res.Level, res.Locations[0].LogicalLocations, i, want)
		}
		if res.Level == "error" {
			errs++
		}
	}
	if errs != items/2 {
		t.Errorf("%d errors kept, want all %d", errs, items/2)
	}
	last := run.Results[len(run.Results)-1]
	if ref := last.Locations[0].LogicalLocations[0].FullyQualifiedName; last.RuleID != report.UnknownRuleID || ref != "/components/u22999" {
		t.Errorf("last result %s %s, want unknown u22999", last.RuleID, ref)
	}
	want := "GitHub code scanning accepts at most 25,000 results per run: this log holds the 25,000 most severe of 30,000 results " +
		"(errors first, then warnings, then notes) and leaves out 5,000; -o json lists them all"
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(warned) != 1 || warned[0] != want || len(notes) == 0 || notes[len(notes)-1].Level != "warning" || notes[len(notes)-1].Message.Text != want {
		t.Errorf("warned %q, notifications %+v; want %q", warned, notes, want)
	}
	if run.Properties["results_left_out"] != float64(5000) {
		t.Errorf("run properties: results_left_out %v", run.Properties["results_left_out"])
	}

	// One result fewer than the limit: nothing left out, nothing said.
	warned = nil
	out = encode(t, e, bigReport(t, 0, report.GitHubMaxResults))
	log = gitHubAccepts(t, "at the limit", out)
	if len(log.Runs[0].Results) != report.GitHubMaxResults || len(warned) != 0 || log.Runs[0].Properties["results_left_out"] != nil {
		t.Errorf("at the limit: %d results, warned %q", len(log.Runs[0].Results), warned)
	}
}

// TestSARIFCappedBySize: a log larger, gzip-compressed, than the limit
// keeps fewer results, the most severe, until it fits; a log that cannot
// fit even empty is an error, not a file GitHub would reject.
func TestSARIFCappedBySize(t *testing.T) {
	const limit = 48 << 10
	r := bigReport(t, 400, 3000)
	full := gzipped(t, encode(t, report.SARIF{}, r))
	if full <= limit {
		t.Fatalf("the synthetic report is %d bytes gzipped, not more than the lowered limit %d: the test would prove nothing", full, limit)
	}
	var warned []string
	out := encode(t, report.SARIFWithLimits(0, limit, func(s string) { warned = append(warned, s) }), r)
	checkSARIF(t, "capped by size", out)
	var log sarifOut
	unmarshal(t, out, &log)
	res := log.Runs[0].Results
	if n := gzipped(t, out); n > limit || len(res) == 0 || len(res) >= 3400 {
		t.Fatalf("%d bytes gzipped, %d results; want at most %d bytes and some results", n, len(res), limit)
	}
	errs := 0
	for _, x := range res {
		if x.Level == "error" {
			errs++
		}
	}
	if errs != min(len(res), 200) {
		t.Errorf("%d results of which %d errors; the 200 errors are kept first", len(res), errs)
	}
	if len(warned) != 1 || !strings.HasPrefix(warned[0], fmt.Sprintf("GitHub code scanning accepts a SARIF file of at most 49,152 bytes gzip-compressed: this log holds the %s most severe of 3,400 results", thousandsOf(len(res)))) {
		t.Errorf("warned %q", warned)
	}
	var b bytes.Buffer
	if err := report.SARIFWithLimits(0, 100, nil).Encode(&b, r); err == nil || !strings.Contains(err.Error(), "with no results at all") || b.Len() != 0 {
		t.Errorf("a log that cannot fit: error %v, %d bytes written", err, b.Len())
	}
}

func thousandsOf(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%s,%03d", thousandsOf(n/1000), n%1000)
}
