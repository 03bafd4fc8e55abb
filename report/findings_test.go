package report_test

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/report"
)

// Hosts and systems of the policy fixture.
const (
	opsHost = "ops-ws-17.agency.example"
	labHost = "lab-pc-3.agency.example"
	opsID   = "fed-ops-desktops"
	labID   = "unregistered:" + labHost // as policy/judge names it
)

// Instruments and packs of the policy fixture, as the catalogue and the
// built-in packs have them, and a pack of the agency's own.
var (
	ncscURL = "https://www.ncsc.gov.uk/blog-post/managing-supply-chain-risk-cloud-enabled-products"
	bodURL  = "https://www.cisa.gov/binding-operational-directive-17-01"
	ndaaURL = "http://www.wifcon.com/dodauth18/dod18_1634.htm"
	packs   = []finding.PackRef{
		{ID: "agency-ru-security", Title: "Agency standard: remove Russia-based security products within 30 days of discovery", Instrument: "uk-ncsc-2017-russia-av", URL: ncscURL},
		{ID: "uk-ncsc-2017-russia-av", Title: "NCSC 2017, Russia-based anti-virus and security products on government systems", Instrument: "uk-ncsc-2017-russia-av", URL: ncscURL},
		{ID: "us-bod-17-01", Title: "BOD 17-01, removal of Kaspersky-branded products from federal information systems", Instrument: "us-bod-17-01", URL: bodURL},
		{ID: "us-ndaa18-s1634", Title: "NDAA FY2018 s.1634, no federal use of anything developed or provided by Kaspersky Lab", Instrument: "us-ndaa18-s1634", URL: ndaaURL},
	}
)

