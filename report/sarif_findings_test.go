package report_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/report"
)

// sarifFindingOut is the part of a finding's result the tests look at.
type sarifFindingOut struct {
	RuleID       string
	Level        string
	Fingerprint  string
	Suppressions []sarifSuppressionOut
}

type sarifSuppressionOut struct {
	Kind, Status, Justification string
}

// sarifFindingResults reads the results of a log with their suppressions.
func sarifFindingResults(t *testing.T, out []byte) []sarifFindingOut {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID              string
				Level               string
				PartialFingerprints map[string]string
				Suppressions        []sarifSuppressionOut
			}
		}
	}
	unmarshal(t, out, &log)
	var got []sarifFindingOut
	for _, r := range log.Runs[0].Results {
		got = append(got, sarifFindingOut{r.RuleID, r.Level, r.PartialFingerprints["embargoFinding/v1"], r.Suppressions})
	}
	return got
}

func TestSARIFFindingsSchema(t *testing.T) {
	for name, r := range map[string]*report.Report{"findings": policyReport(t), "no findings": noFindingsReport(t)} {
		t.Run(name, func(t *testing.T) {
			out := encode(t, report.SARIF{}, r)
			log := checkSARIF(t, name, out)
			res := log.Runs[0].Results
			if len(res) != len(r.Findings)+len(r.Unknowns) {
				t.Fatalf("go-sarif reads %d results, want one per finding (%d) and unknown (%d)", len(res), len(r.Findings), len(r.Unknowns))
			}
			if name == "findings" {
				// The schema checks suppressions too.
				bad := strings.Replace(string(out), `"status": "accepted"`, `"status": "approved"`, 1)
				if bad == string(out) || validateErr(sarifValidator(t), []byte(bad)) == nil {
					t.Error("a log with a broken suppression validates")
				}
			}
			for i, f := range r.Findings {
				if waived := f.State == finding.Waived; waived != (len(res[i].Suppressions) == 1) {
					t.Errorf("result %d (%s): %d suppressions, waived %v", i, f.ID, len(res[i].Suppressions), waived)
				}
			}
		})
	}
}

