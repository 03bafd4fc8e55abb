package catalog

import (
	"fmt"
	"time"
)

// Tier says what an item is to its supplier. Attribution states it;
// policy packs decide what each instrument covers per tier.
type Tier string

// Tiers.
const (
	// TierProduct is the supplier's own application, agent, driver,
	// firmware or device.
	TierProduct Tier = "product"
	// TierEmbedded is the supplier's code inside someone else's product:
	// an OEM engine, an SDK, a library, a model it publishes.
	TierEmbedded Tier = "embedded"
	// TierServiceClient is software whose purpose is to reach the
	// supplier's service, written by others: data goes there.
	TierServiceClient Tier = "service-client"
	// TierHosting is infrastructure the supplier runs for others: a
	// destination there is hosted by the supplier, not its product.
	TierHosting Tier = "hosting"
)

// Tiers lists every tier.
func Tiers() []Tier { return []Tier{TierProduct, TierEmbedded, TierServiceClient, TierHosting} }

// Valid reports whether t is one of the tiers.
func (t Tier) Valid() bool {
	switch t {
	case TierProduct, TierEmbedded, TierServiceClient, TierHosting:
		return true
	}
	return false
}

// Period bounds a fact in time: From is the first day it holds, Until
// the first day it no longer does. Either may be empty (open).
type Period struct {
	From  string `json:"from,omitempty" yaml:"from"`
	Until string `json:"until,omitempty" yaml:"until"`
}

const dateLayout = "2006-01-02"

// check returns what is wrong with the period's dates.
func (p Period) check() string {
	var from, until time.Time
	var err error
	if p.From != "" {
		if from, err = time.Parse(dateLayout, p.From); err != nil {
			return fmt.Sprintf("from %q is not YYYY-MM-DD", p.From)
		}
	}
	if p.Until != "" {
		if until, err = time.Parse(dateLayout, p.Until); err != nil {
			return fmt.Sprintf("until %q is not YYYY-MM-DD", p.Until)
		}
	}
	if p.From != "" && p.Until != "" && !until.After(from) {
		return fmt.Sprintf("until %s is not after from %s", p.Until, p.From)
	}
	return ""
}

// Holds reports whether the period includes the day of t (UTC).
func (p Period) Holds(t time.Time) bool {
	d := t.UTC().Format(dateLayout)
	return (p.From == "" || p.From <= d) && (p.Until == "" || d < p.Until)
}

// Open reports whether the period has no bounds.
func (p Period) Open() bool { return p.From == "" && p.Until == "" }

// overlaps reports whether two periods share a day. Dates are
// YYYY-MM-DD, so they compare as strings.
func (p Period) overlaps(q Period) bool {
	startsBeforeQEnds := q.Until == "" || p.From == "" || p.From < q.Until
	qStartsBeforePEnds := p.Until == "" || q.From == "" || q.From < p.Until
	return startsBeforeQEnds && qStartsBeforePEnds
}
