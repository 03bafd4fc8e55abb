package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/internal/wildcard"
)

// Share says how much of a brand's equipment a rebrand fact covers.
type Share string

// Shares. Only a fact that covers all of a brand's equipment (for its
// models and period) attributes an item by its label alone; one that
// covers some of it is cited when stronger evidence names the same
// manufacturer, never alone.
const (
	ShareAll  Share = "all"
	ShareSome Share = "some"
)

// Rebrand is an OEM relationship: a brand (a plain name, or the brand of
// a catalogued seller) sells equipment made by a catalogued manufacturer,
// for the models and during the period it states.
type Rebrand struct {
	ID string `json:"id" yaml:"id"`
	// Brand is the name on the label ("Lorex"); Names are other
	// spellings labels carry ("Lorex Technology Inc."). Each is matched
	// whole, with case, punctuation and legal forms folded.
	Brand string   `json:"brand" yaml:"brand"`
	Names []string `json:"names,omitempty" yaml:"names"`
	// Seller is the catalogued entity that owns the brand, when there is
	// one; Manufacturer the entity that makes the equipment.
	Seller       string `json:"seller,omitempty" yaml:"seller"`
	Manufacturer string `json:"manufacturer" yaml:"manufacturer"`
	Share        Share  `json:"share" yaml:"share"`
	// Models are globs over the device model ("LNR*"); none: every model.
	Models []string `json:"models,omitempty" yaml:"models"`
	// Period is when the brand sold the manufacturer's equipment: an
	// item is covered when its date lies within it.
	Period `yaml:",inline"`
	// Match and NoMatch are label values that must and must not be taken
	// for the brand.
	Match   []string `json:"match,omitempty" yaml:"match"`
	NoMatch []string `json:"nomatch,omitempty" yaml:"nomatch"`
	Fact    `yaml:",inline"`
	// Local is set on a fact a local file defines (WithLocal).
	Local bool `json:"local,omitempty" yaml:"-"`

	ident *Identifier // the evidence a covered label gives (set when indexed)
}

// Ident is the identifier a label covered by the fact matches: kind
// rebrand, the brand as value, the manufacturer as its entity.
func (r *Rebrand) Ident() *Identifier { return r.ident }

// labels are the brand's names.
func (r *Rebrand) labels() []string { return append([]string{r.Brand}, r.Names...) }

// Covers reports whether the fact covers an item of the given device
// model and date (YYYY-MM-DD, YYYY-MM or YYYY: when it was made, bought
// or installed; "" when unknown), and, when not, why. A fact with models
// needs the item's model; a fact with a period needs the item's date,
// and the whole of a month or year given must lie within the period.
func (r *Rebrand) Covers(model, date string) (bool, string) {
	if len(r.Models) > 0 {
		if model == "" {
			return false, "the fact covers some models only and the item's model is unknown"
		}
		if !r.coversModel(model) {
			return false, fmt.Sprintf("model %s is not among those the fact covers (%s)", model, strings.Join(r.Models, ", "))
		}
	}
	if r.Open() {
		return true, ""
	}
	if date == "" {
		return false, "the item's date is unknown and the fact holds " + r.PeriodText()
	}
	start, end, ok := dateSpan(date)
	if !ok {
		return false, fmt.Sprintf("the item's date %q is not YYYY-MM-DD, YYYY-MM or YYYY", date)
	}
	if (r.From != "" && start < r.From) || (r.Until != "" && end > r.Until) {
		return false, fmt.Sprintf("the item's date %s is outside the fact's period (%s)", date, r.PeriodText())
	}
	return true, ""
}

func (r *Rebrand) coversModel(model string) bool {
	m := strings.ToLower(strings.TrimSpace(model))
	for _, g := range r.Models {
		if wildcard.Match(strings.ToLower(g), m) {
			return true
		}
	}
	return false
}

// PeriodText writes the period in words: "from 2018-02-06 until
// 2022-11-23", "until 2018-02-06", "always".
func (p Period) PeriodText() string {
	var parts []string
	if p.From != "" {
		parts = append(parts, "from "+p.From)
	}
	if p.Until != "" {
		parts = append(parts, "until "+p.Until)
	}
	if len(parts) == 0 {
		return "always"
	}
	return strings.Join(parts, " ")
}