// TestSARIFFindingLevels: the level follows the effect, a waiver in force
// makes a note with an accepted external suppression, and an expired one
// changes nothing.
func TestSARIFFindingLevels(t *testing.T) {
	inForce := &finding.WaiverRef{ID: "W-1", Reason: "replacement scheduled", Approver: "CISO", Expiry: day("2025-09-30"), Where: "w.yaml:3"}
	expired := &finding.WaiverRef{ID: "W-2", Reason: "late report", Approver: "CIO", Expiry: day("2025-03-31"), Expired: true,
		Note: "waiver W-2 expired on 2025-03-31", Where: "w.yaml:9"}
	accepted := []sarifSuppressionOut{{Kind: "external", Status: "accepted",
		Justification: "replacement scheduled; approved by CISO; expires 2025-09-30 (waiver W-1, w.yaml:3)"}}
	for _, tc := range []struct {
		name         string
		effect       policy.Effect
		severity     policy.Severity
		state        finding.State
		waiver       *finding.WaiverRef
		level        string
		securitySev  string
		suppressions []sarifSuppressionOut
	}{
		{"prohibit", policy.Prohibit, policy.Critical, finding.Open, nil, "error", "9.5", nil},
		{"remove-by", policy.RemoveBy, policy.High, finding.Open, nil, "error", "8.0", nil},
		{"warn", policy.Warn, policy.Medium, finding.Open, nil, "warning", "5.5", nil},
		{"warn low", policy.Warn, policy.Low, finding.Open, nil, "warning", "3.0", nil},
		{"prohibit waived", policy.Prohibit, policy.Critical, finding.Waived, inForce, "note", "9.5", accepted},
		{"warn waived", policy.Warn, policy.Low, finding.Waived, inForce, "note", "3.0", accepted},
		{"remove-by, waiver expired", policy.RemoveBy, policy.High, finding.Open, expired, "error", "8.0", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := policyReport(t)
			r.Findings = r.Findings[:1]
			f := &r.Findings[0]
			f.Effect, f.Severity, f.State, f.Waiver = tc.effect, tc.severity, tc.state, tc.waiver
			out := encode(t, report.SARIF{}, r)
			checkSARIF(t, tc.name, out)
			want := []sarifFindingOut{
				{RuleID: "agency-ru-security/agency-remove-30d", Level: tc.level, Fingerprint: f.ID, Suppressions: tc.suppressions},
				{RuleID: report.UnknownRuleID, Level: "warning"},
			}
			if diff := cmp.Diff(want, sarifFindingResults(t, out)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			var got sarifOut
			unmarshal(t, out, &got)
			rl := got.Runs[0].Tool.Driver.Rules[0]
			wantLevel := tc.level
			if wantLevel == "note" {
				wantLevel = map[policy.Effect]string{policy.Warn: "warning"}[tc.effect]
				if wantLevel == "" {
					wantLevel = "error"
				}
			}
			if rl.DefaultConfiguration.Level != wantLevel || rl.Properties["security-severity"] != tc.securitySev {
				t.Errorf("rule level %s, security-severity %v; want %s, %s", rl.DefaultConfiguration.Level, rl.Properties["security-severity"], wantLevel, tc.securitySev)
			}
			msg := got.Runs[0].Results[0].Message.Text
			switch {
			case tc.state == finding.Waived && !strings.Contains(msg, "waived by W-1 (w.yaml:3) until 2025-09-30: replacement scheduled; approved by CISO"):
				t.Errorf("message of a waived finding: %s", msg)
			case tc.waiver == expired && !strings.Contains(msg, "waiver W-2 expired on 2025-03-31, the finding stands again"):
				t.Errorf("message of a finding whose waiver expired: %s", msg)
			}
		})
	}
}

