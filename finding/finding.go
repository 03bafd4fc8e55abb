package finding

import (
	"time"

	"github.com/embargo-dev/embargo/policy"
)

// Finding is one policy rule that an item breaks on one system, as
// reported: the engine's finding with the system, the item, the
// attribution and the waiver spelled out, so that a finding can be read
// (and explained) without the rest of the report.
type Finding struct {
	policy.Finding
	// Title is the pack's title; URL is the instrument's.
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`

	Host           string   `json:"host,omitempty"`
	SystemName     string   `json:"system_name,omitempty"`
	Department     string   `json:"department,omitempty"`
	Owner          string   `json:"owner,omitempty"`
	Classification string   `json:"classification"`
	Tags           []string `json:"system_tags,omitempty"`
	// Unregistered is set when the host matched no system of the register
	// and was judged as its default.
	Unregistered bool `json:"unregistered,omitempty"`
	// Device is what the device manager says of the host when a device
	// manager reported it: its own id and user, for the team that acts.
	Device *DeviceRef `json:"device,omitempty"`

	ItemName    string `json:"item_name"`
	ItemVersion string `json:"item_version,omitempty"`
	Product     string `json:"product,omitempty"`  // catalogue product id
	Tier        string `json:"tier,omitempty"`     // what the item is to its supplier
	Supplier    string `json:"supplier,omitempty"` // catalogue entity id
	Country     string `json:"controlling_country,omitempty"`
	// Local: a fact from a local catalogue file decided the attribution
	// the finding is about.
	Local bool `json:"local,omitempty"`

	// FirstSeen is when the finding was first seen (from the state file;
	// this run's time when it is new or no state is kept).
	FirstSeen time.Time `json:"first_seen"`
	// Due says where the finding stands against its deadline at the
	// report's time; DaysLeft is negative when overdue.
	Due      Due `json:"due"`
	DaysLeft int `json:"days_left,omitempty"`

	State  State      `json:"state"`
	Waiver *WaiverRef `json:"waiver,omitempty"`
}

// DeviceRef names a managed device as its manager knows it.
type DeviceRef struct {
	MDM       string `json:"mdm"`
	ID        string `json:"mdm_id"`
	Name      string `json:"name,omitempty"`
	User      string `json:"user,omitempty"`
	Ownership string `json:"ownership,omitempty"`
	Platform  string `json:"platform,omitempty"`
}

// State is whether a finding stands.
type State string

// Finding states.
const (
	Open   State = "open"
	Waived State = "waived"
)

// Due is a finding's standing against its deadline.
type Due string

// Deadline standings.
const (
	NoDeadline Due = "none"
	DueIn      Due = "due"
	Overdue    Due = "overdue"
)

// WaiverRef is the waiver that decided a finding: in force (the finding
// is waived) or expired (the finding stands again, and Note says so).
type WaiverRef struct {
	ID       string    `json:"id"`
	Reason   string    `json:"reason"`
	Approver string    `json:"approver"`
	Expiry   time.Time `json:"expiry"`
	Expired  bool      `json:"expired,omitempty"`
	Note     string    `json:"note,omitempty"`
	Where    string    `json:"where"` // file:line
}

// PolicyRun says which policy judged the report and what came of the
// waivers.
type PolicyRun struct {
	Packs []PackRef `json:"packs"`
	// FailOn is the weakest effect that makes the scan fail.
	FailOn policy.Effect `json:"fail_on"`
	// OverdueIsReminder is set when overdue removals did not fail the run
	// (by default they fail like prohibitions).
	OverdueIsReminder bool `json:"overdue_is_reminder,omitempty"`
	// Systems is the register file, or "one-off" for a target described
	// on the command line.
	Systems string `json:"systems"`
	Waivers string `json:"waivers,omitempty"`
	// Unregistered lists hosts that matched no system of the register.
	Unregistered []string `json:"unregistered_hosts,omitempty"`
	// Ambiguous lists hosts that matched several systems equally well.
	Ambiguous []string `json:"ambiguous_hosts,omitempty"`
	// UnusedWaivers decide no finding of this report.
	UnusedWaivers []WaiverRef `json:"unused_waivers,omitempty"`
	// State is the file first sightings were kept in, if any.
	State string `json:"state,omitempty"`
}

// PackRef names a pack that was applied.
type PackRef struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Instrument string `json:"instrument"`
	URL        string `json:"url,omitempty"`
}

// Summary counts findings.
type Summary struct {
	Open    int `json:"open"`
	Waived  int `json:"waived"`
	Overdue int `json:"overdue"`
	// Failing is the open findings at or above the run's fail-on effect.
	Failing  int            `json:"failing"`
	ByEffect map[string]int `json:"by_effect"` // open findings
}

// Fails reports whether f is an open finding at or above failOn.
//
// A removal deadline that has passed is a breach, not a reminder: an open
// remove-by finding that is overdue fails like a prohibition, unless the
// run treats overdue removals as reminders (--overdue-is-reminder).
func (f *Finding) Fails(failOn policy.Effect, overdueIsReminder bool) bool {
	if f.State != Open {
		return false
	}
	e := f.Effect
	if e == policy.RemoveBy && f.Due == Overdue && !overdueIsReminder {
		e = policy.Prohibit
	}
	return e.Rank() >= failOn.Rank()
}

// DueAt is where deadline stands at now, in whole days (UTC): no
// deadline, due in N days (0 is today), or overdue by -N days.
func DueAt(deadline, now time.Time) (Due, int) {
	if deadline.IsZero() {
		return NoDeadline, 0
	}
	y, m, d := now.UTC().Date()
	days := int(deadline.Sub(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	if days < 0 {
		return Overdue, days
	}
	return DueIn, days
}

// PackRefs names the packs an engine judges by, with their instruments'
// URLs.
func PackRefs(e *policy.Engine) []PackRef {
	var out []PackRef
	for _, p := range e.Packs() {
		ref := PackRef{ID: p.ID, Title: p.Title, Instrument: p.Instrument}
		if in := e.Catalog().Instrument(p.Instrument); in != nil {
			ref.URL = in.URL
		}
		out = append(out, ref)
	}
	return out
}
