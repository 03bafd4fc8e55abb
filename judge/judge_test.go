package judge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/policy/waivers"
	"github.com/embargo-dev/embargo/report"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testJudge is a judge of the test pack over the test register and
// waivers; state is nil or a state file.
func testJudge(t *testing.T, failOn policy.Effect, state *State) *Judge {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.LoadPack("pack.yaml", readFile(t, "pack.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := systems.Load("systems.yaml", readFile(t, "systems.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := waivers.Load("waivers.yaml", readFile(t, "waivers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.NewEngine(cat, reg.Scale, p)
	if err != nil {
		t.Fatal(err)
	}
	return &Judge{Engine: e, Systems: reg, SystemsName: "systems.yaml", Waivers: ws, WaiversName: "waivers.yaml", FailOn: failOn, State: state}
}

// testReport holds Kaspersky Anti-Virus on a SECRET host, an OFFICIAL
// desk and an unregistered host, and an unattributed item.
func testReport(t *testing.T, at time.Time) *report.Report {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	rep := &report.Report{Generated: at}
	for _, x := range []struct{ host, name string }{
		{"vault.example", "kaspersky"}, {"desk-7", "kaspersky"}, {"stray", "kaspersky"}, {"vault.example", "notepad"},
	} {
		it := &inventory.Item{Type: inventory.Package, Ecosystem: "deb", Name: x.name, Version: "1",
			Location: inventory.Location{Source: "/var/lib/dpkg/status", Host: x.host}}
		if x.name == "kaspersky" {
			it.Name = "kesl"
		}
		it.SetID()
		rep.Items = append(rep.Items, report.Entry{Item: it, Attribution: a.Attribute(it)})
	}
	if rep.Items[0].Attribution == nil || rep.Items[3].Attribution != nil {
		t.Fatal("fixture: the kesl package must be attributed and notepad not")
	}
	return rep
}

// short is what the tests compare of a finding.
type short struct {
	System, Host, Rule string
	Effect             policy.Effect
	Deadline           string
	Due                finding.Due
	DaysLeft           int
	State              finding.State
	Waiver             string
	Expired            bool
}

func shorten(fs []finding.Finding) []short {
	var out []short
	for _, f := range fs {
		s := short{System: f.System, Host: f.Host, Rule: f.Rule, Effect: f.Effect, Due: f.Due, DaysLeft: f.DaysLeft, State: f.State}
		if !f.Deadline.IsZero() {
			s.Deadline = f.Deadline.Format(policy.DateLayout)
		}
		if f.Waiver != nil {
			s.Waiver, s.Expired = f.Waiver.ID, f.Waiver.Expired
		}
		out = append(out, s)
	}
	return out
}

func TestItems(t *testing.T) {
	rep := testReport(t, now)
	apply(testJudge(t, policy.Prohibit, nil), rep)
	want := []short{
		{"vault", "vault.example", "secret-prohibit", policy.Prohibit, "2020-06-01", finding.Overdue, -2370, finding.Open, "", false},
		{"office", "desk-7", "remove-later", policy.RemoveBy, "2026-12-27", finding.DueIn, 30, finding.Open, "", false},
		{"unregistered:stray", "stray", "remove-later", policy.RemoveBy, "2026-12-27", finding.DueIn, 30, finding.Open, "", false},
		{"vault", "vault.example", "remove-later", policy.RemoveBy, "2026-12-27", finding.DueIn, 30, finding.Open, "w-expired", true},
		{"office", "desk-7", "note-any", policy.Warn, "", finding.NoDeadline, 0, finding.Waived, "w-office", false},
		{"unregistered:stray", "stray", "note-any", policy.Warn, "", finding.NoDeadline, 0, finding.Open, "", false},
		{"vault", "vault.example", "note-any", policy.Warn, "", finding.NoDeadline, 0, finding.Open, "", false},
	}
	if diff := cmp.Diff(want, shorten(rep.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	wantSum := &finding.Summary{Open: 6, Waived: 1, Overdue: 1, Failing: 1,
		ByEffect: map[string]int{"prohibit": 1, "remove-by": 3, "warn": 2}}
	if diff := cmp.Diff(wantSum, rep.Summary.Findings); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if !rep.Restricted() {
		t.Error("a report with an open prohibit finding is not Restricted")
	}
	run := rep.Policy
	if diff := cmp.Diff([]string{"stray"}, run.Unregistered); diff != "" {
		t.Errorf("unregistered hosts (-want +got):\n%s", diff)
	}
	if len(run.UnusedWaivers) != 1 || run.UnusedWaivers[0].ID != "w-unused" || run.UnusedWaivers[0].Where != "waivers.yaml:17" {
		t.Errorf("unused waivers = %+v, want w-unused at waivers.yaml:17", run.UnusedWaivers)
	}
	f := rep.Findings[3]
	if f.Waiver.Note != "waiver w-expired expired on 2021-01-01" {
		t.Errorf("expired waiver note = %q", f.Waiver.Note)
	}
	if f.ID != policy.FindingID("vault", "test-pack", "remove-later", rep.Items[0].ID) || f.Product != "" && f.Supplier == "" ||
		f.Country != "RU" || f.SystemName != "Vault" || f.Department != "Test Office" || f.URL == "" || f.Title == "" {
		t.Errorf("finding not spelled out: %+v", f)
	}
}

// FailOn decides which open findings fail the scan; waived ones never do.
func TestItemsFailOn(t *testing.T) {
	for _, tt := range []struct {
		failOn policy.Effect
		want   int
	}{{policy.Prohibit, 1}, {policy.RemoveBy, 4}, {policy.Warn, 6}} {
		rep := testReport(t, now)
		apply(testJudge(t, tt.failOn, nil), rep)
		if got := rep.Summary.Findings.Failing; got != tt.want {
			t.Errorf("fail on %s: %d failing, want %d", tt.failOn, got, tt.want)
		}
	}
}

// A second run keeps the first sighting, so a deadline counted from it
// does not move, and becomes overdue.
func TestStateKeepsFirstSeen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "findings.json")
	first := now
	later := now.AddDate(0, 0, 40)
	for i, at := range []time.Time{first, later} {
		st, err := LoadState(path)
		if err != nil {
			t.Fatal(err)
		}
		rep := testReport(t, at)
		apply(testJudge(t, policy.Prohibit, st), rep)
		if err := st.Save(at); err != nil {
			t.Fatal(err)
		}
		f := rep.Findings[1] // remove-later on desk-7
		if f.Rule != "remove-later" || !f.FirstSeen.Equal(first) {
			t.Fatalf("run %d: %s first seen %v, want %v", i, f.Rule, f.FirstSeen, first)
		}
		if i == 1 && (f.Due != finding.Overdue || f.DaysLeft != -10) {
			t.Errorf("second run: %s %d, want overdue by 10 days", f.Due, f.DaysLeft)
		}
		if rep.Policy.State != path {
			t.Errorf("policy.state = %q", rep.Policy.State)
		}
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	rep := testReport(t, later)
	id := rep.Items[1].ID
	if rec, err := st.Record("F-"); err == nil {
		t.Errorf("a prefix shared by every finding gave %s", rec.Finding.ID)
	}
	full := policy.FindingID("office", "test-pack", "remove-later", id)
	rec, err := st.Record(full[:9])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Item.ID != id || rec.Attribution == nil || rec.Attribution.Supplier.ID == "" || !rec.LastSeen.Equal(later) {
		t.Errorf("stored record does not explain the finding: %+v", rec)
	}
}

// Findings not seen for longer than Forget are dropped when saving.
func TestStateForgets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "findings.json")
	st, _ := LoadState(path)
	apply(testJudge(t, policy.Prohibit, st), testReport(t, now))
	if err := st.Save(now.Add(Forget + time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.file.Findings); n != 0 {
		t.Errorf("%d findings kept past Forget", n)
	}
}

func TestLoadStateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, data, want string }{
		{"syntax.json", "{\"version\": 1,\n \"findings\": {,}}", "syntax.json:2:"},
		{"version.json", `{"version": 9, "findings": {}}`, "state version 9"},
		{"unknown.json", `{"version": 1, "extra": 1}`, "unknown field"},
		{"nofirst.json", `{"version": 1, "findings": {"F-1": {}}}`, `finding "F-1" has no first_seen`},
	} {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadState(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// An overdue removal is a breach: it fails the scan like a prohibition,
// unless the run treats overdue removals as reminders.
func TestOverdueRemovalFails(t *testing.T) {
	later := now.AddDate(0, 0, 40) // remove-later's 30 days from first sight have passed
	for _, tt := range []struct {
		reminder bool
		want     int // failing findings besides the overdue removals
	}{{false, 1}, {true, 1}} {
		path := filepath.Join(t.TempDir(), "findings.json")
		for _, at := range []time.Time{now, later} {
			st, err := LoadState(path)
			if err != nil {
				t.Fatal(err)
			}
			rep := testReport(t, at)
			j := testJudge(t, policy.Prohibit, st)
			j.OverdueIsReminder = tt.reminder
			apply(j, rep)
			if err := st.Save(at); err != nil {
				t.Fatal(err)
			}
			if at.Equal(now) {
				continue
			}
			overdue := 0
			for _, f := range rep.Findings {
				if f.Due == finding.Overdue && f.Effect == policy.RemoveBy && f.State == finding.Open {
					overdue++
				}
			}
			want := tt.want
			if !tt.reminder {
				want += overdue
			}
			if got := rep.Summary.Findings.Failing; got != want || overdue == 0 || rep.Policy.OverdueIsReminder != tt.reminder {
				t.Errorf("overdue is reminder %v: %d failing (%d open overdue removals), want %d", tt.reminder, got, overdue, want)
			}
		}
	}
}

// apply judges rep's items as the scan command does, deadlines measured
// at the report's time unless the judge says otherwise.
func apply(j *Judge, rep *report.Report) {
	if j.Now.IsZero() {
		j.Now = rep.Generated
	}
	rep.SetVerdict(j.Items(rep.Entries()))
}
