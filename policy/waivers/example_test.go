package waivers_test

import (
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/policy/waivers"
)

func Example() {
	s, err := waivers.Load("waivers.yaml", []byte(`
waivers:
  - id: grid-kaspersky
    scope: {system: cni-grid, product: kaspersky-endpoint-security}
    reason: Air-gapped; replacement with the Q3 outage.
    approver: ciso@grid.example
    expiry: 2026-09-30
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	f := waivers.Finding{ID: "f-1", System: "cni-grid", Product: "kaspersky-endpoint-security", Rule: "firm", Instrument: "uk-ncsc-2017-russia-av"}
	d := s.Lookup(f, time.Date(2026, 9, 30, 18, 0, 0, 0, time.UTC))
	fmt.Println(d.Waived, d.Waiver.ID)
	d = s.Lookup(f, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(d.Waived, d.Note)
	fmt.Println(len(s.Unused([]waivers.Finding{f}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	// Output:
	// true grid-kaspersky
	// false waiver grid-kaspersky expired on 2026-09-30
	// 0
}
