package waivers

import (
	"fmt"
	"strings"
	"time"
)

// DateLayout is how dates are written in a waivers file.
const DateLayout = "2006-01-02"

// Position is where a waiver was written: file and line.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (p Position) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Waiver is one exception. Exactly one of Finding, System and Product is
// set, or System and Product together; Instrument and Rule, when set,
// narrow it further.
type Waiver struct {
	ID         string `json:"id"`
	Finding    string `json:"finding,omitempty"`
	System     string `json:"system,omitempty"`
	Product    string `json:"product,omitempty"`
	Instrument string `json:"instrument,omitempty"`
	Rule       string `json:"rule,omitempty"`
	Reason     string `json:"reason"`
	Approver   string `json:"approver"`
	// Granted is zero when the file does not say.
	Granted time.Time `json:"granted,omitzero"`
	// Expiry is the last day the waiver is in force, at 00:00 UTC.
	Expiry time.Time `json:"expiry"`
	Note   string    `json:"note,omitempty"`
	Pos    Position  `json:"pos"`
}

// InForce reports whether w still applies at now: through the whole of
// its expiry day, in UTC.
func (w *Waiver) InForce(now time.Time) bool {
	return now.Before(w.Expiry.AddDate(0, 0, 1))
}

// Scope describes what w covers, for messages.
func (w *Waiver) Scope() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("%s %q", k, v))
		}
	}
	add("finding", w.Finding)
	add("system", w.System)
	add("product", w.Product)
	add("instrument", w.Instrument)
	add("rule", w.Rule)
	return strings.Join(parts, ", ")
}

// specificity ranks w against other waivers matching the same finding;
// see the package documentation.
func (w *Waiver) specificity() int {
	n := 0
	switch {
	case w.Finding != "":
		n = 3
	case w.System != "" && w.Product != "":
		n = 2
	default:
		n = 1
	}
	n *= 4
	if w.Rule != "" {
		n += 2
	}
	if w.Instrument != "" {
		n++
	}
	return n
}

func (w *Waiver) matches(f Finding) bool {
	if w.Finding != "" {
		return w.Finding == f.ID
	}
	return (w.System == "" || w.System == f.System) &&
		(w.Product == "" || w.Product == f.Product) &&
		(w.Instrument == "" || w.Instrument == f.Instrument) &&
		(w.Rule == "" || w.Rule == f.Rule)
}

// Finding is what a waiver is matched against: the finding's stable id,
// the system it was found on, the catalogue product, and the rule and
// instrument that flagged it.
type Finding struct {
	ID         string
	System     string
	Product    string
	Rule       string
	Instrument string
}

// Decision is the outcome of Lookup for one finding.
type Decision struct {
	// Waived is true when a waiver in force covers the finding.
	Waived bool
	// Waiver is the deciding waiver (in force or expired), nil if none
	// matched. It is shared with the Set and must not be modified.
	Waiver *Waiver
	// Expired is true when the only matching waivers have expired: the
	// finding stands, and Note says so.
	Expired bool
	// Reason is the deciding waiver's reason.
	Reason string
	// Note is "waiver W expired on DATE" for an expired waiver.
	Note string
}

// Set is a loaded waivers file. Waivers are in file order; they are
// shared and must not be modified.
type Set struct {
	Waivers []Waiver

	byID      map[string]int
	byFinding map[string][]int
	bySystem  map[string][]int // system-only and system+product waivers
	byProduct map[string][]int // product-only waivers
}

// Waiver returns the waiver with the given id.
func (s *Set) Waiver(id string) (*Waiver, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	return &s.Waivers[i], true
}

// Lookup decides whether f is waived at now. A nil Set waives nothing.
func (s *Set) Lookup(f Finding, now time.Time) Decision {
	i := s.decide(f, now)
	if i < 0 {
		return Decision{}
	}
	w := &s.Waivers[i]
	d := Decision{Waiver: w, Reason: w.Reason}
	if w.InForce(now) {
		d.Waived = true
	} else {
		d.Expired = true
		d.Note = fmt.Sprintf("waiver %s expired on %s", w.ID, w.Expiry.Format(DateLayout))
	}
	return d
}

// decide returns the index of the deciding waiver for f, or -1.
func (s *Set) decide(f Finding, now time.Time) int {
	if s == nil {
		return -1
	}
	best, bestExpired := -1, -1
	consider := func(candidates []int) {
		for _, i := range candidates {
			w := &s.Waivers[i]
			if !w.matches(f) {
				continue
			}
			p := &best
			if !w.InForce(now) {
				p = &bestExpired
			}
			if *p < 0 || better(w, i, &s.Waivers[*p], *p) {
				*p = i
			}
		}
	}
	if f.ID != "" {
		consider(s.byFinding[f.ID])
	}
	if f.System != "" {
		consider(s.bySystem[f.System])
	}
	if f.Product != "" {
		consider(s.byProduct[f.Product])
	}
	if best >= 0 {
		return best
	}
	return bestExpired
}

func better(a *Waiver, ai int, b *Waiver, bi int) bool {
	sa, sb := a.specificity(), b.specificity()
	if sa != sb {
		return sa > sb
	}
	return ai < bi
}

// Unused returns, in file order, the waivers that decide none of
// findings at now: those that match nothing, and those that match only
// findings a more specific waiver decides. Either way removing them would
// change no outcome, so they are reported to the user.
func (s *Set) Unused(findings []Finding, now time.Time) []Waiver {
	if s == nil {
		return nil
	}
	used := make([]bool, len(s.Waivers))
	for _, f := range findings {
		if i := s.decide(f, now); i >= 0 {
			used[i] = true
		}
	}
	var out []Waiver
	for i, u := range used {
		if !u {
			out = append(out, s.Waivers[i])
		}
	}
	return out
}