func day(s string) time.Time {
	t, err := time.Parse(policy.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtureFinding is one finding of the policy fixture, before it is
// spelled out.
type fixtureFinding struct {
	pack, rule, clause string
	effect             policy.Effect
	severity           policy.Severity
	deadline           *policy.Deadline
	effective          time.Time // the pack's, for deadlines counted from it
	onLab              bool      // on the unregistered lab host, not the ops desktop
	firstSeen          time.Time
	waiver             *finding.WaiverRef
}

// policyReport is the golden fixture judged by hand as policy/judge would
// (which cannot be imported here: it imports report): kesl on a
// registered operations desktop, the Kaspersky agent on a host no system
// matched. Its findings are an overdue prohibition, a removal due in 12
// days, a waived removal, a warning whose waiver expired, warnings with no
// deadline, and a waiver that decides nothing.
func policyReport(t *testing.T) *report.Report {
	t.Helper()
	r := fixedReport(t)
	kesl, agent := r.Items[1], r.Items[2]
	if kesl.Name != "kesl" || agent.Name != "Corporate Security Agent" {
		t.Fatalf("fixture items changed: %s, %s", kesl.Name, agent.Name)
	}
	kesl.Location.Host, agent.Location.Host = opsHost, labHost

	inForce := &finding.WaiverRef{ID: "W-0007", Reason: "replacement EDR reaches the operations desktops in the Q3 change window",
		Approver: "CISO (A. Moreau)", Expiry: day("2025-09-30"), Where: "testdata/waivers.yaml:12"}
	expired := &finding.WaiverRef{ID: "W-0003", Reason: "inventory reported to CISA late, accepted by the CIO",
		Approver: "CIO", Expiry: day("2025-03-31"), Expired: true, Note: "waiver W-0003 expired on 2025-03-31", Where: "testdata/waivers.yaml:4"}
	fixture := []fixtureFinding{
		{pack: "us-ndaa18-s1634", rule: "ndaa18-1634-prohibition", effect: policy.Prohibit, severity: policy.Critical,
			clause:   "(a) No department, agency, organization, or other element of the Federal Government may use any hardware, software, or services developed or provided, in whole or in part, by Kaspersky Lab; (b) effective 1 October 2018",
			deadline: &policy.Deadline{Date: day("2018-10-01")}, firstSeen: day("2024-11-04")},
		{pack: "agency-ru-security", rule: "agency-remove-30d", effect: policy.RemoveBy, severity: policy.High,
			clause:   "Security products of a Russia-based provider are removed within 30 days of discovery",
			deadline: &policy.Deadline{DaysAfter: 30, From: policy.FromFirstSeen}, onLab: true, firstSeen: day("2025-05-14")},
		{pack: "us-bod-17-01", rule: "bod-17-01-remove", effect: policy.RemoveBy, severity: policy.High,
			clause:   "Required action 3: at 90 calendar days, unless directed otherwise, begin to implement the plan and remove the products, reporting every 30 days until full removal",
			deadline: &policy.Deadline{DaysAfter: 90, From: policy.FromEffective}, effective: day("2017-09-13"), firstSeen: day("2024-11-04"), waiver: inForce},
		{pack: "us-bod-17-01", rule: "bod-17-01-identify", effect: policy.Warn, severity: policy.Medium,
			clause:   "Required action 1: within 30 calendar days, identify the use or presence of Kaspersky-branded products on all Federal information systems and report them",
			deadline: &policy.Deadline{DaysAfter: 30, From: policy.FromEffective}, effective: day("2017-09-13"), firstSeen: day("2024-11-04"), waiver: expired},
		{pack: "uk-ncsc-2017-russia-av", rule: "ncsc-2017-official", effect: policy.Warn, severity: policy.Medium,
			clause: "Other systems: the choice of a Russia-based security product is an informed risk decision", firstSeen: day("2024-11-04")},
		{pack: "uk-ncsc-2017-russia-av", rule: "ncsc-2017-official", effect: policy.Warn, severity: policy.Medium,
			clause: "Other systems: the choice of a Russia-based security product is an informed risk decision", onLab: true, firstSeen: day("2025-05-14")},
	}
	pack := map[string]finding.PackRef{}
	for _, p := range packs {
		pack[p.ID] = p
	}
	sum := &finding.Summary{ByEffect: map[string]int{}}
	failOn := policy.RemoveBy
	for _, x := range fixture {
		p := pack[x.pack]
		f := finding.Finding{
			Finding: policy.Finding{Pack: p.ID, Rule: x.rule, Instrument: p.Instrument, Clause: x.clause,
				Effect: x.effect, Severity: x.severity, DeadlineRule: x.deadline},
			Title: p.Title, URL: p.URL, FirstSeen: x.firstSeen, State: finding.Open, Waiver: x.waiver,
		}
		if x.onLab {
			f.System, f.Host, f.Classification, f.Unregistered = labID, labHost, "OFFICIAL", true
			f.Item, f.ItemName, f.ItemVersion, f.Supplier, f.Country = agent.ID, agent.Name, agent.Version, "kaspersky-ao", "RU"
		} else {
			f.System, f.Host, f.SystemName, f.Department, f.Owner, f.Classification = opsID, opsHost, "Operations desktops", "Operations", "ops-it@agency.example", "OFFICIAL"
			f.Tags = []string{"federal-information-system"}
			f.Item, f.ItemName, f.ItemVersion, f.Product, f.Supplier, f.Country = kesl.ID, kesl.Name, kesl.Version, "kaspersky-endpoint-security-linux", "kaspersky-ao", "RU"
		}
		f.ID = policy.FindingID(f.System, f.Pack, f.Rule, f.Item)
		if d := x.deadline; d != nil {
			switch {
			case !d.Date.IsZero():
				f.Deadline = d.Date
			case d.From == policy.FromEffective:
				f.Deadline = x.effective.AddDate(0, 0, d.DaysAfter)
			}
		}
		f.Deadline = f.DeadlineAfter(f.FirstSeen)
		f.Due, f.DaysLeft = finding.NoDeadline, 0
		if !f.Deadline.IsZero() {
			today := time.Date(generated.Year(), generated.Month(), generated.Day(), 0, 0, 0, 0, time.UTC)
			f.DaysLeft = int(f.Deadline.Sub(today).Hours() / 24)
			f.Due = finding.DueIn
			if f.DaysLeft < 0 {
				f.Due = finding.Overdue
			}
		}
		if x.waiver != nil && !x.waiver.Expired {
			f.State = finding.Waived
			sum.Waived++
		} else {
			sum.Open++
			sum.ByEffect[string(f.Effect)]++
			if f.Due == finding.Overdue {
				sum.Overdue++
			}
			if f.Fails(failOn, false) {
				sum.Failing++
			}
		}
		r.Findings = append(r.Findings, f)
	}
	// As policy/judge orders them: instrument, deadline (none last),
	// system, item.
	slices.SortStableFunc(r.Findings, func(a, b finding.Finding) int {
		da, db := a.Deadline, b.Deadline
		if da.IsZero() {
			da = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if db.IsZero() {
			db = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return cmp.Or(cmp.Compare(a.Instrument, b.Instrument), da.Compare(db), cmp.Compare(a.System, b.System), cmp.Compare(a.ItemName, b.ItemName))
	})
	r.Policy = &finding.PolicyRun{
		Packs: packs, FailOn: failOn, Systems: "testdata/systems.yaml", Waivers: "testdata/waivers.yaml",
		Unregistered: []string{labHost}, Ambiguous: []string{"build-07.agency.example"},
		UnusedWaivers: []finding.WaiverRef{{ID: "W-0011", Reason: "the malware lab keeps Kaspersky samples for analysis", Approver: "CISO (A. Moreau)",
			Expiry: day("2025-12-31"), Note: `decides no finding of this scan (scope: system "malware-lab")`, Where: "testdata/waivers.yaml:20"}},
		State: "testdata/state.json",
	}
	r.Summary.Findings = sum
	return r
}
