package report

import (
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
)

// The words the encoders use for a finding's parts.

// findingDueText says where a finding stands against its deadline.
func findingDueText(f *finding.Finding) string {
	if f.Deadline.IsZero() {
		return DueText(finding.NoDeadline, 0)
	}
	return DueText(f.Due, f.DaysLeft)
}

// findingStateText says whether a finding stands: "open", "waived by W
// until DATE", "open — waiver W expired on DATE".
func findingStateText(f *finding.Finding) string {
	w := f.Waiver
	switch {
	case f.State == finding.Waived && w != nil:
		return fmt.Sprintf("waived by %s until %s", w.ID, ymd(w.Expiry))
	case w != nil && w.Expired:
		return fmt.Sprintf("%s — waiver %s expired on %s", f.State, w.ID, ymd(w.Expiry))
	}
	return string(f.State)
}

// findingProductText names what the item is: its product, or its
// supplier when the product is not identified; "(local)" when a local
// catalogue file's fact decided.
func findingProductText(f *finding.Finding) string {
	s := ""
	switch {
	case f.Product != "":
		s = "product " + f.Product
	case f.Supplier != "":
		s = "supplier " + f.Supplier
	}
	if s != "" && f.Local {
		s += " " + localMark
	}
	return s
}

// findingItemText is the item's name and version.
func findingItemText(f *finding.Finding) string {
	if f.ItemVersion == "" {
		return f.ItemName
	}
	return f.ItemName + " " + f.ItemVersion
}

// ymd writes a deadline or expiry as YYYY-MM-DD, and nothing when there
// is none.
func ymd(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(policy.DateLayout)
}

// nounCount writes n and noun, in the plural unless n is 1.
func nounCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// textOr is s, or alt when s is empty.
func textOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