// dateSpan reads a day, month or year as the days [start, end) it spans.
func dateSpan(d string) (start, end string, ok bool) {
	for _, f := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{dateLayout, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	} {
		if t, err := time.Parse(f.layout, d); err == nil {
			return t.Format(dateLayout), f.next(t).Format(dateLayout), true
		}
	}
	return "", "", false
}

// Rebrands returns the rebrand facts whose brand a label names whole
// (a manufacturer, MAC vendor or supplier field).
func (ix *Index) Rebrands(label string) []*Rebrand {
	k := OrgKey(label)
	if k == "" {
		return nil
	}
	return ix.brands[k]
}

// RebrandsInName returns the rebrand facts whose brand an item's name
// starts with, on word boundaries ("Lorex 4K NVR" names Lorex, "Lorexa
// Cam" does not).
func (ix *Index) RebrandsInName(name string) []*Rebrand {
	words := strings.Fields(Normalize(name))
	var out []*Rebrand
	for n := 1; n <= len(words) && n <= 4; n++ {
		out = append(out, ix.brands[StripLegalForm(strings.Join(words[:n], " "))]...)
	}
	return out
}

func (ix *Index) addRebrand(r *Rebrand) {
	seen := map[string]bool{}
	for _, l := range r.labels() {
		if k := OrgKey(l); k != "" && !seen[k] {
			seen[k] = true
			ix.brands[k] = append(ix.brands[k], r)
		}
	}
}

// validateRebrand checks a rebrand fact: its brand, the entities it
// names, its share, models and period, its source and its examples.
func (c *Catalog) validateRebrand(r *Rebrand, bad reporter, fact factChecker) {
	what := fmt.Sprintf("rebrand %q", r.ID)
	if !idPattern.MatchString(r.ID) {
		bad(r.Pos, "rebrand id %q must be lower-case words joined by '-'", r.ID)
	}
	seen := map[string]bool{}
	for _, l := range r.labels() {
		switch k := OrgKey(l); {
		case l == "" || !trimmed(l) || k == "":
			bad(r.Pos, "%s: brand %q must be a name without surrounding spaces", what, l)
		case seen[k]:
			bad(r.Pos, "%s: brand name %q is listed twice", what, l)
		default:
			seen[k] = true
		}
	}
	if c.entityByID[r.Manufacturer] == nil {
		bad(r.Pos, "%s: manufacturer %q is not a catalogued entity", what, r.Manufacturer)
	}
	if r.Seller != "" && c.entityByID[r.Seller] == nil {
		bad(r.Pos, "%s: seller %q is not a catalogued entity", what, r.Seller)
	}
	if r.Share != ShareAll && r.Share != ShareSome {
		bad(r.Pos, "%s: share %q is not all or some (whether the brand's equipment is all the manufacturer's)", what, r.Share)
	}
	for _, m := range r.Models {
		if m == "" || strings.HasPrefix(m, "*") || !trimmed(m) {
			bad(r.Pos, "%s: model glob %q must start with literal text", what, m)
		}
	}
	if msg := r.check(); msg != "" {
		bad(r.Pos, "%s: %s", what, msg)
	}
	if len(r.Match) == 0 || len(r.NoMatch) == 0 {
		bad(r.Pos, "%s needs at least one match and one nomatch example of a label", what)
	}
	fact(r.Fact, what)
}

// rebrandExampleErrors checks a rebrand fact's examples: each match
// example must name the brand, no nomatch example may.
func rebrandExampleErrors(ix *Index, r *Rebrand, bad reporter) {
	has := func(label string) bool {
		for _, x := range ix.Rebrands(label) {
			if x == r {
				return true
			}
		}
		return false
	}
	for _, ex := range r.Match {
		if !has(ex) {
			bad(r.Pos, "rebrand %s: match example %q is not matched", r.ID, ex)
		}
	}
	for _, ex := range r.NoMatch {
		if has(ex) {
			bad(r.Pos, "rebrand %s: nomatch example %q is matched", r.ID, ex)
		}
	}
}
