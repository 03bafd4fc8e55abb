package waivers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const lookupFile = `
waivers:
  - id: sys
    scope: {system: s1}
    reason: whole system
    approver: a
    expiry: 2026-12-31
  - id: prod
    scope: {product: p1}
    reason: whole product
    approver: a
    expiry: 2026-12-31
  - id: sys-prod
    scope: {system: s1, product: p1}
    reason: product on system
    approver: a
    expiry: 2026-12-31
  - id: sys-prod-rule
    scope: {system: s1, product: p1}
    rule: r1
    reason: one rule
    approver: a
    expiry: 2026-12-31
  - id: finding
    scope: {finding: f1}
    reason: one finding
    approver: a
    expiry: 2026-03-31
  - id: old-sys
    scope: {system: s2}
    reason: lapsed
    approver: a
    expiry: 2025-12-31
  - id: prod-instrument
    scope: {product: p2}
    instrument: i1
    reason: one instrument
    approver: a
    expiry: 2026-12-31
  - id: sys-first
    scope: {system: s3}
    reason: system and product rank equally; first written wins
    approver: a
    expiry: 2026-12-31
  - id: prod-second
    scope: {product: p3}
    reason: ranks with sys-first
    approver: a
    expiry: 2026-12-31
  - id: never
    scope: {finding: f-none}
    reason: matches nothing
    approver: a
    expiry: 2026-12-31
`

func loadString(t *testing.T, data string) *Set {
	t.Helper()
	s, err := Load("lookup.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// result is the part of a Decision the table compares.
type result struct {
	Waived  bool
	Waiver  string
	Expired bool
	Reason  string
	Note    string
}

func summarize(d Decision) result {
	r := result{Waived: d.Waived, Expired: d.Expired, Reason: d.Reason, Note: d.Note}
	if d.Waiver != nil {
		r.Waiver = d.Waiver.ID
	}
	return r
}

func TestLookup(t *testing.T) {
	s := loadString(t, lookupFile)
	june := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		f    Finding
		now  time.Time
		want result
	}{
		{"nothing matches", Finding{ID: "f9", System: "s9", Product: "p9"}, june, result{}},
		{"empty finding", Finding{}, june, result{}},
		{"system", Finding{ID: "f9", System: "s1", Product: "p9"}, june,
			result{Waived: true, Waiver: "sys", Reason: "whole system"}},
		{"product", Finding{ID: "f9", System: "s9", Product: "p1"}, june,
			result{Waived: true, Waiver: "prod", Reason: "whole product"}},
		{"system+product beats system and product", Finding{ID: "f9", System: "s1", Product: "p1", Rule: "r9"}, june,
			result{Waived: true, Waiver: "sys-prod", Reason: "product on system"}},
		{"rule narrows", Finding{ID: "f9", System: "s1", Product: "p1", Rule: "r1"}, june,
			result{Waived: true, Waiver: "sys-prod-rule", Reason: "one rule"}},
		{"finding beats all", Finding{ID: "f1", System: "s1", Product: "p1", Rule: "r1"}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			result{Waived: true, Waiver: "finding", Reason: "one finding"}},
		{"expiry day is inclusive", Finding{ID: "f1"}, time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC),
			result{Waived: true, Waiver: "finding", Reason: "one finding"}},
		{"expiry is judged in UTC", Finding{ID: "f1"}, time.Date(2026, 4, 1, 0, 30, 0, 0, time.FixedZone("EST", -5*3600)),
			result{Expired: true, Waiver: "finding", Reason: "one finding", Note: "waiver finding expired on 2026-03-31"}},
		{"expired finding waiver yields to a broader one in force", Finding{ID: "f1", System: "s1", Product: "p1", Rule: "r1"}, june,
			result{Waived: true, Waiver: "sys-prod-rule", Reason: "one rule"}},
		{"expired brings the finding back", Finding{ID: "f9", System: "s2", Product: "p9"}, june,
			result{Expired: true, Waiver: "old-sys", Reason: "lapsed", Note: "waiver old-sys expired on 2025-12-31"}},
		{"instrument narrows: match", Finding{System: "s9", Product: "p2", Instrument: "i1"}, june,
			result{Waived: true, Waiver: "prod-instrument", Reason: "one instrument"}},
		{"instrument narrows: other instrument", Finding{System: "s9", Product: "p2", Instrument: "i2"}, june, result{}},
		{"equal rank: first written wins", Finding{System: "s3", Product: "p3"}, june,
			result{Waived: true, Waiver: "sys-first", Reason: "system and product rank equally; first written wins"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(s.Lookup(tt.f, tt.now))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%+v) (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

func TestLookupNilSet(t *testing.T) {
	var s *Set
	if d := s.Lookup(Finding{ID: "f1"}, time.Now()); d != (Decision{}) {
		t.Errorf("nil Set: Lookup = %+v, want the zero Decision", d)
	}
	if u := s.Unused([]Finding{{ID: "f1"}}, time.Now()); u != nil {
		t.Errorf("nil Set: Unused = %v", u)
	}
}

func TestUnused(t *testing.T) {
	s := loadString(t, lookupFile)
	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		findings []Finding
		want     []string
	}{
		{"no findings", nil, []string{"sys", "prod", "sys-prod", "sys-prod-rule", "finding", "old-sys", "prod-instrument", "sys-first", "prod-second", "never"}},
		{"shadowed waivers are unused", []Finding{
			{ID: "f1", System: "s1", Product: "p1", Rule: "r1"}, // sys-prod-rule (finding has expired)
			{System: "s1", Product: "p9"},                       // sys
			{System: "s2"},                                      // old-sys, expired but reported on the finding
			{System: "s9", Product: "p2", Instrument: "i1"},     // prod-instrument
			{System: "s3", Product: "p3"},                       // sys-first over prod-second
		}, []string{"prod", "sys-prod", "finding", "prod-second", "never"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, w := range s.Unused(tt.findings, june) {
				got = append(got, w.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Unused (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInForce(t *testing.T) {
	w := Waiver{Expiry: date("2026-03-31")}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 31, 23, 59, 59, 999999999, time.UTC), true},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 4, 1, 1, 0, 0, 0, time.FixedZone("CEST", 2*3600)), true}, // 23:00 UTC on the 31st
	} {
		if got := w.InForce(tt.now); got != tt.want {
			t.Errorf("InForce(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}