func TestSARIFFindings(t *testing.T) {
	r := policyReport(t)
	out := encode(t, report.SARIF{}, r)
	var want []sarifFindingOut
	for _, f := range r.Findings {
		level := map[policy.Effect]string{policy.Prohibit: "error", policy.RemoveBy: "error", policy.Warn: "warning"}[f.Effect]
		var sup []sarifSuppressionOut
		if f.State == finding.Waived {
			level = "note"
			sup = []sarifSuppressionOut{{"external", "accepted",
				"replacement EDR reaches the operations desktops in the Q3 change window; approved by CISO (A. Moreau); expires 2025-09-30 (waiver W-0007, testdata/waivers.yaml:12)"}}
		}
		want = append(want, sarifFindingOut{f.Pack + "/" + f.Rule, level, f.ID, sup})
	}
	want = append(want, sarifFindingOut{RuleID: report.UnknownRuleID, Level: "warning"})
	if diff := cmp.Diff(want, sarifFindingResults(t, out)); diff != "" {
		t.Fatalf("results (-want +got):\n%s", diff)
	}

	var got sarifOut
	unmarshal(t, out, &got)
	run := got.Runs[0]
	type ruleOut struct {
		ID, Short, HelpURI, Level string
		Tags                      []any
		Severity, Precision       any
	}
	var rules []ruleOut
	for _, rl := range run.Tool.Driver.Rules {
		rules = append(rules, ruleOut{rl.ID, rl.ShortDescription.Text, rl.HelpURI, rl.DefaultConfiguration.Level,
			asList(rl.Properties["tags"]), rl.Properties["security-severity"], rl.Properties["precision"]})
	}
	clause := func(i int) string { return r.Findings[i].Clause }
	wantRules := []ruleOut{
		{"agency-ru-security/agency-remove-30d", clause(0), ncscURL, "error", []any{"embargo", "policy", "uk-ncsc-2017-russia-av"}, "8.0", "high"},
		{"uk-ncsc-2017-russia-av/ncsc-2017-official", clause(1), ncscURL, "warning", []any{"embargo", "policy", "uk-ncsc-2017-russia-av"}, "5.5", "high"},
		{"us-bod-17-01/bod-17-01-identify", clause(3), bodURL, "warning", []any{"embargo", "policy", "us-bod-17-01"}, "5.5", "high"},
		{"us-bod-17-01/bod-17-01-remove", clause(4), bodURL, "error", []any{"embargo", "policy", "us-bod-17-01"}, "8.0", "high"},
		{"us-ndaa18-s1634/ndaa18-1634-prohibition", clause(5), ndaaURL, "error", []any{"embargo", "policy", "us-ndaa18-s1634"}, "9.5", "high"},
		{report.UnknownRuleID, "An input or component could not be read or attributed", report.ToolURL, "warning", []any{"supply-chain", "unknown"}, "5.0", nil},
	}
	if diff := cmp.Diff(wantRules, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}

	// The rule of the removal counted from the directive's date: its help
	// names the instrument (from the catalogue), clause, URL, effect and
	// deadline rule.
	rl := run.Tool.Driver.Rules[3]
	for _, s := range []string{
		"Binding Operational Directive 17-01, Removal of Kaspersky-branded Products", "US Department of Homeland Security",
		"https://www.cisa.gov/binding-operational-directive-17-01", "Required action 3", "remove-by",
		"90 days after the pack's effective date (2017-12-12)",
	} {
		if !strings.Contains(rl.Help.Text, s) || !strings.Contains(rl.Help.Markdown, s) {
			t.Errorf("help does not say %q:\n%s\n%s", s, rl.Help.Text, rl.Help.Markdown)
		}
	}
	if !strings.Contains(run.Tool.Driver.Rules[0].Help.Text, "30 days after the finding is first seen") {
		t.Errorf("help of a rule counted from the first sighting:\n%s", run.Tool.Driver.Rules[0].Help.Text)
	}

	// The first result: a removal due in 12 days on an unregistered host.
	res := run.Results[0]
	wantMsg := "Corporate Security Agent 21.3.10.391 (supplier kaspersky-ao) on host lab-pc-3.agency.example, which matched no registered system " +
		"(judged as OFFICIAL), breaks rule agency-remove-30d of uk-ncsc-2017-russia-av: remove-by, high severity; deadline 2025-06-13, due in 12 days."
	if res.Message.Text != wantMsg {
		t.Errorf("message\n got %s\nwant %s", res.Message.Text, wantMsg)
	}
	loc := res.Locations[0]
	if loc.PhysicalLocation.ArtifactLocation.URI != fixture || len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != "/components/1" {
		t.Errorf("location %+v", loc)
	}
	wantProps := map[string]any{
		"finding_id": r.Findings[0].ID, "state": "open", "effect": "remove-by", "severity": "high",
		"instrument": "uk-ncsc-2017-russia-av", "pack": "agency-ru-security", "rule": "agency-remove-30d",
		"system": labID, "classification": "OFFICIAL", "unregistered": true, "host": labHost, "item_id": r.Items[2].ID,
		"supplier": "kaspersky-ao", "controlling_country": "RU",
		"deadline": "2025-06-13", "due": "due", "days_left": float64(12), "first_seen": "2025-05-14T00:00:00Z",
	}
	if diff := cmp.Diff(wantProps, res.Properties); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	if w, _ := run.Results[4].Properties["waiver"].(map[string]any); w["id"] != "W-0007" || w["expiry"] != "2025-09-30T00:00:00Z" {
		t.Errorf("waiver of the waived finding: %v", run.Results[4].Properties)
	}
	if _, ok := run.Results[1].Properties["deadline"]; ok {
		t.Errorf("a finding with no deadline has one: %v", run.Results[1].Properties)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
