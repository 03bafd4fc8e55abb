package policy

import (
	"fmt"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// DateLayout is how dates are written in a pack.
const DateLayout = "2006-01-02"

// Position is where something was written: file, line and, for
// expressions, column (1-based; 0 when not known).
type Position struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column,omitempty"`
}

func (p Position) String() string {
	if p.Column > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Effect is what a rule demands of a matching item.
type Effect string

// Effects, from the strongest.
const (
	Prohibit Effect = "prohibit"  // must not be present at all
	RemoveBy Effect = "remove-by" // must be gone by the deadline
	Warn     Effect = "warn"      // a risk to decide on; not a breach
)

// Rank orders effects: Prohibit is 3, Warn 1, anything else 0.
func (e Effect) Rank() int {
	switch e {
	case Prohibit:
		return 3
	case RemoveBy:
		return 2
	case Warn:
		return 1
	}
	return 0
}

// Severity is how bad a finding is.
type Severity string

// Severities, from the highest.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// From says what a relative deadline counts from.
type From string

// Starting points of a relative deadline.
const (
	FromEffective From = "effective"  // the pack's effective date
	FromFirstSeen From = "first-seen" // when the finding was first seen
)

// Deadline is when a finding must be resolved: a fixed Date, or DaysAfter
// days after the pack's effective date or the finding's first sighting.
type Deadline struct {
	Date      time.Time `json:"date,omitzero"`
	DaysAfter int       `json:"days_after,omitempty"`
	From      From      `json:"from,omitempty"`
}

// Pack is a set of rules that mirror one instrument.
type Pack struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Instrument string `json:"instrument"`
	// Effective is the date relative deadlines count from; zero when the
	// pack gives none.
	Effective time.Time `json:"effective,omitzero"`
	Rules     []*Rule   `json:"rules"`
	Examples  []Example `json:"examples"`
	Pos       Position  `json:"-"`
}

// Rule is one clause of an instrument as a CEL condition.
type Rule struct {
	ID       string    `json:"id"`
	Clause   string    `json:"clause"`
	Effect   Effect    `json:"effect"`
	Severity Severity  `json:"severity"`
	When     string    `json:"when"`
	Deadline *Deadline `json:"deadline,omitempty"`
	Pos      Position  `json:"-"`
	WhenPos  Position  `json:"-"` // where the expression begins

	ast  *cel.Ast
	expr exprPos
}

// Expect is what an example must produce.
type Expect string

// Expectations of an example.
const (
	Caught Expect = "caught" // at least one rule of the pack matches
	Pass   Expect = "pass"   // no rule of the pack matches
)

// Example is a case the pack must decide as stated.
type Example struct {
	Name   string `json:"name"`
	Expect Expect `json:"expect"`
	// Effect, when set, is the strongest effect the example must produce.
	Effect         Effect         `json:"effect,omitempty"`
	Classification string         `json:"classification"`
	Tags           []string       `json:"tags,omitempty"`
	SupplierID     string         `json:"supplier,omitempty"`
	Country        string         `json:"controlling_country,omitempty"`
	ProductID      string         `json:"product,omitempty"`
	Category       string         `json:"category,omitempty"`
	ItemName       string         `json:"item,omitempty"`
	ItemType       inventory.Type `json:"item_type,omitempty"`
	// Tier, when set, is the attribution's tier; otherwise the product's
	// (ProductTier, or the catalogue's), or product for a supplier alone.
	Tier           catalog.Tier `json:"tier,omitempty"`
	ProductTier    catalog.Tier `json:"product_tier,omitempty"`
	DependencyPath []string     `json:"dependency_path,omitempty"`
	// DeviceType, when set, is the item's device type (inventory.DeviceType),
	// which makes it a device unless ItemType says otherwise; ItemTags are
	// its tags (inventory.Tag), read as item.tags.
	DeviceType string   `json:"device_type,omitempty"`
	ItemTags   []string `json:"item_tags,omitempty"`
	// Flow, when set, makes the example traffic from the system to the
	// supplier (or, without one, to the registered country), judged by
	// the rules that read flow.
	Flow *FlowExample `json:"flow,omitempty"`
	Pos  Position     `json:"-"`
}

// FlowExample is the traffic of an example.
type FlowExample struct {
	RegisteredCountry string   `json:"registered_country"`
	BytesOut          int64    `json:"bytes_out"`
	Names             []string `json:"names,omitempty"`
}
