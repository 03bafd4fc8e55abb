package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/embargo-dev/embargo/catalog"
)

// sarifBuilder turns a report into results, then into a run of the
// results kept, with the rules those results name.
type sarifBuilder struct {
	r     *Report
	paths *sarifPaths
	// rules makes each rule by id, from the first result that named it.
	rules map[string]func() sarifRule
}

// rule records how to make rule id, once.
func (b *sarifBuilder) rule(id string, mk func() sarifRule) {
	if _, ok := b.rules[id]; !ok {
		b.rules[id] = mk
	}
}

// results are every result of the report, in report order: the findings
// of a report judged by policy, otherwise the attributed items; then the
// unknowns.
func (b *sarifBuilder) results() []sarifResult {
	r := b.r
	var out []sarifResult
	items := r.Items
	if r.Policy != nil {
		// Judged by policy: the findings are the results, not the items.
		items = nil
		out = append(out, b.findings()...)
	}
	for _, e := range items {
		a := e.Attribution
		if a == nil {
			continue
		}
		v := a.View()
		id := sarifRuleID(v)
		b.rule(id, func() sarifRule { return restrictedRule(id, a, v, r.Cat) })
		level := "error"
		if a.Confidence < catalog.Medium {
			level = "warning"
		}
		out = append(out, sarifResult{
			RuleID:              id,
			Level:               level,
			Message:             sarifText{Text: findingText(e.Item, v)},
			Locations:           []sarifLocation{b.paths.location(e.Location, e.Name, e.Item)},
			PartialFingerprints: map[string]string{sarifFingerprint: fingerprint(e.ID)},
			Properties:          resultProperties(e, v),
		})
	}
	for _, u := range r.Unknowns {
		b.rule(UnknownRuleID, unknownRule)
		what := u.Name
		if what == "" {
			what = u.Location.String()
		}
		out = append(out, sarifResult{
			RuleID:              UnknownRuleID,
			Level:               "warning",
			Message:             sarifText{Text: fmt.Sprintf("%s could not be read or attributed: %s", what, u.Reason)},
			Locations:           []sarifLocation{b.paths.location(u.Location, u.Name, nil)},
			PartialFingerprints: map[string]string{sarifFingerprint: fingerprint(u.Location.Host + "\x00" + u.Location.Source + "\x00" + u.Location.Ref + "\x00" + u.Name)},
			Properties:          map[string]any{"reason": u.Reason},
		})
	}
	return out
}

// invocation says whether every input was read, and what was not.
func (b *sarifBuilder) invocation() sarifInvocation {
	r := b.r
	inv := sarifInvocation{ExecutionSuccessful: r.Summary.FailedInputs == 0}
	if !r.Generated.IsZero() {
		inv.EndTimeUTC = r.Generated.UTC().Format(time.RFC3339)
	}
	for _, in := range r.Inputs {
		if in.Error == "" {
			continue
		}
		art, _ := b.paths.artifact(in.Source)
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:     "error",
			Message:   sarifText{Text: "could not read " + in.Source + ": " + in.Error},
			Locations: []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: art}}},
		})
	}
	for _, n := range r.Notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "note", Message: sarifText{Text: n}})
	}
	return inv
}

// run is the log's run of results: the rules they name, in the order
// first named, each result pointing at its rule's index.
func (b *sarifBuilder) run(results []sarifResult, inv sarifInvocation) sarifRun {
	r := b.r
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "embargo", Version: r.Tool.Version, InformationURI: ToolURL, Rules: []sarifRule{},
		}},
		OriginalURIBaseIDs: b.paths.baseIDs(),
		Results:            results,
		Properties: map[string]any{
			"catalog": r.Catalog,
			"summary": r.Summary,
		},
	}
	if results == nil {
		run.Results = []sarifResult{}
	}
	if r.Data != nil {
		run.Properties["data"] = r.Data
	}
	if r.Policy != nil {
		run.Properties["policy"] = r.Policy
	}
	if run.Tool.Driver.Version == "" {
		run.Tool.Driver.Version = "dev"
	}
	index := map[string]int{}
	for i := range results {
		id := results[i].RuleID
		idx, ok := index[id]
		if !ok {
			idx = len(run.Tool.Driver.Rules)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, b.rules[id]())
			index[id] = idx
		}
		results[i].RuleIndex = idx
	}
	inv.ToolExecutionNotifications = slices.Clone(inv.ToolExecutionNotifications)
	run.Invocations = []sarifInvocation{inv}
	return run
}
